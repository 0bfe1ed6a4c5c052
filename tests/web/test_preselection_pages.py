"""The preselection pages as a counsellor, an evaluator and a DCIM agent use them: person choices, per-candidate
evaluation, and the diagram of a file with subprocesses drawn on the server."""
from datetime import date

from engine import people
from engine.accounts.access import Actor
from engine.runtime import instances, tasks
from tests.conftest import BPMN_DIR
from tests.engine import offer_data, preselection_data
from tests.web.test_pages import DCIM, browser, complete, page, post_task_form, shown_text
from web.diagram_svg import render
from web.store import uow

BAMAKO = Actor(username="conseiller-bamako", roles=frozenset({"conseiller"}), region="bamako")
KAYES = Actor(username="conseiller-kayes", roles=frozenset({"conseiller"}), region="kayes")


def displayed_offer(app, business_key):
    """Two Bamako candidates, one Kayes person, and an offer (tests required) displayed in Bamako.

    Returns (preselection id, Bamako's candidates, the Kayes person).
    """
    with app.app_context():
        bamako = [people.register_person(uow(), BAMAKO, preselection_data.person("bamako", i)) for i in range(2)]
        kayes = people.register_person(uow(), KAYES, preselection_data.person("kayes", 0))
        offer = instances.start_instance(uow(), DCIM, "offre_internationale", business_key)
        for data in (offer_data.enregistrer_saisonnier_espagne(), offer_data.verifier_credible(),
                     offer_data.negocier_accord(), offer_data.transmettre("bamako")):
            offer = tasks.complete_task(uow(), DCIM, offer["tasks"][0]["id"], data)
        tasks.complete_task(uow(), BAMAKO, offer["tasks"][0]["id"], offer_data.confirmer_affichage())
        [preselection] = [i for i in instances.list_instances(uow(), DCIM, process="preselection",
                                                               business_key=business_key)]
    return preselection["id"], bamako, kayes


def open_task(app, actor, instance_id, name):
    with app.app_context():
        [task] = [t for t in tasks.list_open_tasks(uow(), actor) if t["instance_id"] == instance_id
                  and t["name"] == name]
    return task["id"]


def checkbox_values(shown, name):
    return sorted(e["attrs"]["value"] for e in shown.named(name))


def test_preselection_and_tests_through_the_pages(app):
    preselection_id, bamako, kayes = displayed_offer(app, "OFF-2025-0301")
    counsellor = browser(app, "conseiller-bamako")

    collect = open_task(app, BAMAKO, preselection_id, "recueillir_candidatures")
    assert f"/tasks/{collect}" in page(counsellor, "/").links()
    shown = page(counsellor, f"/tasks/{collect}")
    # The region's registered persons are offered, by name; the Kayes person is not.
    assert checkbox_values(shown, "candidats_inscrits_region") == sorted(str(p) for p in bamako)
    assert str(kayes) not in checkbox_values(shown, "candidats_inscrits_region")
    text = shown_text(counsellor.get(f"/tasks/{collect}"))
    assert "TRAORÉ Moussa" in text and "Manuel, section 7.5" in text
    complete(counsellor, collect, preselection_data.recueillir(bamako))

    choose = open_task(app, BAMAKO, preselection_id, "preselectionner_candidats")
    assert checkbox_values(page(counsellor, f"/tasks/{choose}"), "candidats_preselectionnes_region") == \
        sorted(str(p) for p in bamako)
    complete(counsellor, choose, preselection_data.preselectionner(bamako))

    evaluator = browser(app, "evaluateur")
    prepare = open_task(app, Actor("evaluateur", frozenset({"evaluateur"})), preselection_id, "preparer_tests")
    complete(evaluator, prepare, preselection_data.preparer_tests())
    with app.app_context():
        evaluations = {tasks.get_task(uow(), DCIM, t["id"])["data"]["candidat"]: t["id"]
                       for t in tasks.list_open_tasks(uow(), Actor("evaluateur", frozenset({"evaluateur"})))
                       if t["instance_id"] == preselection_id}
    assert sorted(evaluations) == sorted(bamako)
    for candidate, task_id in evaluations.items():
        shown = page(evaluator, f"/tasks/{task_id}")
        # The one candidate of this evaluation is the only choice, so the evaluator knows whom they assess.
        assert [e["attrs"]["value"] for e in shown.named("candidat_evalue")] == [str(candidate)]
        assert all("checked" in e["attrs"] for e in shown.named("candidat_evalue"))  # and it is chosen already
        complete(evaluator, task_id, preselection_data.evaluer(candidate, test_linguistique=13, test_technique=11))

    with app.app_context():
        listed = instances.get_instance(uow(), DCIM, preselection_id)
    assert [t["name"] for t in listed["tasks"]] == ["arreter_liste"]
    assert listed["data"]["candidats_retenus"] == sorted(bamako)
    dcim = browser(app, "dcim")
    assert checkbox_values(page(dcim, f"/tasks/{listed['tasks'][0]['id']}"), "candidats_a_presenter") == \
        sorted(str(p) for p in bamako)
    # The file's page draws where it stands, inside its subprocesses too.
    drawn = {e["attrs"]["data-element-id"]: e["attrs"]["class"].split()
             for e in page(dcim, f"/instances/{preselection_id}").find("g") if "data-element-id" in e["attrs"]}
    assert "subProcess" in drawn["preselection_regionale"]
    assert "completed" in drawn["recueillir_candidatures"] and "completed" in drawn["evaluer_candidat"]
    assert "active" in drawn["arreter_liste"]


def test_expanded_subprocesses_are_drawn_under_their_flows():
    svg = str(render((BPMN_DIR / "preselection.bpmn").read_text(encoding="utf-8")))
    subprocess_at = svg.index('data-element-id="preselection_regionale"')
    inner_task_at = svg.index('data-element-id="recueillir_candidatures"')
    first_flow_at = svg.index("<polyline")
    # Flows inside the subprocess would be hidden under its white box if it were drawn after them.
    assert subprocess_at < first_flow_at < inner_task_at
    assert "Présélection dans chaque direction régionale</text>" in svg


def test_a_closing_date_after_the_negotiated_deadline_is_refused_on_the_page_naming_it(app):
    preselection_id, bamako, _kayes = displayed_offer(app, "OFF-2025-0302")
    counsellor = browser(app, "conseiller-bamako")
    collect = open_task(app, BAMAKO, preselection_id, "recueillir_candidatures")
    late = {**preselection_data.recueillir(bamako), "date_cloture_candidatures": "2099-01-15"}

    refused = post_task_form(counsellor, collect, late)

    assert refused.status_code == 422
    text = shown_text(refused)
    deadline = date.fromisoformat(offer_data.DELAI_SATISFACTION).strftime("%d/%m/%Y")
    assert f"Cette date dépasse « Délai de satisfaction de l'offre » du dossier ({deadline}) : vérifiez-la." in text
    assert 'value="2099-01-15"' in text  # what was typed is kept
    complete(counsellor, collect, preselection_data.recueillir(bamako))  # a closing date before it passes
