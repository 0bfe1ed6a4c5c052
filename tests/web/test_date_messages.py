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


def test_a_date_out_of_order_with_the_files_names_that_date_and_its_day():
    app = Flask(__name__)
    Babel(app, default_locale="fr", default_translation_directories=str(TRANSLATIONS))
    params = {"other": "Délai de satisfaction de l'offre", "date": "2025-02-18"}
    with app.test_request_context():
        assert field_message("date_after_file", params) == \
            "Cette date dépasse « Délai de satisfaction de l'offre » du dossier (18/02/2025) : vérifiez-la."
        assert field_message("date_before_file", params) == \
            "Cette date précède « Délai de satisfaction de l'offre » du dossier (18/02/2025) : vérifiez-la."
        with force_locale("en"):
            assert field_message("date_after_file", params) == \
                "This date is after the file's “Deadline for satisfying the offer” (18 Feb 2025): check it."


def test_two_lists_that_share_a_person_say_which_to_untick():
    app = Flask(__name__)
    Babel(app, default_locale="fr", default_translation_directories=str(TRANSLATIONS))
    params = {"other": "Candidats retenus par l'employeur"}
    with app.test_request_context():
        assert field_message("lists_overlap", params) == (
            "Une même personne ne peut être à la fois ici et dans « Candidats retenus par l'employeur » : "
            "décochez-la de l'une des deux listes.")
        with force_locale("en"):
            assert field_message("lists_overlap", params) == \
                "The same person cannot be both here and in “Candidates selected by the employer”: untick them " \
                "from one of the two lists."
