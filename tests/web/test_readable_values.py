"""Histories, the audit pages, exports and letters show values as people read them: the forms' labels and
choice titles, Oui/Non, element names, dates and amounts in the reader's language (Babel's formats)."""
import csv
import io
import re
import sys
from pathlib import Path

from test_pages import DCIM, browser, csrf_token, prepared_offer, shown_text

from engine.runtime import tasks
from tests.engine import offer_data
from web import create_app, display
from web.store import uow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))  # the engine tests' flows

import mise_en_relation_data as relation_data
from offer_flow import complete, the_task
from preselection_flow import presentation_of

RAW = ["['", "True", "False", "enregistrer_offre", "billet_avion", "2025-01-14", "1323.0", "via :", "(history)",
       "(task)"]


def plain(text):
    """Text with Babel's narrow and non-breaking spaces as plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def checked_offer(app, key):
    return prepared_offer(app, key, offer_data.enregistrer_saisonnier_espagne(), offer_data.verifier_credible())


def in_english(client):
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/"), "next": "/"})


def test_a_file_history_shows_labels_choice_titles_yes_no_dates_and_amounts(app):
    offer = checked_offer(app, "OFF-2026-LISIBLE")
    text = plain(shown_text(browser(app, "direction").get(f"/instances/{offer['id']}")))
    history = text[text.index("Historique"):]
    assert "Avantages offerts" in history and "Prise en charge du billet d'avion, Logement" in history
    assert "Salaire" in history and "1 323 EUR" in history
    assert "14/01/2025" in history  # date de réception de l'offre
    assert "« Enregistrer l'offre d'emploi »" in history  # the step's name, not its id
    assert "L'employeur est-il crédible ?" in history and "Oui" in history
    for raw in RAW:
        assert raw not in history, raw


def test_the_history_is_in_english_for_a_reader_who_chose_english(app):
    offer = checked_offer(app, "OFF-2026-ENGLISH")
    client = browser(app, "direction")
    in_english(client)
    history = plain(shown_text(client.get(f"/instances/{offer['id']}")))
    assert "14 Jan 2025" in history and "1,323 EUR" in history and "Yes" in history
    assert "14/01/2025" not in history and "Oui" not in history


def test_the_audit_timeline_search_and_export_read_like_the_history(app):
    offer = checked_offer(app, "OFF-2026-AUDIT")
    client = browser(app, "direction")
    client.get(f"/instances/{offer['id']}")  # read through its history: a file_read event, via history
    timeline = plain(shown_text(client.get(f"/audit/instances/{offer['id']}")))
    assert "Prise en charge du billet d'avion, Logement" in timeline and "1 323 EUR" in timeline
    assert "(historique du dossier)" in timeline and "« Vérifier la crédibilité de l'employeur »" in timeline
    for raw in RAW:
        assert raw not in timeline[timeline.index("Tous les événements"):], raw

    search = plain(shown_text(client.get("/audit/?business_key=OFF-2026-AUDIT")))
    assert "consulté depuis : historique du dossier" in search
    assert "Avantages offerts" in search and "Date de réception de l'offre" in search
    assert "Vérifier la crédibilité de l'employeur" in search
    assert "via :" not in search and "avantages, " not in search

    rows = list(csv.reader(io.StringIO(client.get("/audit/events.csv?business_key=OFF-2026-AUDIT")
                                       .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    completed = next(row for row in rows if row[4] == "task_completed")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", completed[1])
    assert completed[9] == "Enregistrer l'offre d'emploi" and "Avantages offerts" in completed[10]


def test_a_task_page_shows_earlier_steps_in_the_reader_formats(app):
    offer = checked_offer(app, "OFF-2026-TACHE")
    client = browser(app, "dcim")
    negotiate = offer["tasks"][0]["id"]
    text = plain(shown_text(client.get(f"/tasks/{negotiate}")))
    assert "14/01/2025" in text and "1 323 EUR" in text and "Prise en charge du billet d'avion, Logement" in text
    in_english(client)
    english = plain(shown_text(client.get(f"/tasks/{negotiate}")))
    assert "14 Jan 2025" in english and "1,323 EUR" in english and "Yes" in english
    # The API keeps its own values: French words, dates as stored.
    with app.app_context():
        sections = tasks.get_task(uow(), DCIM, negotiate)["file"]
    fields = dict(field for section in sections for field in section["fields"])
    assert fields["Date de réception de l'offre"] == "2025-01-14" and fields["L'employeur est-il crédible ?"] == "Oui"


def test_the_presentation_letter_writes_its_dates_in_french_words(app, client):
    from conftest import login
    with app.app_context():
        _offer, _preselection, presentation, _candidates = presentation_of(uow(), "OFF-LETTRE-DATE", {"bamako": 2},
                                                                           posts=1)
        complete(uow(), DCIM, presentation["id"], "verifier_dossiers", relation_data.dossiers_complets())
        the_task(uow(), DCIM, presentation["id"], "envoyer_liste_employeur")
    login(client, "dcim")
    letter = plain(shown_text(client.get(f"/instances/{presentation['id']}/courrier")))
    assert re.search(r"Bamako, le \d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
                     r"novembre|décembre) \d{4}", letter)
    assert not re.search(r"Bamako, le \d{4}-", letter)


def test_value_text_given_the_schema(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    choices = {"type": "string", "oneOf": [{"const": "a", "title": "Avion"}, {"const": "b", "title": "Bus"}]}
    group = {"type": "object", "properties": {"ok": {"title": "Accord", "type": "boolean"}}}
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert display.value_text(choices, "a") == "Avion"
        assert display.value_text({"type": "array", "items": choices}, ["a", "b"]) == "Avion, Bus"
        assert display.value_text({}, True) == "Oui" and display.value_text({}, None) == "—"
        assert plain(display.value_text({}, {"montant": 250000, "devise": "XOF"})) == "250 000 XOF"
        assert display.value_text({"format": "date"}, "2026-12-07") == "07/12/2026"
        assert display.value_text(group, {"ok": False}) == "Accord : Non"
        assert display.letter_day("2026-12-07") == "7 décembre 2026"
        assert display.change_rows({"x": {"old": {"ok": True}, "new": {"ok": False}}},
                                   {"fields": {"x": dict(group, title="Groupe")}}) == [("Groupe — Accord", "Oui", "Non")]
        assert display.detail_items({"via": "task"}) == [("consulté depuis", "page de tâche")]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert display.value_text({}, False) == "No" and display.value_text({"format": "date"}, "2026-12-07") == "7 Dec 2026"
        assert display.moment("2026-12-07T09:30:00+00:00") == "7 Dec 2026 09:30"  # never the month first
        assert display.letter_day("2026-12-07") == "7 décembre 2026"  # the letters are written in French
        # Countries and languages of the reference lists by their name in the reader's language, in histories and
        # audit details too; a language stored with the two letters of earlier versions ("bm") as well.
        assert display.value_text({"x-reference": "countries", "oneOf": [{"const": "ES", "title": "Espagne"}]},
                                  "ES") == "Spain"
        assert display.value_text({"type": "array", "items": {"x-reference": "languages"}}, ["bm", "snk"]) == \
            "Bambara (Bamanankan), Soninke"
        assert display.detail_items({"country": "CI"}) == [("country", "Côte d'Ivoire")]
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert display.detail_items({"country": "CI"}) == [("pays", "Côte d'Ivoire")]
        assert display.country("ES") == "Espagne" and display.language("fr") == "Français"
