"""Deploy diagrams: parse, check, and store each process as an immutable, versioned spec."""
import re
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from sqlalchemy import select

from engine import audit
from engine.audit import checksums
from engine.definitions import checks, decisions, unsupported
from engine.definitions.forms import parse_form, ui_filename
from engine.definitions.workflows import spec_to_dict
from engine.errors import DeployRejected, Problem
from engine.runtime import spawn
from engine.store.tables import ProcessVersion


def deploy(uow, files, actor, forms_dir=None):
    """Deploy every executable process found in `files` ({filename: bytes}).

    `.bpmn` and `.dmn` files are parsed together; `.json` files are forms,
    and forms a diagram names but `files` lacks are read from `forms_dir`.
    A process whose diagram, decisions and forms are unchanged since its latest
    version gets no new version. Returns a list of dicts
    `{"process_key", "version", "created"}`.

    Raises DeployRejected with every problem found (file, element id, reason);
    then nothing is written, and deployed versions stay as they were.
    """
    problems, parsed, forms = _checked(files, forms_dir)
    if problems:
        raise DeployRejected(problems)
    with uow:
        outcomes = _store_all(uow.session, parsed, forms, actor)
        uow.commit()
    return outcomes


def deploy_in(session, files, actor, forms_dir=None):
    """What `deploy` does, inside the caller's transaction (which commits or rolls back)."""
    problems, parsed, forms = _checked(files, forms_dir)
    if problems:
        raise DeployRejected(problems)
    return _store_all(session, parsed, forms, actor)


def _store_all(session, parsed, forms, actor):
    return [_store(session, key, spec, subprocesses, parsed, forms.found, actor)
            for key, (spec, subprocesses) in parsed.specs.items()]


def check(files, forms_dir=None):
    """Every problem that would stop `files` from being deployed (an empty list: deployable).

    Reads nothing from and writes nothing to the database.
    """
    return _checked(files, forms_dir)[0]


def _checked(files, forms_dir):
    parsed = _parse(files)
    forms = _collect_forms(parsed.specs, files, forms_dir)
    problems = parsed.problems + forms.problems + checks.check_specs(
        parsed.specs, parsed.files_by_process, forms.found, {p.file for p in forms.problems})
    problems += checks.check_flow(parsed.trees, parsed.specs, parsed.files_by_process)
    return problems, parsed, forms


def deploy_paths(uow, paths, actor, forms_dir=None):
    """Deploy files from disk: each path is a file or a folder of .bpmn/.dmn files."""
    files = {}
    for path in map(Path, paths):
        targets = sorted(p for p in path.iterdir() if p.suffix in (".bpmn", ".dmn")) if path.is_dir() else [path]
        files.update({p.name: p.read_bytes() for p in targets})
    return deploy(uow, files, actor, forms_dir=forms_dir)


class _Parsed:
    def __init__(self):
        self.problems, self.specs, self.files_by_process, self.texts, self.trees = [], {}, {}, {}, {}


def _parse(files):
    result = _Parsed()
    parser = SpiffBpmnParser(validator=VALIDATOR)
    for name, content in sorted(files.items()):
        suffix = Path(name).suffix
        if suffix == ".json":
            continue
        if suffix not in (".bpmn", ".dmn"):
            result.problems.append(Problem(name, "", "not a .bpmn, .dmn or .json file"))
            continue
        try:
            tree = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as err:
            result.problems.append(Problem(name, "", f"invalid XML: {err.msg}"))
            continue
        result.texts[name] = content.decode("utf-8")
        result.trees[name] = tree
        refused = (unsupported if suffix == ".bpmn" else decisions).problems(tree)
        if refused:  # our words for them, not the parser's (or the BPMN schema's)
            result.problems += [Problem(name, element_id, reason) for element_id, reason in refused]
            continue
        try:
            (parser.add_dmn_xml if suffix == ".dmn" else parser.add_bpmn_xml)(tree, filename=name)
        except (ValidationException, SpiffWorkflowException) as err:
            result.problems.append(_problem(err, name))
    if result.problems:
        return result
    # The parser lives for this call only: after a parse error it may hold a truncated spec.
    for key in parser.get_process_ids():
        try:
            spec = parser.get_spec(key)
            subprocesses = parser.get_subprocess_specs(key)
        except (ValidationException, SpiffWorkflowException) as err:
            result.problems.append(_problem(err, parser.process_parsers[key].filename))
            continue
        result.specs[key] = (spec, subprocesses)
        result.files_by_process[key] = parser.process_parsers[key].filename
    if not result.specs and not result.problems:
        result.problems.append(Problem(", ".join(sorted(files)), "", "no executable process found"))
    return result


def _problem(err, filename):
    element = getattr(err, "id", "") or ""
    line = getattr(err, "line_number", "")
    message = _plain(str(err.args[0]) if err.args else str(err))
    if line:
        message += f" (line {line})"
    return Problem(getattr(err, "file_name", "") or filename, element, message)


# The parser's and the BPMN schema's wordings that a process owner meets, in plain words.
_PLAIN = [(re.compile(r"The process '(?P<key>[^']*)' was not found.*", re.DOTALL),
           "the called process '{key}' is not among the files deployed together: deploy its file with this one"),
          (re.compile(r"Element '(?:\{[^}]*\})?(?P<element>[\w:.-]+)'(?:, attribute '(?P<attribute>[^']*)')?: "
                      r"(?P<detail>.*)", re.DOTALL),
           "not valid BPMN at element '{element}': {detail}")]


def _plain(message):
    for pattern, text in _PLAIN:
        match = pattern.fullmatch(message)
        if match:
            parts = {key: re.sub(r"\{[^}]*\}", "", value or "") for key, value in match.groupdict().items()}
            return text.format(**parts)
    return message


# A form file is a plain name of the forms folder: never a path that could read any file of the server.
FORM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.schema\.json")


class _Forms:
    def __init__(self):
        self.found, self.problems = {}, []


def _collect_forms(specs, files, forms_dir):
    result = _Forms()
    needed = {info.form for spec, subs in specs.values() for info in checks.user_tasks(spec, subs) if info.form}
    for filename in sorted(needed):
        if not FORM_NAME.fullmatch(filename):
            result.problems.append(Problem(filename, "", "a form is named by a plain file name of the forms folder, "
                                                         "ending in .schema.json (no folder, no '..')"))
            continue
        for name in (filename, ui_filename(filename)):
            text = _read_form(name, files, forms_dir)
            if text is None:
                continue
            value, error = parse_form(name, text)
            if error:
                result.problems.append(Problem(name, "", error))
            else:
                result.found[name] = value
    return result


def _decision_files(parsed, spec, subprocesses):
    """The .dmn files holding a decision table that the process's business rule tasks call.

    Only these belong to the process's sources: another process's decision table changes
    neither its checksum nor its version.
    """
    tables = {task_spec.dmnEngine.decision_table.id for task_spec in checks.all_task_specs(spec, subprocesses)
              if getattr(task_spec, "dmnEngine", None) is not None}
    return {name for name, tree in parsed.trees.items() if name.endswith(".dmn")
            and any(table.get("id") in tables for table in tree.iter("{*}decisionTable"))}


def _read_form(name, files, forms_dir):
    if name in files:
        return files[name].decode("utf-8")
    path = Path(forms_dir) / name if forms_dir else None
    if path and path.is_file():
        return path.read_text(encoding="utf-8")
    return None


def _store(session, key, spec, subprocesses, parsed, forms, actor):
    named = {info.form for info in checks.user_tasks(spec, subprocesses) if info.form}
    named |= {ui_filename(form) for form in named}
    used_forms = {name: value for name, value in forms.items() if name in named}
    decisions = _decision_files(parsed, spec, subprocesses)
    sources = {name: text for name, text in parsed.texts.items()
               if name == parsed.files_by_process[key] or name in decisions}
    checksum = checksums.version_checksum(sources, used_forms)
    latest = session.scalars(select(ProcessVersion).where(ProcessVersion.process_key == key)
                             .order_by(ProcessVersion.version.desc()).limit(1)).first()
    # The latest version's own files are put in canonical form again: one deployed before the
    # checksum was canonical has the checksum of its exact text.
    if latest and checksum in (latest.checksum, checksums.version_checksum(latest.sources, latest.forms)):
        return {"process_key": key, "version": latest.version, "created": False}
    version = ProcessVersion(process_key=key, version=(latest.version + 1) if latest else 1,
                             name=spec.description or key, checksum=checksum,
                             spec=spec_to_dict(spec, subprocesses), forms=used_forms, sources=sources,
                             start_role=checks.start_role(spec), start_message=checks.start_message(spec),
                             deployed_by=actor)
    session.add(version)
    session.flush()
    audit.record(session, "deployed", actor, process_key=key, version=version.version, checksum=checksum)
    spawn.open_timed_start(session, version)
    return {"process_key": key, "version": version.version, "created": True}
