"""Schemathesis against the real server's `/api/v1/openapi.json`, with the API tokens of several roles.

Each role's run tries the edge values of every parameter and body field (Schemathesis's coverage
phase: empty, too long, the largest integers...) then a few random requests per operation
(`--max-examples`); a run still going after `LIMIT` seconds is stopped and fails. The three runs go
side by side against a server of their own (`api_server`): what they send may open, claim or cancel
files without disturbing the other tests. A run fails on any 5xx and on any answer that the
description does not allow: an undocumented status, content type or header, or a body off its schema.
Whether the API accepts every request the description allows is not checked: a task's form, a
diagram or a draft's files are validated beyond what a schema can say.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

SEED = "20261207"
LIMIT = 240  # seconds; (Schemathesis's --max-time would go on generating requests until it is spent)
CONFIG = "[phases.coverage]\nunexpected-methods = []\n"  # not every other HTTP method on every path
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
          "response_schema_conformance")
# Each role on the operations it is allowed to use (elsewhere it meets only 403s): reading everything,
# working on tasks and files (opening, claiming, completing, cancelling), the procedures' versions and drafts.
RUNS = {
    "direction": ["--include-method", "GET"],  # every file, the audit trail, timelines, tasks
    "dcim": ["--include-method", "POST", "--include-path-regex", "^/(tasks|processes|instances)"],  # work
    "proprietaire": ["--include-path-regex", "drafts|diff|versions|deployments|migrat"],  # versions, drafts
}


def schemathesis(server, role):
    config = server.database["folder"] / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [str(Path(sys.executable).with_name("st")), "--config-file", str(config), "run",
               f"{server.base}/api/v1/openapi.json", "--header", f"Authorization: Bearer {server.token(role)}",
               "--checks", CHECKS, "--phases", "examples,coverage,fuzzing", "--max-examples", "2",
               "--seed", SEED, "--workers", "1", "--request-timeout", "30", *RUNS[role]]
    # In the server's folder: what Schemathesis keeps between runs (.hypothesis/) goes with it.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=server.database["folder"], env={**os.environ, "NO_COLOR": "1"})


def test_the_api_answers_as_described_to_every_role(api_server):
    runs = {role: schemathesis(api_server, role) for role in RUNS}
    outputs = {role: _output(run) for role, run in runs.items()}
    failed = {role: outputs[role] for role, run in runs.items() if run.returncode != 0}
    assert not failed, "\n\n".join(f"== Schemathesis as {role} (seed {SEED}):\n{_failures(output)}"
                                   for role, output in failed.items())
    for role, output in outputs.items():  # a run cut short by its time limit tests nothing, and says so
        generated = re.search(r"(\d+) generated", output)
        assert generated and int(generated.group(1)) >= 100, f"Schemathesis as {role} tried little:\n{output[-3000:]}"


def _output(run):
    try:
        return run.communicate(timeout=LIMIT)[0]
    except subprocess.TimeoutExpired:
        run.kill()
        return run.communicate()[0] + f"\nFAILURES: stopped after {LIMIT} s"


def _failures(output):
    """The part of Schemathesis's report that says what failed and how to reproduce it."""
    start = output.find("FAILURES")
    return output[start - 40 if start > 40 else 0:][-12000:]
