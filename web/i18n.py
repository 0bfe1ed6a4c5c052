"""French first, English available: the reader's choice, else the browser's, else French."""
from flask import request, session
from flask_babel import Babel, get_locale

LANGUAGES = ("fr", "en")


def select_locale():
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="fr") if request.accept_languages else "fr"


def init_app(app):
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
