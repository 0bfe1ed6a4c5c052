"""A file's page links only what its reader may open: another region's tasks are named, not linked
(each click was a 403 recorded as a refused access)."""
from conftest import login
from offer_flow import offer_sent_to

from engine.runtime import instances
from tests.web.test_audit_pages import KAYES


def test_a_counsellor_sees_the_other_region_s_task_without_a_link(app, client, deployed):
    offer_id = offer_sent_to(deployed, "OFF-LIEN-1", "bamako", "kayes")
    tasks = instances.get_instance(deployed, KAYES, offer_id)["tasks"]
    assert {(t["region"], t["openable"]) for t in tasks} == {("bamako", False), ("kayes", True)}
    login(client, "conseiller-kayes")
    page = client.get(f"/instances/{offer_id}").get_data(as_text=True)
    linked = [t for t in tasks if f'href="/tasks/{t["id"]}"' in page]
    assert [t["region"] for t in linked] == ["kayes"]
    assert page.count("Confirmer l&#39;affichage de l&#39;offre") >= 2  # both named, one linked
