"""Drafts: the diagram, decisions and forms a process owner edits, saves, checks, then deploys.

There is one draft per process key. It starts as a copy of the latest deployed
version (or of a starter diagram for a new process), is saved as often as the
owner likes, and disappears when it is deployed. A draft that fails the checks
cannot be deployed.
"""
import json
import re
from pathlib import PurePosixPath

from lxml import etree
from sqlalchemy import select

from engine.authoring import deploy as deploying
from engine.definitions import forms
from engine.definitions.catalog import latest_version
from engine.errors import Conflict, DeployRejected, FilesRejected, Forbidden, NotFound, Problem
from engine.store.tables import DiagramDraft, ProcessVersion, Region, as_utc, utcnow

OWNER_ROLE = "proprietaire"
DIAGRAM_SUFFIXES = (".bpmn", ".dmn")
FORM_SUFFIXES = (".schema.json", ".ui.json")
_ROOTS = {".bpmn": "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions",
          ".dmn": ("{https://www.omg.org/spec/DMN/20191111/MODEL/}definitions",
                   "{http://www.omg.org/spec/DMN/20151101/dmn.xsd}definitions")}
_KEY = re.compile(r"[a-z][a-z0-9_]{1,99}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,150}")


def require_owner(actor):
    if OWNER_ROLE not in actor.roles:
        raise Forbidden("only process owners edit diagrams")


def open_draft(uow, actor, process_key):
    """The draft of `process_key`; without one, the files of its latest version (not saved).

    Raises Forbidden (not a process owner) or NotFound (no draft and no version).
    """
    require_owner(actor)
    with uow:
        draft = uow.session.get(DiagramDraft, process_key)
        if draft is not None:
            return draft_dict(draft)
        version = latest_version(uow.session, process_key)
        return {"process_key": process_key, "files": version_files(version), "base_version": version.version,
                "revision": 0, "saved_by": None, "saved_at": None, "checked_at": None, "problems": None,
                "saved": False}


def version_files(version):
    """The files of a deployed version as {name: text}: its sources and its forms."""
    forms = {name: json.dumps(value, ensure_ascii=False, indent=2) + "\n" for name, value in version.forms.items()}
    return {**version.sources, **forms}


def list_drafts(uow, actor):
    """Every saved draft, without its files."""
    require_owner(actor)
    with uow:
        drafts = uow.session.scalars(select(DiagramDraft).order_by(DiagramDraft.process_key))
        return [{k: v for k, v in draft_dict(d).items() if k != "files"} for d in drafts]


def new_draft(uow, actor, process_key, name):
    """Start a draft for a new process from a starter diagram (start → end in a DCIM lane).

    Raises ValidationFailed-like FilesRejected for a bad key, Conflict if the key is taken.
    """
    require_owner(actor)
    if not _KEY.fullmatch(process_key or ""):
        raise FilesRejected([Problem("", "", "process key: lowercase letters, digits and _ (2 to 100), "
                                             "starting with a letter")])
    with uow:
        session = uow.session
        taken = session.get(DiagramDraft, process_key) or session.scalars(
            select(ProcessVersion.id).where(ProcessVersion.process_key == process_key)).first()
        if taken is not None:
            raise Conflict(f"process '{process_key}' exists already", reason="process_exists")
        draft = DiagramDraft(process_key=process_key, files={f"{process_key}.bpmn": starter(process_key, name)},
                             base_version=None, revision=1, saved_by=actor.username, saved_at=utcnow())
        session.add(draft)
        uow.commit()
        return draft_dict(draft)


def save_draft(uow, actor, process_key, changes, revision=None, removed=()):
    """Store `changes` ({name: text}) in the draft, creating it from the latest version if needed.

    `revision` is the draft revision the editor started from: if someone saved
    since, Conflict (reason `draft_changed`) and nothing is stored. Each file
    must be well-formed: a .bpmn or .dmn file of the right kind, a form that is
    JSON; otherwise FilesRejected lists each bad file and nothing is stored.
    """
    require_owner(actor)
    problems = [p for name, text in changes.items() for p in _file_problems(name, text)]
    if problems:
        raise FilesRejected(problems)
    with uow:
        session = uow.session
        draft = session.get(DiagramDraft, process_key)
        if draft is None:
            version = latest_version(session, process_key)
            draft = DiagramDraft(process_key=process_key, files=version_files(version),
                                 base_version=version.version, revision=0)
            session.add(draft)
        if revision is not None and int(revision) != draft.revision:
            raise Conflict(f"the draft of '{process_key}' was saved by {draft.saved_by} meanwhile",
                           reason="draft_changed", saved_by=draft.saved_by)
        files = {name: text for name, text in draft.files.items() if name not in removed}
        draft.files = {**files, **changes}
        draft.revision += 1
        draft.saved_by, draft.saved_at = actor.username, utcnow()
        draft.problems = draft.checked_at = None
        uow.commit()
        return draft_dict(draft)


def check_draft(uow, actor, process_key, forms_dir=None):
    """Run the parser and every check on the saved draft; store and return the problems (dicts)."""
    require_owner(actor)
    with uow:
        draft = _draft(uow.session, process_key)
        problems = draft_problems(draft, forms_dir)
        draft.problems = [p.as_dict() for p in problems]
        draft.checked_at = utcnow()
        uow.commit()
        return draft_dict(draft)


def deploy_draft(uow, actor, process_key, forms_dir=None):
    """Deploy the saved draft as a new version and drop the draft, in one transaction.

    A draft that fails the checks is not deployed: DeployRejected with every
    problem, and the problems are kept on the draft. Returns the deploy outcomes.
    """
    require_owner(actor)
    with uow:
        draft = _draft(uow.session, process_key)
        problems = draft_problems(draft, forms_dir)
        if problems:
            draft.problems, draft.checked_at = [p.as_dict() for p in problems], utcnow()
            uow.commit()
            raise DeployRejected(problems)
        files = {name: text.encode("utf-8") for name, text in draft.files.items()}
        outcomes = deploying.deploy_in(uow.session, files, actor.username, forms_dir=forms_dir)
        uow.session.delete(draft)
        uow.commit()
        return outcomes


def discard_draft(uow, actor, process_key):
    """Drop the draft; the deployed versions stay as they are."""
    require_owner(actor)
    with uow:
        uow.session.delete(_draft(uow.session, process_key))
        uow.commit()


def draft_problems(draft, forms_dir):
    """The check problems of a draft's files, plus a missing process of the draft's key."""
    files = {name: text.encode("utf-8") for name, text in draft.files.items()}
    problems = deploying.check(files, forms_dir)
    if not any(_defines_process(text, draft.process_key) for name, text in draft.files.items()
               if name.endswith(".bpmn")):
        problems.append(Problem("", draft.process_key,
                                f"no .bpmn file of the draft defines the process '{draft.process_key}'"))
    return problems


def _defines_process(text, key):
    try:
        tree = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return False
    return any(p.get("id") == key for p in tree.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process"))


def _file_problems(name, text):
    suffix = PurePosixPath(name).suffix
    if not _NAME.fullmatch(name or "") or not (name.endswith(DIAGRAM_SUFFIXES) or name.endswith(FORM_SUFFIXES)):
        return [Problem(name, "", "not a .bpmn, .dmn, .schema.json or .ui.json file name")]
    if suffix == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as err:
            return [Problem(name, "", f"invalid JSON at line {err.lineno}: {err.msg}")]
        return []
    try:
        root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as err:
        return [Problem(name, "", f"invalid XML: {err.msg}")]
    expected = _ROOTS[suffix]
    if root.tag not in (expected if isinstance(expected, tuple) else (expected,)):
        kind = "BPMN" if suffix == ".bpmn" else "DMN"
        return [Problem(name, "", f"not a {kind} file: its root element is <{etree.QName(root).localname}>")]
    return []


def _draft(session, process_key):
    draft = session.get(DiagramDraft, process_key)
    if draft is None:
        raise NotFound(f"no draft of '{process_key}'", process_key=process_key)
    return draft


def draft_dict(draft):
    return {"process_key": draft.process_key, "files": dict(draft.files), "base_version": draft.base_version,
            "revision": draft.revision, "saved_by": draft.saved_by,
            "saved_at": as_utc(draft.saved_at).isoformat() if draft.saved_at else None,
            "checked_at": as_utc(draft.checked_at).isoformat() if draft.checked_at else None,
            "problems": draft.problems, "saved": True}


def starter(process_key, name):
    """A new process's first diagram: a DCIM lane with a start and an end event."""
    title = (name or process_key).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="definitions_{process_key}" targetNamespace="http://anpe.ml/djoliba/bpmn">
  <bpmn:collaboration id="collaboration_{process_key}">
    <bpmn:participant id="participant_{process_key}" name="{title}" processRef="{process_key}" />
  </bpmn:collaboration>
  <bpmn:process id="{process_key}" name="{title}" isExecutable="true">
    <bpmn:laneSet id="laneset_{process_key}">
      <bpmn:lane id="lane_dcim" name="DCIM">
        <bpmn:flowNodeRef>debut</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>fin</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="debut" name="Début"><bpmn:outgoing>flux_debut_fin</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="fin" name="Fin"><bpmn:incoming>flux_debut_fin</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="flux_debut_fin" sourceRef="debut" targetRef="fin" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_{process_key}">
    <bpmndi:BPMNPlane id="plane_{process_key}" bpmnElement="collaboration_{process_key}">
      <bpmndi:BPMNShape id="participant_{process_key}_di" bpmnElement="participant_{process_key}" isHorizontal="true">
        <dc:Bounds x="120" y="60" width="700" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="lane_dcim_di" bpmnElement="lane_dcim" isHorizontal="true">
        <dc:Bounds x="150" y="60" width="670" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="debut_di" bpmnElement="debut">
        <dc:Bounds x="200" y="142" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="fin_di" bpmnElement="fin">
        <dc:Bounds x="700" y="142" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flux_debut_fin_di" bpmnElement="flux_debut_fin">
        <di:waypoint x="236" y="160" /><di:waypoint x="700" y="160" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def form_preview(uow, actor, name, text, ui_text=None):
    """A form being edited, checked and ready to show as a counsellor would see it.

    Returns `{"schema", "ui", "problems"}`: the schema with its reference choices
    filled in (regions, countries...), or None with the reasons the schema or
    its UI hints are refused (invalid JSON, invalid JSON Schema).
    """
    require_owner(actor)
    schema, error = forms.parse_form(name if name.endswith(".schema.json") else "form.schema.json", text)
    ui, ui_error = forms.parse_form("form.ui.json", ui_text) if ui_text else ({}, None)
    problems = [e for e in (error, ui_error) if e]
    if problems or not isinstance(schema, dict):
        return {"schema": None, "ui": {}, "problems": problems or ["the schema must be a JSON object"]}
    with uow:
        regions = {r.code: r.name for r in uow.session.scalars(select(Region).where(Region.active))}
    return {"schema": forms.expand(schema, forms.Choices(regions=regions)), "ui": ui if isinstance(ui, dict) else {},
            "problems": []}
