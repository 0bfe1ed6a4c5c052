"""A task form sent after the session expired is held for its sender alone, bounded, until it expires."""
from datetime import timedelta

from sqlalchemy import func, select

from engine import audit
from engine.accounts import held
from engine.store.tables import AuditEvent, HeldSubmission

TASK = "0f0e5a55-1a2b-4c3d-8e9f-000000000001"
TYPED = [["intitule_poste", "Ouvrier agricole"], ["langues_requises", "Bambara (bamanankan)"],
         ["langues_requises", "Français"]]


def test_held_for_its_sender_alone_replaced_discarded_and_audited(uow):
    assert held.hold_submission(uow, "dcim", TASK, TYPED)
    assert held.held_submission(uow, "dcim", TASK) == TYPED
    assert held.held_submission(uow, "conseiller-bamako", TASK) is None  # another account sees nothing
    assert held.held_submission(uow, "dcim", "another-task") is None
    assert held.hold_submission(uow, "dcim", TASK, TYPED[:1])  # sent again: the newer one is kept
    assert held.held_submission(uow, "dcim", TASK) == TYPED[:1]
    assert held.drop_held_submission(uow, "dcim", TASK, discarded=True)
    assert held.held_submission(uow, "dcim", TASK) is None
    assert not held.drop_held_submission(uow, "dcim", TASK)
    with uow:
        kinds = [(e.kind, e.actor, audit.details_of(e)) for e in uow.session.scalars(
            select(AuditEvent).where(AuditEvent.kind.like("submission_%")).order_by(AuditEvent.seq))]
    assert [(kind, actor) for kind, actor, _ in kinds] == \
        [("submission_held", "dcim"), ("submission_held", "dcim"), ("submission_discarded", "dcim")]
    assert kinds[0][2]["form"] == TASK and kinds[0][2]["fields"] == 3  # how much, never what was typed
    assert "Ouvrier agricole" not in str(kinds)


def test_too_large_unknown_accounts_and_expired_forms_are_not_kept(uow):
    assert not held.hold_submission(uow, "dcim", TASK, [["observations", "x" * (held.MAX_BYTES + 1)]])
    assert not held.hold_submission(uow, "nobody-here", TASK, TYPED)
    assert held.hold_submission(uow, "dcim", TASK, TYPED, keep=timedelta(seconds=-1))
    assert held.held_submission(uow, "dcim", TASK) is None  # expired
    held.drop_expired(uow)
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(HeldSubmission)) == 0  # and gone
    # Each account keeps its newest PER_ACCOUNT held forms.
    for number in range(held.PER_ACCOUNT + 2):
        assert held.hold_submission(uow, "evaluateur", f"task-{number}", TYPED)
    assert held.held_submission(uow, "evaluateur", "task-0") is None
    assert held.held_submission(uow, "evaluateur", f"task-{held.PER_ACCOUNT + 1}") == TYPED
