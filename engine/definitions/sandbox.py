"""Diagram code runs in a separate process with a CPU-time and a memory limit.

Whatever a script, condition or expression does — a recursion tree, `pow` on huge
numbers, a string padded to gigabytes — it runs in a sandbox process (one per thread of
each server or scheduler process, started on first use) whose address space is limited
to MEMORY_LIMIT above what it needs to start, and whose CPU time is limited to
CPU_SECONDS per run. Over a limit, the sandbox is killed (or raises MemoryError), the
caller gets `ScriptLimitExceeded`, and a fresh sandbox serves the next run; the engine
saves the file in error, retryable once the diagram is fixed.

Parent → sandbox messages are pickles (our own data); sandbox → parent messages are
JSON only, so nothing the diagram code builds can run code in the parent when read. The
functions the engine lends to diagram code (registry look-ups...) stay in the parent:
the sandbox calls them by name and waits for their answer.

What diagram code leaves in the task's data must be data: JSON values, integers below
2**63, finite numbers, at most MAX_DATA_BYTES in all — else `ScriptDataRefused`.
"""
import atexit
import builtins
import json
import math
import os
import pickle
import resource
import struct
import subprocess
import sys
import threading
import time

from engine.definitions import restricted

MEMORY_LIMIT = 256 * 1024 * 1024  # bytes of address space a run may add to the sandbox's own
# CPU time of one run, in whole seconds (1 to 60; the sandbox reads the same environment as its parent).
_CPU_SETTING = os.environ.get("DJOLIBA_SCRIPT_CPU_SECONDS", "")
CPU_SECONDS = int(_CPU_SETTING) if _CPU_SETTING.isdigit() and 1 <= int(_CPU_SETTING) <= 60 else 2
WALL_SECONDS = 60  # a run that neither ends nor spends CPU (should not happen): given up after this
MAX_DATA_BYTES = 5 * 1024 * 1024  # what a script may leave in the task's data, as JSON
_HEADER = struct.Struct(">I")


class ScriptLimitExceeded(Exception):
    """Diagram code went over its CPU-time or memory limit."""


class ScriptDataRefused(ValueError):
    """Diagram code left something in the task's data that is not data (or too much of it)."""


class SandboxError(Exception):
    """An error raised by diagram code whose type is not a Python builtin exception."""


# --- the parent's side ---------------------------------------------------------------------------

class _Sandbox:
    """One sandbox process and the pipe to it."""

    def __init__(self):
        self.process = subprocess.Popen([sys.executable, "-m", "engine.definitions.sandbox"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)
        self.busy = False

    def run(self, request, functions):
        """Send `request`, answer the sandbox's calls of `functions`, return its reply (a dict)."""
        if self.busy:
            raise RuntimeError("diagram code called back into diagram code")
        self.busy = True
        try:
            _write(self.process.stdin, pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
            while True:
                reply = self._read()
                if reply.get("error") == "MemoryError":
                    self.kill()  # it ends itself: out of memory, it is not trusted with the next run
                if reply.get("type") != "call":
                    return reply
                _write(self.process.stdin, pickle.dumps(_answer(functions, reply)))
        finally:
            self.busy = False

    def _read(self):
        deadline = time.monotonic() + WALL_SECONDS
        data = _read(self.process.stdout, deadline)
        if data is None:
            self.kill()
            raise ScriptLimitExceeded(f"the code ran out of time ({CPU_SECONDS} s of CPU) or memory "
                                      f"({MEMORY_LIMIT // (1024 * 1024)} MB): it would not end in time")
        return json.loads(data)

    def alive(self):
        return self.process.poll() is None

    def kill(self):
        if self.alive():
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()


def _answer(functions, call):
    try:
        return {"value": functions[call["name"]](*call["args"], **call["kwargs"])}
    except Exception as err:  # noqa: BLE001 - handed to the diagram code, which fails with it
        return {"error": type(err).__name__, "message": str(err)}


_LOCAL = threading.local()
_ALL = []


def _sandbox():
    """This thread's sandbox (a new one after a fork, or after the last one was killed)."""
    pid, sandbox = getattr(_LOCAL, "box", (None, None))
    if pid != os.getpid() or not sandbox.alive():
        sandbox = _Sandbox()
        _ALL.append(sandbox)
        _LOCAL.box = (os.getpid(), sandbox)
    return sandbox


@atexit.register
def _stop_all():
    for sandbox in _ALL:
        if sandbox.alive() and os.getpid() != sandbox.process.pid:
            sandbox.kill()


def evaluate(expression, names):
    """The value of a condition or expression, computed in the sandbox; callables in `names` stay here."""
    data, functions = _split(names)
    reply = _sandbox().run({"op": "eval", "source": expression, "names": data, "lent": {},
                            "functions": sorted(functions)}, functions)
    return _result(reply)["value"]


def execute(script, context, lent):
    """Run a script on `context` (the task's data, updated in place) in the sandbox; return what it printed.

    `lent` are names the script may read but that are not part of the data (functions
    the engine lends, values of the moment): they are not kept in `context` afterwards.
    """
    data, functions = _split(context)
    lent_data, lent_functions = _split(lent)
    functions.update(lent_functions)
    reply = _sandbox().run({"op": "exec", "source": script, "names": data, "lent": lent_data,
                            "functions": sorted(functions)}, functions)
    result = _result(reply)
    context.clear()
    context.update(result["context"])
    return result["printed"]


def _split(names):
    data = {key: value for key, value in names.items() if not callable(value)}
    return data, {key: value for key, value in names.items() if callable(value)}


def _result(reply):
    if reply["type"] == "result":
        return reply
    kind, message = reply["error"], reply["message"]
    if kind == "ScriptDataRefused":
        raise ScriptDataRefused(message)
    if kind == "MemoryError":
        raise ScriptLimitExceeded(f"the code needed more than {MEMORY_LIMIT // (1024 * 1024)} MB of memory")
    error = getattr(restricted, kind, None) if kind in restricted.ERRORS else getattr(builtins, kind, None)
    if not (isinstance(error, type) and issubclass(error, Exception)):
        error, message = SandboxError, f"{kind}: {message}"
    raised = error(message)
    raised.printed = reply.get("printed", "")
    raise raised


# --- framing: a 4-byte length, then the message ----------------------------------------------------

def _write(pipe, data):
    pipe.write(_HEADER.pack(len(data)) + data)
    pipe.flush()


def _read(pipe, deadline=None):
    """One message from `pipe`, or None at end of file (the sandbox died) or past `deadline`."""
    import select
    header = b""
    chunks, wanted = [], None
    while True:
        if deadline is not None:
            ready, _w, _x = select.select([pipe], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
        if wanted is None:
            part = os.read(pipe.fileno(), _HEADER.size - len(header))
            if not part:
                return None
            header += part
            if len(header) == _HEADER.size:
                wanted = _HEADER.unpack(header)[0]
                if wanted == 0:
                    return b""
            continue
        part = os.read(pipe.fileno(), min(wanted, 1 << 20))
        if not part:
            return None
        chunks.append(part)
        wanted -= len(part)
        if wanted == 0:
            return b"".join(chunks)


# --- the sandbox's side --------------------------------------------------------------------------

def _limit_memory():
    with open("/proc/self/statm", encoding="ascii") as statm:
        size = int(statm.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_LIMIT, size + MEMORY_LIMIT))


def _limit_cpu():
    """This run may use CPU_SECONDS more of CPU time; past it the kernel ends the process (SIGXCPU)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(used.ru_utime + used.ru_stime) + CPU_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))


_OUT = None  # the sandbox's answers go to its real stdout; anything printed by mistake goes to stderr


def _send(message):
    _write(_OUT, json.dumps(message, allow_nan=False).encode("utf-8"))


def _caller(name, stdin):
    def call(*args, **kwargs):
        _send({"type": "call", "name": name, "args": list(args), "kwargs": kwargs})
        answer = pickle.loads(_read(stdin))
        if "error" in answer:
            raise RuntimeError(f"{name}: {answer['error']}: {answer['message']}")
        return answer["value"]
    call.__name__ = name
    return call


def _plain(value, where, depth=0):
    """Refuse what is not JSON data, naming where it is."""
    if depth > 100:
        raise ScriptDataRefused(f"'{where}' is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        if abs(value) >= 2 ** 63:
            raise ScriptDataRefused(f"'{where}' is an integer too large to be stored")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ScriptDataRefused(f"'{where}' is not a finite number ({value})")
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _plain(item, where, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not (key is None or isinstance(key, (str, int, float))):  # JSON writes these keys as text
                raise ScriptDataRefused(f"'{where}' has a key that is not text ({key!r})")
            _plain(item, where, depth + 1)
        return
    raise ScriptDataRefused(f"'{where}' is a {type(value).__name__}, not data (text, number, list or dict)")


def _serve(request, stdin):
    functions = {name: _caller(name, stdin) for name in request["functions"]}
    if request["op"] == "eval":
        value = restricted.evaluate(request["source"], {**request["names"], **functions})
        _plain(value, "the expression's value")
        return {"type": "result", "value": value}
    lent = {**request["lent"], **functions}
    context = {**request["names"], **lent}
    printed = restricted.execute(request["source"], context)
    data = {key: value for key, value in context.items() if key not in lent and not callable(value)}
    for key, value in data.items():
        _plain(value, key)
    return {"type": "result", "context": data, "printed": printed}


def main():
    """The sandbox process: read requests from stdin, answer on stdout, until stdin closes."""
    global _OUT
    stdin, _OUT = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    _limit_memory()
    while True:
        data = _read(stdin)
        if data is None:
            return
        request = pickle.loads(data)
        _limit_cpu()
        try:
            reply = _serve(request, stdin)
            encoded = json.dumps(reply, allow_nan=False).encode("utf-8")
            if len(encoded) > MAX_DATA_BYTES:
                raise ScriptDataRefused(f"the data is larger than {MAX_DATA_BYTES // (1024 * 1024)} MB")
        except MemoryError:
            _send({"type": "error", "error": "MemoryError", "message": "out of memory"})
            return  # a process that ran out of memory is not trusted with the next run
        except Exception as err:  # noqa: BLE001 - reported to the engine, which saves the file in error
            _send({"type": "error", "error": type(err).__name__, "message": str(err),
                   "printed": getattr(err, "printed", "")})
            continue
        _write(_OUT, encoded)


if __name__ == "__main__":
    main()
