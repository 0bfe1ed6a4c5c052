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
