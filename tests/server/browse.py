"""A person at a browser, over HTTP: a cookie session that logs in through the form, follows links
and sends the forms the pages render, checking every answer as it goes.

Every answer must be below 500, and every HTML page must be in French (`<html lang="fr">`, the
default when no language was chosen). A failed check names the person and the requests that led
to it, so that it can be replayed by hand.
"""
import functools
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

PASSWORD = "demo-{}"
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]*)\"")
TIMEOUT = 60


@dataclass
class Control:
    """One named form control: a text-like input, a select, a textarea, or a group of radios/checkboxes."""

    name: str
    kind: str  # text, number, date, email, hidden, textarea, select, radio, checkbox
    value: str = ""
    required: bool = False
    attrs: dict = field(default_factory=dict)
    choices: list = field(default_factory=list)  # values offered by a select, radios or checkboxes
    selected: list = field(default_factory=list)  # the choices selected or checked as the page came


@dataclass
class Form:
    action: str
    method: str
    classes: str
    in_main: bool  # in the page's <main>, not the header's (log out, language)
    controls: dict = field(default_factory=dict)  # name: Control, in page order
    datalists: dict = field(default_factory=dict)  # id: the titles a searchable field (a long list) offers


class _Parser(HTMLParser):
    """The parts of a page a test reads: links, forms, headings, summaries, fields in error."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.nav, self.forms, self.h1 = [], [], [], ""
        self.summaries, self.error_fields = [], []
        self._form = self._select = self._textarea = self._datalist = None
        self._in = set()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "datalist" and self._form is not None:
            self._datalist = self._form.datalists.setdefault(attrs.get("id", ""), [])
        elif tag == "option" and self._datalist is not None:
            self._datalist.append(attrs.get("value", ""))
        if tag == "option" and self._select is not None:
            if attrs.get("value"):  # "— choisir —" is no choice
                self._select.choices.append(attrs["value"])
                if "selected" in attrs:
                    self._select.selected.append(attrs["value"])
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
            if "nav" in self._in:
                self.nav.append(attrs["href"])
        elif tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").lower(), attrs.get("class", ""),
                              "main" in self._in)
            self.forms.append(self._form)
        elif tag in ("h1", "summary", "main", "nav"):
            self._in.add(tag)
            if tag == "summary":
                self.summaries.append("")
        elif "has-error" in attrs.get("class", ""):
            self.error_fields.append(attrs.get("id", ""))
        if self._form is None or "name" not in attrs:
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            control = self._form.controls.setdefault(name, Control(name, kind, attrs=attrs))
            if kind in ("radio", "checkbox"):
                control.choices.append(attrs.get("value", "on"))
                control.required |= "required" in attrs
                if "checked" in attrs:
                    control.selected.append(attrs.get("value", "on"))
            else:
                control.value = attrs.get("value", "")
                control.required = "required" in attrs
        elif tag == "select":
            self._select = self._form.controls[name] = Control(name, "select", required="required" in attrs,
                                                               attrs=attrs)
        elif tag == "textarea":
            self._textarea = self._form.controls[name] = Control(name, "textarea", required="required" in attrs,
                                                                 attrs=attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if "h1" in self._in:
            self.h1 += data
        if "summary" in self._in:
            self.summaries[-1] += data
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        self._in.discard(tag)
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "datalist":
            self._datalist = None


class Page:
    """An answer: its status, final URL, text, and for HTML its parts, parsed when first read."""

    def __init__(self, response):
        self.status, self.url, self.text = response.status_code, response.url, response.text
        self.path = urlsplit(response.url).path
        self.content_type = response.headers.get("Content-Type", "")
        self.is_html = self.content_type.startswith("text/html")
        lang = _LANG.search(self.text[:500]) if self.is_html else None
        self.lang = lang.group(1) if lang else None

    @functools.cached_property
    def _parsed(self):
        parser = _Parser()
        if self.is_html:  # the diagrams drawn in SVG hold nothing a test reads here
            parser.feed(_SVG.sub("<svg></svg>", self.text))
        return parser

    @property
    def forms(self):
        return self._parsed.forms

    @property
    def h1(self):
        return " ".join(self._parsed.h1.split())

    @property
    def summaries(self):
        """The titles of the page's summaries (<details><summary>)."""
        return [" ".join(text.split()) for text in self._parsed.summaries]

    @property
    def error_fields(self):
        """The ids of the fields shown in error."""
        return self._parsed.error_fields

    @property
    def links(self):
        return [urljoin(self.url, href.split("#")[0]) for href in self._parsed.links if not href.startswith("#")]

    @property
    def menu(self):
        """The header's sections."""
        return [href for href in self._parsed.nav if href.startswith("/")]

    def form(self, css_class=None):
        """The first form of the page's content (with that class)."""
        for form in self.forms:
            if form.in_main and (css_class is None or css_class in form.classes.split()):
                return form
        return None

    def local_links(self, prefix=""):
        """Paths (with query) of the links to this site starting with `prefix`, in page order, once each."""
        here = urlsplit(self.url)
        paths = []
        for link in self.links:
            parts = urlsplit(link)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc == here.netloc and path.startswith(prefix) and path not in paths:
                paths.append(path)
        return paths


class Person:
    """One person's browser: a cookie session on the server at `base`."""

    def __init__(self, base, username, trail=None):
        self.base, self.username = base, username
        self.session = requests.Session()
        self.trail = trail if trail is not None else []  # (username, method, path, status), every request
        self.pages = 0

    def __repr__(self):
        return f"Person({self.username})"

    def get(self, path, expect=None):
        return self._check("GET", path, self.session.get(self._url(path), timeout=TIMEOUT), expect)

    def post(self, path, data, expect=None):
        return self._check("POST", path, self.session.post(self._url(path), data=data, timeout=TIMEOUT), expect)

    def submit(self, page, form, values, expect=None):
        """Send `form` of `page` as a browser would, with its hidden fields and `values` [(name, text)]."""
        data = [(name, control.value) for name, control in form.controls.items() if control.kind == "hidden"]
        return self.post(urljoin(page.url, form.action or page.url), data + list(values), expect)

    def log_in(self):
        login = self.get("/login", expect=200)
        home = self.submit(login, login.forms[-1], [("username", self.username),
                                                    ("password", PASSWORD.format(self.username))], expect=200)
        self.check(home.path == "/" and self.username in home.text, f"not logged in: {home.path}")
        return home

    def check(self, condition, message):
        """Fail with `message`, the person and the last requests made, unless `condition`."""
        if not condition:
            steps = "\n".join(f"  {who} {method} {path} -> {status} ({seconds:.2f} s)"
                              for who, method, path, status, seconds in self.trail[-15:])
            raise AssertionError(f"{self.username}: {message}\nlast requests, oldest first:\n{steps}")

    def _url(self, path):
        return path if path.startswith("http") else self.base + path

    def _check(self, method, path, response, expect):
        page = Page(response)
        shown = urlsplit(path).path if path.startswith("http") else path
        self.trail.append((self.username, method, shown, page.status, response.elapsed.total_seconds()))
        self.pages += 1
        self.check(page.status < 500, f"{method} {shown} answered {page.status}:\n{page.text[:2000]}")
        self.check(expect is None or page.status == expect, f"{method} {shown} answered {page.status}, not {expect}:"
                                                             f"\n{_text_of(page)[:1500]}")
        if page.is_html:
            self.check(page.lang == "fr", f"{method} {shown} is not in French: <html lang={page.lang!r}>"
                                          f"\n{page.text[:500]}")
        return page


def _text_of(page):
    """The visible text of a page, roughly: enough to read a failure."""
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page.text, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


# --- Filling a task form like an agent would --------------------------------------------------------------

_TEXTS = {"textarea": "Vu avec la personne lors de l'entretien ; les pièces sont au dossier.",
          "email": "agent.anpe@example.ml", "text": "Renseigné par l'agent"}


def vocabulary(files):
    """{field name: [values]} of what agents typed in `files` (the API's instance dicts), by dotted
    name and by last name part, to fill forms with data like theirs."""
    words = {}

    def note(name, value):
        for key in (name, name.rsplit(".", 1)[-1]):
            values = words.setdefault(key, [])
            if value not in values:
                values.append(value)

    def walk(prefix, data):
        for key, value in data.items():
            if isinstance(value, dict):
                walk(f"{prefix}{key}.", value)
            elif value not in (None, "", []) and not (isinstance(value, list) and isinstance(value[0], dict)):
                note(prefix + key, value)
    for file in files:
        walk("", file.get("data") or {})
    return words


def fill(form, words, rng, everything=True):
    """[(name, text)] for the controls of a task form: what the page already holds, else values agents
    typed where they fit the control, else plausible ones; optional controls too when `everything`."""
    values = []
    for control in form.controls.values():
        if control.kind in ("hidden", "submit", "button") or not (everything or control.required):
            continue
        if control.selected or (control.value.strip() and not control.choices):
            values += [(control.name, choice) for choice in control.selected or [control.value]]
            continue
        if control.kind == "checkbox":
            values += [(control.name, choice) for choice in _checked(control, words, rng)]
            continue
        text = _typed_before(control, words)
        offered = form.datalists.get(control.attrs.get("list"))
        if text is None and offered:  # a long list's searchable field: one of the titles it offers
            text = rng.choice(offered)
        values.append((control.name, text if text is not None else _plausible(control, rng)))
    return values


def _checked(control, words, rng):
    for known in words.get(control.name, []):
        if isinstance(known, list):
            picked = [str(v) for v in known if str(v) in control.choices]
            if picked:
                return picked
    return rng.sample(control.choices, min(len(control.choices), rng.choice((1, 2))))


def _typed_before(control, words):
    for known in words.get(control.name, []):
        if isinstance(known, list):
            continue
        text = ("true" if known else "false") if isinstance(known, bool) else str(known)
        if control.choices and text not in control.choices:
            continue
        if control.kind in ("text", "email", "textarea") and not _fits(control, text):
            continue
        if control.kind == "number" and not _in_range(control, text):
            continue
        if control.kind == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            continue
        return text
    return None


def _plausible(control, rng):
    if control.choices:
        if control.kind == "radio" and "true" in control.choices:
            return "true"
        return rng.choice(control.choices)
    if control.kind == "number":
        low, high = float(control.attrs.get("min", 1)), float(control.attrs.get("max", 12))
        value = min(max(low, min(high, 12)), high)
        return str(int(value)) if control.attrs.get("step") == "1" or value == int(value) else str(value)
    if control.kind == "date":
        return date.today().isoformat()
    return _TEXTS.get(control.kind, _TEXTS["text"])[:int(control.attrs.get("maxlength", 500))]


def _fits(control, text):
    pattern = control.attrs.get("pattern")
    return len(text) <= int(control.attrs.get("maxlength", 100000)) and (not pattern or re.fullmatch(pattern, text))


def _in_range(control, text):
    try:
        number = float(text)
    except ValueError:
        return False
    return float(control.attrs.get("min", "-inf")) <= number <= float(control.attrs.get("max", "inf"))
