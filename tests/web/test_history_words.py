"""What the engine itself changes in a file (who took a task) reads in words in histories."""
from pathlib import Path

from flask import Flask
from flask_babel import Babel, force_locale

from web import display

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"


def test_who_took_a_task_reads_in_words_in_both_languages():
    app = Flask(__name__)
    Babel(app, default_locale="fr", default_translation_directories=str(TRANSLATIONS))
    with app.test_request_context():
        assert display.change_rows({"assignee": {"old": None, "new": "dcim"}}) == [("Prise en charge par", "—", "dcim")]
        with force_locale("en"):
            assert display.field_label(None, "assignee") == "Taken by"


def test_audit_details_leave_out_nameless_targets_and_read_migrations_and_messages_in_words():
    app = Flask(__name__)
    Babel(app, default_locale="fr", default_translation_directories=str(TRANSLATIONS))
    words = {"elements": {"fin": "", "attendre_liste": "La liste des candidats est arrêtée"}}
    with app.test_request_context():
        assert display.detail_items({"to": ["fin"]}, words) == []  # no "vers :" with nothing after it
        assert display.detail_items({"from": 1, "to": 2}) == [("", "de la version 1 à la version 2")]
        message = {"name": "liste_candidats_arretee", "type": "message"}
        named = display.detail_items(message, words, "attendre_liste")
        assert named[0] == ("nom", "La liste des candidats est arrêtée")
        assert display.detail_items(message)[0] == ("nom", "liste candidats arretee")  # no catching event known
        # A map of persons' regions: one row per person, the region by its name.
        region_of = {"title": "Direction régionale des candidats", "x-keys": "persons",
                     "additionalProperties": {"oneOf": [{"const": "kayes", "title": "Kayes"}]}}
        vocabulary = {"fields": {"region_des_candidats": region_of}}
        assert display.change_rows({"region_des_candidats": {"old": {}, "new": {"9": "kayes"}}}, vocabulary) == [
            ("Direction régionale des candidats — personne n° 9", "—", "Kayes")]
        handled = {"items": {"type": "integer", "x-reference": "persons", "oneOf": []}}
        assert display.value_text(handled, [1, 3]) == "personne n° 1, personne n° 3"
