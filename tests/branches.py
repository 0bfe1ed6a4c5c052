"""Every branch of every gateway of the bundled diagrams must be taken by some test.

The `uow` fixture (conftest) adds the branches each test took, read from its
`gateway_taken` audit events; at the end of a full run (`make test` sets
DJOLIBA_CHECK_BRANCHES=1) the run fails if a branch of an exclusive or
inclusive gateway in `bpmn/` was never taken.
"""
from lxml import etree
from sqlalchemy import select

from engine.tables import AuditEvent

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
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
    return found


def note_taken(uow):
    """Add the branches taken in the test database to TAKEN."""
    with uow:
        query = select(AuditEvent.process_key, AuditEvent.element_id, AuditEvent.details) \
            .where(AuditEvent.kind == "gateway_taken")
        for process_key, gateway, details in uow.session.execute(query):
            TAKEN.update((process_key, gateway, target) for target in (details or {}).get("to", []))
