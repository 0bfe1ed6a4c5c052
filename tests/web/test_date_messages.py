"""The messages of dates out of order, in French and in English."""
from pathlib import Path

from flask import Flask
from flask_babel import Babel, force_locale

from web.messages import field_message

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"


def test_dates_out_of_order_say_which_date_to_check():
    app = Flask(__name__)
    Babel(app, default_locale="fr", default_translation_directories=str(TRANSLATIONS))
    with app.test_request_context():
        assert field_message("date_order", {"other": "Date de départ"}) == \
            "Cette date précède « Date de départ » : vérifiez l'une ou l'autre."
        assert field_message("date_future", {}) == "Cette date est dans le futur : vérifiez-la."
        with force_locale("en"):
            assert field_message("date_future", {}) == "This date is in the future: check it."
