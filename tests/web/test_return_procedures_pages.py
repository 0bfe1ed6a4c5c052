"""The return, reintegration and private agencies procedures, filled in through the server-rendered task pages."""
import re
from datetime import date, datetime, timezone

from conftest import DCIM
from test_candidate_procedures_pages import open_task
from test_pages import browser, complete, page, shown_text, start_in_browser

from engine import people
from engine.runtime import instances
from engine.runtime.timers import fire_due_timers
from tests.engine import agences_privees_data as agences
from tests.engine import retour_migrant_data as retour


def test_a_return_and_its_reintegration_through_the_pages(app, deployed):
    bamako = browser(app, "conseiller-bamako")
    evaluator, centre = browser(app, "evaluateur"), browser(app, "cpr")
    migrant = people.register_person(deployed, DCIM, retour.personne(date_naissance="1992-08-01"))
    people.register_person(deployed, DCIM, retour.personne(nom="Sissoko", region="kayes"))
    start_in_browser(bamako, "RET-WEB-1", process="retour_migrant")
    [file] = instances.list_instances(deployed, DCIM, process="retour_migrant")

    record = page(bamako, f"/tasks/{open_task(deployed, file['id'], 'enregistrer_retour')}")
    assert record.options("migrant") == [str(migrant)]  # only the files of the counsellor's region
    complete(bamako, open_task(deployed, file["id"], "enregistrer_retour"),
             retour.enregistrer_retour(migrant, "force_majeure"))

    # An involuntary return: received first and asked what they want, not opened a file automatically.
    complete(bamako, open_task(deployed, file["id"], "proposer_accompagnement_prioritaire"),
             retour.proposer_accompagnement())
    returned = instances.get_instance(deployed, DCIM, file["id"])
    assert returned["status"] == "completed" and returned["data"]["categorie_retour"] == "involontaire"
    [related] = returned["related"]
    child = related["id"]
    assert related["process_key"] == "reintegration" and related["business_key"] == "RET-WEB-1/reintegration"
    # Data that scripts and decision tables set read in words in the histories and the audit list: their titles,
    # a region by its name, the return's category by its title.
    direction = browser(app, "direction")
    shown = [" ".join(re.sub(r"<[^>]+>", " ", shown_text(reader.get(path))).split()) for reader, path in (
        (bamako, f"/instances/{file['id']}"), (bamako, f"/instances/{child}"), (direction, "/audit/"))]
    for text in shown:
        assert "Region initiateur" not in text and "Categorie retour" not in text and "vers : ·" not in text
        assert "Direction régionale — bamako" not in text
    assert "Direction régionale qui a ouvert le dossier — District de Bamako" in shown[0]
    assert "Catégorie du retour — Retour involontaire" in shown[1]
    assert "Direction régionale — District de Bamako" in shown[1]
    assert "Direction régionale qui a ouvert le dossier" in shown[2]

    complete(bamako, open_task(deployed, child, "inscrire_profiler"), retour.inscrire(migrant))
    complete(bamako, open_task(deployed, child, "informer_orienter"),
             retour.orienter("auto_emploi", vae=True, date="2025-03-14"))
    complete(evaluator, open_task(deployed, child, "evaluer_acquis"), retour.evaluer_acquis("partiellement_confirmees"))
    complete(bamako, open_task(deployed, child, "orienter_apej"), retour.orienter_apej())  # 32 years old
    complete(bamako, open_task(deployed, child, "presenter_programmes_appui"), retour.presenter_appui())
    complete(centre, open_task(deployed, child, "former_entrepreneuriat"), retour.former_entrepreneuriat())
    complete(bamako, open_task(deployed, child, "suivre_resultat"), retour.suivre("entreprise_creee"))

    done = instances.get_instance(deployed, DCIM, child)
    assert done["status"] == "completed"
    assert done["data"]["age_migrant"] == 32 and done["data"]["resultat_reintegration"] == "entreprise_creee"
    assert done["data"]["modules_suivis"] == ["trie", "cree"]


def test_an_agency_report_received_through_the_pages(app, deployed):
    year = date.today().year + 1
    dcim = browser(app, "dcim")
    file_id = instances.start_instance(deployed, DCIM, "agences_privees", "AGR-WEB-1")["id"]
    complete(dcim, open_task(deployed, file_id, "enregistrer_agence"), agences.enregistrer_agence(year))
    fire_due_timers(deployed, datetime(year + 1, 1, 2, tzinfo=timezone.utc))

    complete(dcim, open_task(deployed, file_id, "receptionner_rapport"), agences.rapport(f"{year + 1}-01-20"))
    line = page(dcim, f"/tasks/{open_task(deployed, file_id, 'detailler_placements')}")
    assert line.named("pays_placement") and line.named("femmes_placees")  # one line of the report
    complete(dcim, open_task(deployed, file_id, "detailler_placements"),
             agences.ligne("SA", "5321", 3, 0, True))
    complete(dcim, open_task(deployed, file_id, "detailler_placements"),
             agences.ligne("QA", "8332", 0, 5, False))
    complete(dcim, open_task(deployed, file_id, "controler_rapport"), agences.controle())

    waiting = instances.get_instance(deployed, DCIM, file_id)
    assert waiting["status"] == "waiting"
    assert waiting["data"]["rapports_annuels"][str(year)]["statut"] == "a_temps"
    assert waiting["data"]["rapports_annuels"][str(year)]["placements"] == 8

    # The placements are counted by CITP-08 code, and a manager reads each row as the occupation's title.
    manager = browser(app, "direction")
    by_occupation = shown_text(manager.get("/statistiques/?par=metier"))
    assert "5321 — Aides-soignants en institution" in by_occupation
    assert "8332 — Conducteurs de poids lourds et de camions" in by_occupation
    export = manager.get("/statistiques/placements_agences.csv?par=metier").get_data(as_text=True)
    assert "8332 — Conducteurs de poids lourds et de camions" in export and "\n8332," not in export
