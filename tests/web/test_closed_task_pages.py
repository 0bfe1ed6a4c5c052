"""A task page that can no longer be worked says why: done, or closed because the file took another path."""
from test_pages import DCIM, PROCESS, browser, shown_text

from engine.runtime import instances
from tests.engine import offer_data
from tests.engine.offer_flow import complete
from web.store import uow


def test_a_done_or_closed_task_says_why_it_is_not_open(app):
    dcim = browser(app, "dcim")
    with app.app_context():
        done = instances.start_instance(uow(), DCIM, PROCESS, "OFF-CLOS-1")
        complete(uow(), DCIM, done["id"], "enregistrer_offre", offer_data.enregistrer_saisonnier_espagne())
        closed = instances.start_instance(uow(), DCIM, PROCESS, "OFF-CLOS-2")
        instances.cancel_instance(uow(), DCIM, closed["id"], "Doublon d'une autre offre.")
    assert "Cette tâche est terminée" in shown_text(dcim.get(f"/tasks/{done['tasks'][0]['id']}"))
    assert "a été close sans être faite" in shown_text(dcim.get(f"/tasks/{closed['tasks'][0]['id']}"))
