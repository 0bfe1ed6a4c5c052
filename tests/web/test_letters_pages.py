"""The standard letter presenting the shortlist to the employer (manual §7.6)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))  # the engine tests' flows

import mise_en_relation_data as data  # noqa: E402
from conftest import DCIM, KAYES, login  # noqa: E402
from offer_flow import complete, the_task  # noqa: E402
from preselection_flow import presentation_of  # noqa: E402


def test_the_letter_lists_the_candidates_and_enclosures(app, client):
    from web.store import uow
    with app.app_context():
        offer, _preselection, presentation, candidates = presentation_of(uow(), "OFF-LETTRE", {"bamako": 2}, posts=1)
        complete(uow(), DCIM, presentation["id"], "verifier_dossiers", data.dossiers_complets())
        send = the_task(uow(), DCIM, presentation["id"], "envoyer_liste_employeur")
    login(client, "dcim")

    # The agent prints the letter from the task that sends it.
    task_page = client.get(f"/tasks/{send['id']}").get_data(as_text=True)
    assert f'href="/instances/{presentation["id"]}/courrier"' in task_page
    page = client.get(f"/instances/{presentation['id']}/courrier")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Objet : présentation de candidats — offre OFF-LETTRE" in text
    assert text.count("<li>") >= len(candidates["bamako"]) + 1
    for person_id in candidates["bamako"]:
        assert f"(n° {person_id})" in text
    assert "Curriculum vitae" in text and "@media print" in text
    assert client.get(f"/instances/{offer['id']}/courrier").status_code == 404  # an offer has no such letter


def test_the_letter_is_not_for_other_regions_counsellors(app, client):
    """A shared file's letter names every region's candidates: a counsellor, who reads only their region's,
    gets neither the letter nor its link (the letter is DCIM's), as for a file they may not read."""
    from web.store import uow
    with app.app_context():
        _offer, _preselection, presentation, candidates = presentation_of(uow(), "OFF-LETTRE-2",
                                                                           {"bamako": 1, "kayes": 1}, posts=1)
        login(client, "conseiller-kayes")
        assert client.get(f"/instances/{presentation['id']}/courrier").status_code == 404  # not their file
        complete(uow(), DCIM, presentation["id"], "verifier_dossiers", data.dossiers_incomplets(candidates["kayes"]))
        task = the_task(uow(), KAYES, presentation["id"], "completer_dossiers")
    for page in (f"/instances/{presentation['id']}", f"/tasks/{task['id']}"):  # their file now, shared
        text = client.get(page).get_data(as_text=True)
        assert "/courrier" not in text and "candidat d'une autre région" in text, page
    refused = client.get(f"/instances/{presentation['id']}/courrier")
    assert refused.status_code == 404
    assert f"(n° {candidates['bamako'][0]})" not in refused.get_data(as_text=True)
