"""How the outbox's messages leave: SMTP for e-mails, an HTTP SMS gateway for SMS, or a simulation that sends nothing.

A gateway has `name` (what the outbox records as `delivered_by`) and `send(recipient, text, subject=...)`,
which raises `GatewayError` (or OSError, an SMTP error) when the message did not go. `from_settings` builds
the gateways of a configuration (the environment's DJOLIBA_SMTP_* and DJOLIBA_SMS_* values): the scheduler
and `djoliba outbox --send` pass them to `outbox.send_pending`.
"""
import base64
import json
import urllib.error
import urllib.request

from engine.accounts.notifications import SmtpMailer


class GatewayError(Exception):
    """The gateway refused the message or did not answer; the outbox tries again later."""


class HttpSmsGateway:
    """A generic HTTP SMS gateway: one JSON POST per message, `{"from", "to", "text"}`, any 2xx status is success.

    Credentials are HTTP Basic (`username`, `password`) or a bearer `token`; `sender` is the name or number the
    message shows as coming from.
    """

    name = "http"

    def __init__(self, url, sender="ANPE Mali", username=None, password=None, token=None, timeout=10):
        self.url, self.sender, self.timeout = url, sender, timeout
        self.headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        elif username:
            pair = base64.b64encode(f"{username}:{password or ''}".encode("utf-8")).decode("ascii")
            self.headers["Authorization"] = f"Basic {pair}"

    def send(self, to, text, subject=None):
        body = json.dumps({"from": self.sender, "to": to, "text": text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (configured URL)
                status = answer.status
        except urllib.error.HTTPError as refused:
            raise GatewayError(f"HTTP {refused.code} {refused.reason}") from refused
        except (urllib.error.URLError, OSError) as failed:
            raise GatewayError(f"passerelle injoignable : {getattr(failed, 'reason', failed)}") from failed
        if not 200 <= status < 300:
            raise GatewayError(f"HTTP {status}")


class SmtpGateway(SmtpMailer):
    """E-mails through an SMTP server (the reminders' SmtpMailer, named for the outbox)."""

    name = "smtp"


class SimulatedGateway:
    """Sends nothing: the message is marked delivered `simulation`, for the demo and tests (readable with
    `djoliba outbox --all` and on the file's page)."""

    name = "simulation"

    def send(self, to, text, subject=None):
        return None


def from_settings(settings):
    """{"email": gateway, "sms": gateway} from a mapping of settings (the environment).

    E-mail: SMTP when DJOLIBA_SMTP_HOST is set. SMS: the HTTP gateway when DJOLIBA_SMS_URL is set. A channel
    without one is simulated when DJOLIBA_NOTIFY_SIMULATE is 1, else absent: its messages wait in the outbox.
    """
    gateways = {}
    if settings.get("DJOLIBA_SMTP_HOST"):
        gateways["email"] = SmtpGateway(settings["DJOLIBA_SMTP_HOST"], int(settings.get("DJOLIBA_SMTP_PORT") or 25),
                                        settings.get("DJOLIBA_SMTP_FROM") or "djoliba@localhost",
                                        settings.get("DJOLIBA_SMTP_USER"), settings.get("DJOLIBA_SMTP_PASSWORD"),
                                        settings.get("DJOLIBA_SMTP_STARTTLS") == "1")
    if settings.get("DJOLIBA_SMS_URL"):
        gateways["sms"] = HttpSmsGateway(settings["DJOLIBA_SMS_URL"], settings.get("DJOLIBA_SMS_SENDER") or "ANPE Mali",
                                         settings.get("DJOLIBA_SMS_USER"), settings.get("DJOLIBA_SMS_PASSWORD"),
                                         settings.get("DJOLIBA_SMS_TOKEN"),
                                         int(settings.get("DJOLIBA_SMS_TIMEOUT") or 10))
    if settings.get("DJOLIBA_NOTIFY_SIMULATE") == "1":
        for channel in ("email", "sms"):
            gateways.setdefault(channel, SimulatedGateway())
    return gateways
