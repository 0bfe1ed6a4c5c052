"""French first, English available: the reader's choice, else the browser's, else French."""
from flask import request, session
from flask_babel import Babel, get_locale

LANGUAGES = ("fr", "en")


def select_locale():
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    # The browser's languages, most wanted first, by their primary subtag: "fr-ML,en;q=0.5" is
    # French (Werkzeug's best_match would prefer the exact "en" to the regional "fr-ML").
    for tag, _quality in request.accept_languages:
        language = tag.replace("_", "-").split("-")[0].lower()
        if language in LANGUAGES:
            return language
    return "fr"


def init_app(app):
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
