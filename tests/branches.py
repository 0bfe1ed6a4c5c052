"""Every branch of every gateway, and every row of every decision table, of the bundled diagrams
must be taken by some test.

The `uow` fixture (conftest) adds the branches each test took, read from its
`gateway_taken` and `decision_taken` audit events; at the end of a full run
(`make test` sets DJOLIBA_CHECK_BRANCHES=1) the run fails if a branch of an
exclusive or inclusive gateway in `bpmn/`, or a row of a `.dmn` table, was
never taken.
"""
import os

from lxml import etree
from sqlalchemy import select

from engine.store.tables import AuditEvent

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"
CHECKED = os.environ.get("DJOLIBA_CHECK_BRANCHES") == "1"
TAKEN = set()


def branches(bpmn_dir):
    """{(process key, gateway id, target id)} of the gateways that choose between several ways."""
    found = set()
    for path in sorted(bpmn_dir.glob("*.bpmn")):
        tree = etree.parse(str(path))
        for process in tree.iter(f"{BPMN}process"):
            flows = {f.get("id"): f.get("targetRef") for f in process.iter(f"{BPMN}sequenceFlow")}
            for kind in ("exclusiveGateway", "inclusiveGateway"):
                for gateway in process.iter(f"{BPMN}{kind}"):
                    outgoing = [flows[o.text] for o in gateway.findall(f"{BPMN}outgoing")]
                    if len(outgoing) > 1:
                        found |= {(process.get("id"), gateway.get("id"), target) for target in outgoing}
    for path in sorted(bpmn_dir.glob("*.dmn")):
        for table in etree.parse(str(path)).iter(f"{DMN}decisionTable"):
            found |= {("decision table", table.get("id"), rule.get("id")) for rule in table.iter(f"{DMN}rule")}
    return found


def note_taken(uow):
    """Add the branches taken in the test database to TAKEN."""
    with uow:
        query = select(AuditEvent.kind, AuditEvent.process_key, AuditEvent.element_id, AuditEvent.details) \
            .where(AuditEvent.kind.in_(("gateway_taken", "decision_taken")))
        for kind, process_key, gateway, details in uow.session.execute(query):
            details = details or {}
            if kind == "gateway_taken":
                TAKEN.update((process_key, gateway, target) for target in details.get("to", []))
            else:
                TAKEN.update(("decision table", details.get("table"), rule["id"]) for rule in details.get("rules", []))
