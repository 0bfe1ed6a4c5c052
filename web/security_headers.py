"""Headers that tell browsers what a page may load and who may frame it, on every answer.

The Content Security Policy allows scripts, styles, fonts and images from this server only
(the modeler's bpmn-js included: it is served from /vendor, and styles through the CSS
object model, which the policy allows); no inline script or style attribute runs. No page
may be framed by another site. Over HTTPS
(a TLS proxy in front, or `DJOLIBA_SECURE_COOKIES=1`), browsers are told to keep to HTTPS
and the session cookie is sent only over it. Pages and API answers are not kept in a browser's
cache (`Cache-Control: no-store`); only the style sheet and scripts are.
"""
from flask import request
from flask.sessions import SecureCookieSessionInterface

POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


# What browsers may keep in their cache: the style sheet, scripts and the modeler's files, nothing else
# (a regional office's computer is often shared).
_ASSETS = ("/static/", "/vendor/")


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` when configured so, or when the request came over HTTPS."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_app(app):
    app.session_interface = _SessionInterface()

    @app.after_request
    def add_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure or app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if not request.path.startswith(_ASSETS):  # pages and API answers hold personal data: never kept
            response.headers.setdefault("Cache-Control", "no-store")
        return response
