"""The engine's layout is its architecture: packages in layers, each importing only those below it.

    store < audit < records < accounts < definitions < people < runtime < authoring < demo

(`engine.errors` is below all; `engine.setup` above all.) The managers' reading of the audit
log (`audit.search`, `audit.timeline`) and the statistics read files, so they rank with
`authoring`: nothing that runs files imports them. No module imports Flask or the web layer,
and no import cycle exists between modules.
"""
import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent.parent / "engine"
LAYERS = ["errors", "store", "audit", "records", "accounts", "definitions", "people", "runtime", "authoring",
          "demo", "setup"]
READERS = {"audit.search", "audit.timeline", "records.statistics"}  # rank with authoring


def _modules():
    """{dotted name under engine: set of engine modules it imports}."""
    graph = {}
    for path in ENGINE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ENGINE).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = set(_imports(path))
    return graph


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "engine":
                yield from (alias.name for alias in node.names)
            elif node.module.startswith("engine."):
                module = node.module.removeprefix("engine.")
                yield module
                yield from (f"{module}.{alias.name}" for alias in node.names)
            else:
                yield "<external>." + node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield (alias.name.removeprefix("engine.") if alias.name.startswith("engine.")
                       else "<external>." + alias.name)


def _rank(module):
    if module in READERS:
        return LAYERS.index("authoring")
    return LAYERS.index(module.split(".")[0])


def test_the_engine_never_imports_flask_or_the_web_layer():
    graph = _modules()
    wrong = sorted((name, dep) for name, deps in graph.items() for dep in deps
                   if dep.split(".")[1:2] in (["flask"], ["web"]) or dep.startswith("<external>.flask"))
    assert not wrong


def test_each_package_imports_only_the_layers_below_it():
    graph = _modules()
    known = set(graph)
    wrong = []
    for name, deps in graph.items():
        for dep in deps:
            if dep not in known or dep.split(".")[0] == name.split(".")[0] and dep not in READERS | {name}:
                continue  # not a module (a name imported from one), or its own package
            if _rank(dep) > _rank(name) or (dep in READERS and name not in READERS and _rank(name) <= _rank(dep)):
                wrong.append(f"{name} -> {dep}")
    assert not sorted(wrong)


def test_no_import_cycle_between_modules():
    graph = _modules()
    known = set(graph)
    edges = {name: {dep for dep in deps if dep in known and dep != name and not name.startswith(dep + ".")
                    and dep.count(".")} for name, deps in graph.items()}
    visiting, done, cycles = set(), set(), []

    def visit(node, path):
        if node in visiting:
            cycles.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        visiting.add(node)
        for dep in sorted(edges[node]):
            visit(dep, path + [node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(edges):
        visit(node, [])
    assert not cycles
