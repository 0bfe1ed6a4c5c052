"""Server-rendered task forms: fields from a JSON Schema, typing of submissions, French errors."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel
from jsonschema import Draft202012Validator
from werkzeug.datastructures import MultiDict

from web.formfields import data_from_form, errors_by_field, fields_for
from web.messages import field_message

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
MACRO = '{% from "_formfields.html" import render_fields %}{{ render_fields(fields) }}'
NNBSP = "\u202f"  # the thousands separator Babel uses for French

SCHEMA = {
    "type": "object",
    "required": ["nom", "age", "sexe", "permis", "langues"],
    "properties": {
        "nom": {"type": "string", "title": "Nom complet", "description": "Tel qu'il figure sur la pièce d'identité",
                "maxLength": 80},
        "nina": {"type": "string", "title": "NINA", "pattern": "^[0-9A-Z]{15}$"},
        "ville": {"type": "string", "title": "Ville", "pattern": "Bamako"},
        "naissance": {"type": "string", "format": "date", "title": "Date de naissance"},
        "courriel": {"type": "string", "format": "email", "title": "Courriel"},
        "parcours": {"type": "string", "title": "Parcours"},
        "age": {"type": "integer", "title": "Âge", "minimum": 14, "maximum": 70},
        "taux": {"type": "number", "title": "Taux d'activité", "minimum": 0, "maximum": 1},
        "sexe": {"type": "string", "title": "Sexe",
                 "oneOf": [{"const": "F", "title": "Femme"}, {"const": "M", "title": "Homme"}]},
        "region": {"type": "string", "title": "Région", "enum": ["Kayes", "Koulikoro", "Sikasso"]},
        "niveau": {"type": "string", "title": "Niveau d'études",
                   "oneOf": [{"const": "primaire", "title": "Primaire"}, {"const": "superieur", "title": "Supérieur"}]},
        "permis": {"type": "boolean", "title": "Permis de conduire"},
        "langues": {"type": "array", "title": "Langues parlées", "minItems": 1, "uniqueItems": True,
                    "items": {"type": "string", "oneOf": [{"const": "fr", "title": "Français"},
                                                          {"const": "bm", "title": "Bambara"},
                                                          {"const": "ff", "title": "Peul"}]}},
        "salaire": {"type": "object", "title": "Salaire souhaité", "description": "Montant mensuel en FCFA",
                    "required": ["montant"],
                    "properties": {"montant": {"type": "integer", "title": "Montant", "minimum": 0},
                                   "devise": {"type": "string", "title": "Devise", "enum": ["XOF", "EUR"]},
                                   "negociable": {"type": "boolean", "title": "Négociable"}}},
    },
    "if": {"properties": {"permis": {"const": True}}},
    "then": {"required": ["courriel"]},
}
UI = {
    "ui:order": ["sexe", "inconnu", "nom", "sexe"],
    "parcours": {"ui:widget": "textarea"},
    "niveau": {"ui:widget": "radio"},
    "salaire": {"ui:order": ["devise"]},
}


# --- a tiny HTML tree, to assert on elements rather than on whitespace -------------------------

class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        """Descendants with this tag and attributes (class_="x": having class x)."""
        return [e for e in self.iter() if (tag is None or e.tag == tag) and all(
            e.has(name.rstrip("_"), value) for name, value in attrs.items())]

    def has(self, name, value):
        return value in self.classes() if name == "class" else self.attrs.get(name) == value

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def container(self):
        """The nearest enclosing element with class "field"."""
        node = self.parent
        while "field" not in node.classes():
            node = node.parent
        return node


class TreeBuilder(HTMLParser):
    VOID = {"input", "br", "img", "hr", "meta", "link"}

    def __init__(self):
        super().__init__()
        self.root = self.current = Element("root", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    builder = TreeBuilder()
    builder.feed(html)
    return builder.root


@pytest.fixture
def app():
    app = Flask(__name__, template_folder=str(TEMPLATES))
    Babel(app, default_locale="fr")
    with app.test_request_context():
        yield app


def render(fields):
    return render_template_string(MACRO, fields=fields)


def page(*args, **kwargs):
    html = render(fields_for(*args, **kwargs))
    return parse(html)


# --- field kinds ------------------------------------------------------------------------------

def test_each_property_gets_the_kind_of_field_it_needs(app):
    kinds = {f.name: f.kind for f in fields_for(SCHEMA, UI)}
    assert kinds == {
        "nom": "text", "nina": "text", "ville": "text", "naissance": "date", "courriel": "email",
        "parcours": "textarea", "age": "number", "taux": "number", "sexe": "select", "region": "select",
        "niveau": "radio", "permis": "boolean", "langues": "checkboxes", "salaire": "group",
    }


def test_text_field_has_label_description_and_constraints(app):
    root = page(SCHEMA, UI)
    field = root.find("input", name="nom")
    assert field.attrs["type"] == "text"
    assert field.attrs["maxlength"] == "80"
    assert "required" in field.attrs
    label = root.find("label", for_=field.attrs["id"])
    assert label.text().startswith("Nom complet")
    assert "(obligatoire)" in label.text()
    small = root.find("small", id="field-nom-desc")
    assert small.text() == "Tel qu'il figure sur la pièce d'identité"
    assert field.attrs["aria-describedby"] == "field-nom-desc"
    assert small.container() is field.container()


def test_optional_field_is_neither_required_nor_marked(app):
    root = page(SCHEMA, UI)
    field = root.find("input", name="nina")
    assert "required" not in field.attrs
    assert "aria-describedby" not in field.attrs
    assert "(obligatoire)" not in root.find("label", for_="field-nina").text()


def test_only_anchored_patterns_become_html_patterns(app):
    root = page(SCHEMA, UI)
    assert root.find("input", name="nina").attrs["pattern"] == "^[0-9A-Z]{15}$"
    assert "pattern" not in root.find("input", name="ville").attrs


def test_date_email_and_textarea(app):
    root = page(SCHEMA, UI, values={"naissance": "1990-05-17", "courriel": "a@b.ml", "parcours": "Maçon\n5 ans"})
    assert root.find("input", name="naissance").attrs["type"] == "date"
    assert root.find("input", name="naissance").attrs["value"] == "1990-05-17"
    assert root.find("input", name="courriel").attrs["type"] == "email"
    textarea = root.find("textarea", name="parcours")
    assert textarea.text() == "Maçon\n5 ans"
    assert root.find("label", for_=textarea.attrs["id"]).text() == "Parcours"


def test_integer_and_number_fields(app):
    root = page(SCHEMA, UI, values={"age": 32, "taux": 0.5})
    age = root.find("input", name="age")
    assert (age.attrs["type"], age.attrs["step"], age.attrs["min"], age.attrs["max"]) == ("number", "1", "14", "70")
    assert age.attrs["value"] == "32"
    taux = root.find("input", name="taux")
    assert (taux.attrs["type"], taux.attrs["step"], taux.attrs["min"], taux.attrs["max"]) == ("number", "any", "0", "1")
    assert taux.attrs["value"] == "0.5"


def test_select_from_one_of_and_from_enum(app):
    root = page(SCHEMA, UI, values={"sexe": "M"})
    select = root.find("select", name="sexe")
    assert "required" in select.attrs
    options = [(o.attrs["value"], o.text(), "selected" in o.attrs) for o in select.find_all("option")]
    assert options == [("", "— choisir —", False), ("F", "Femme", False), ("M", "Homme", True)]
    region = root.find("select", name="region")
    assert [(o.attrs["value"], o.text()) for o in region.find_all("option")][1:] == [
        ("Kayes", "Kayes"), ("Koulikoro", "Koulikoro"), ("Sikasso", "Sikasso")]
    assert "required" not in region.attrs


def test_radio_widget_for_choices(app):
    root = page(SCHEMA, UI, values={"niveau": "superieur"})
    fieldset = root.find("fieldset", id="field-niveau")
    assert fieldset.find("legend").text() == "Niveau d'études"
    radios = fieldset.find_all("input", name="niveau")
    assert [(r.attrs["type"], r.attrs["value"], "checked" in r.attrs) for r in radios] == [
        ("radio", "primaire", False), ("radio", "superieur", True)]
    for radio in radios:
        assert root.find("label", for_=radio.attrs["id"]).text() in ("Primaire", "Supérieur")


@pytest.mark.parametrize(("value", "checked"), [(None, []), (True, ["true"]), (False, ["false"]), ("false", ["false"])])
def test_boolean_is_a_yes_no_pair_of_radios(app, value, checked):
    root = page(SCHEMA, UI, values={"permis": value})
    radios = root.find("fieldset", id="field-permis").find_all("input")
    assert [(r.attrs["type"], r.attrs["value"]) for r in radios] == [("radio", "true"), ("radio", "false")]
    assert [root.find("label", for_=r.attrs["id"]).text() for r in radios] == ["Oui", "Non"]
    assert [r.attrs["value"] for r in radios if "checked" in r.attrs] == checked
    assert all("required" in r.attrs for r in radios)


def test_checkboxes_share_one_name_and_are_not_each_required(app):
    root = page(SCHEMA, UI, values={"langues": ["fr", "ff"]})
    fieldset = root.find("fieldset", id="field-langues")
    assert "(obligatoire)" in fieldset.find("legend").text()
    boxes = fieldset.find_all("input")
    assert {b.attrs["type"] for b in boxes} == {"checkbox"}
    assert {b.attrs["name"] for b in boxes} == {"langues"}
    assert [(b.attrs["value"], "checked" in b.attrs) for b in boxes] == [("fr", True), ("bm", False), ("ff", True)]
    assert not any("required" in b.attrs for b in boxes)
    assert fieldset.find("div", class_="choices")


def test_group_is_a_fieldset_with_dotted_names(app):
    fields = fields_for(SCHEMA, UI, values={"salaire": {"montant": 150000, "devise": "XOF"}})
    group = next(f for f in fields if f.name == "salaire")
    assert not group.required
    assert [(c.name, c.required) for c in group.children] == [
        ("salaire.devise", False), ("salaire.montant", True), ("salaire.negociable", False)]
    root = parse(render(fields))
    fieldset = root.find("fieldset", id="field-salaire")
    assert fieldset.find_all("legend")[0].text() == "Salaire souhaité"
    assert fieldset.find("small", id="field-salaire-desc").text() == "Montant mensuel en FCFA"
    montant = fieldset.find("input", name="salaire.montant")
    assert montant.attrs["value"] == "150000"
    assert fieldset.find("label", for_=montant.attrs["id"]).text().startswith("Montant")
    assert [o.attrs["value"] for o in fieldset.find("select", name="salaire.devise").find_all("option")
            if "selected" in o.attrs] == ["XOF"]
    assert len(fieldset.find_all("input", name="salaire.negociable")) == 2


def test_required_attribute_inside_a_group_only_when_the_group_is_required(app):
    optional = page(SCHEMA, UI).find("input", name="salaire.montant")
    assert "required" not in optional.attrs  # the whole salary may be left out
    schema = dict(SCHEMA, required=SCHEMA["required"] + ["salaire"])
    assert "required" in page(schema, UI).find("input", name="salaire.montant").attrs


def test_order_follows_ui_order_then_schema_order(app):
    names = [f.name for f in fields_for(SCHEMA, UI)]
    assert names[:2] == ["sexe", "nom"]
    assert names[2:] == [n for n in SCHEMA["properties"] if n not in ("sexe", "nom")]
    root = page(SCHEMA, UI)
    rendered = [e.attrs["name"] for e in root.iter() if e.tag in ("input", "select", "textarea")]
    assert rendered[:2] == ["sexe", "nom"]
    assert [n for n in rendered if n.startswith("salaire.")][:2] == ["salaire.devise", "salaire.montant"]
    assert [f.name for f in fields_for(SCHEMA)][:2] == ["nom", "nina"]


def test_labels_default_to_the_property_name_and_text_is_escaped(app):
    schema = {"type": "object", "properties": {"code_rome": {"type": "string"},
                                               "x": {"type": "string", "title": "<b>Gras</b>"}}}
    root = page(schema, values={"code_rome": '"><script>'})
    assert root.find("label", for_="field-code_rome").text() == "code_rome"
    assert root.find("input", name="code_rome").attrs["value"] == '"><script>'
    assert not root.find_all("b") and not root.find_all("script")


# --- after a rejected submission --------------------------------------------------------------

BAD_SUBMISSION = MultiDict([
    ("csrf_token", "jeton"), ("nom", "  Awa Traoré "), ("age", "abc"), ("taux", "0,5"),
    ("naissance", "17/05/1990"), ("permis", "true"), ("langues", "bm"),
    ("salaire.montant", "-5"), ("salaire.devise", ""),
])


PARAM_NAMES = {"type": "expected", "format": "format", "minimum": "limit", "maximum": "limit"}


def engine_errors(schema, data):
    """Problems as the engine reports them: one per jsonschema error, on a dotted field name."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = []
    for error in validator.iter_errors(data):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":  # reported on the object: name the missing property
            path.append(error.message.split("'")[1])
        params = {PARAM_NAMES[error.validator]: error.validator_value} if error.validator in PARAM_NAMES else {}
        problems.append({"field": ".".join(path), "code": error.validator, "params": params})
    return problems


def test_typed_values_and_errors_come_back_next_to_their_fields(app):
    data = data_from_form(SCHEMA, BAD_SUBMISSION)
    errors = errors_by_field(engine_errors(SCHEMA, data))
    root = page(SCHEMA, UI, values=data, errors=errors)

    age = root.find("input", name="age")
    assert age.attrs["value"] == "abc"
    assert age.attrs["type"] == "text"  # a browser would blank "abc" in <input type=number>
    assert age.attrs["aria-invalid"] == "true"
    container = age.container()
    assert "has-error" in container.classes()
    message = container.find("p", class_="field-error")
    assert message.text() == "Saisissez un nombre entier."
    assert message.attrs["id"] in age.attrs["aria-describedby"].split()

    naissance = root.find("input", name="naissance")
    assert (naissance.attrs["type"], naissance.attrs["value"]) == ("text", "17/05/1990")
    assert naissance.container().find("p", class_="field-error").text() == "Saisissez une date au format AAAA-MM-JJ."

    montant = root.find("input", name="salaire.montant")
    assert montant.attrs["value"] == "-5"
    assert montant.container().find("p", class_="field-error").text() == \
        "Saisissez une valeur supérieure ou égale à 0."

    courriel = root.find("input", name="courriel")  # required because permis is true (if/then)
    assert courriel.container().find("p", class_="field-error").text() == "Ce champ est obligatoire."

    assert root.find("input", name="nom").attrs["value"] == "Awa Traoré"
    assert root.find("input", name="taux").attrs["value"] == "0.5"
    assert [r.attrs["value"] for r in root.find_all("input", name="permis") if "checked" in r.attrs] == ["true"]
    assert [b.attrs["value"] for b in root.find_all("input", name="langues") if "checked" in b.attrs] == ["bm"]
    errored = {e.attrs.get("name") or e.attrs.get("id") for e in root.iter() if e.attrs.get("aria-invalid")}
    assert errored == {"age", "naissance", "salaire.montant", "courriel", "sexe"}
    assert len(root.find_all(class_="has-error")) == 5


def test_raw_request_form_can_be_shown_back_directly(app):
    root = page(SCHEMA, UI, values=BAD_SUBMISSION)
    assert root.find("input", name="age").attrs["value"] == "abc"
    assert root.find("input", name="salaire.montant").attrs["value"] == "-5"
    assert not root.find_all("input", name="csrf_token")


def test_errors_on_a_group_and_multiple_errors_on_a_field(app):
    errors = {"salaire": ["Ce champ est obligatoire."], "nom": ["Premier.", "Second."]}
    root = page(SCHEMA, UI, errors=errors)
    fieldset = root.find("fieldset", id="field-salaire")
    assert "has-error" in fieldset.classes()
    assert fieldset.attrs["aria-describedby"] == "field-salaire-desc field-salaire-err"
    assert root.find("p", id="field-salaire-err").text() == "Ce champ est obligatoire."
    assert root.find("p", id="field-nom-err").text() == "Premier. Second."
    assert root.find("input", name="nom").attrs["aria-describedby"] == "field-nom-desc field-nom-err"


# --- data_from_form ---------------------------------------------------------------------------

def test_data_from_form_types_values_after_the_schema(app):
    form = MultiDict([
        ("csrf_token", "jeton"), ("inconnu", "x"), ("nom", "  Awa  "), ("nina", ""), ("ville", "   "),
        ("age", "32"), ("taux", "0.75"), ("permis", "false"), ("langues", "fr"), ("langues", ""),
        ("langues", "bm"), ("salaire.montant", "150 000"), ("salaire.negociable", "true"), ("salaire.devise", ""),
    ])
    assert data_from_form(SCHEMA, form) == {
        "nom": "Awa", "age": 32, "taux": 0.75, "permis": False, "langues": ["fr", "bm"],
        "salaire": {"montant": 150000, "negociable": True},
    }


@pytest.mark.parametrize(("field", "typed", "expected"), [
    ("age", "-3", -3),
    ("age", "+7", 7),
    ("age", "1" + NNBSP + "200", 1200),
    ("age", "abc", "abc"),
    ("age", "12.5", "12.5"),
    ("age", "3,5", "3,5"),
    ("taux", "2,5", 2.5),
    ("taux", ".5", 0.5),
    ("taux", "1e3", 1000.0),
    ("taux", "7", 7),
    ("taux", "1e999", "1e999"),
    ("taux", "nan", "nan"),
    ("taux", "1_000", "1_000"),
    ("taux", "1,000.5", "1,000.5"),
    ("permis", "true", True),
    ("permis", "peut-être", "peut-être"),
])
def test_data_from_form_keeps_what_it_cannot_type(app, field, typed, expected):
    data = data_from_form(SCHEMA, MultiDict([(field, typed)]))
    assert data[field] == expected
    assert type(data[field]) is type(expected)


def test_data_from_form_omits_empty_fields_and_empty_groups(app):
    form = MultiDict([("nom", ""), ("salaire.montant", " "), ("salaire.devise", ""), ("langues", "")])
    assert data_from_form(SCHEMA, form) == {}
    assert data_from_form(SCHEMA, MultiDict()) == {}


def test_nullable_types_are_typed_too(app):
    schema = {"type": "object", "properties": {"n": {"type": ["integer", "null"]}, "b": {"type": ["null", "boolean"]}}}
    assert data_from_form(schema, MultiDict([("n", "4"), ("b", "true")])) == {"n": 4, "b": True}
    assert fields_for(schema)[0].kind == "number"


def validation_keywords(schema, form):
    data = data_from_form(schema, form)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return sorted((".".join(map(str, e.absolute_path)), e.validator) for e in validator.iter_errors(data))


def test_validating_the_typed_data_reports_the_right_keywords(app):
    good = MultiDict([("nom", "Awa"), ("age", "32"), ("sexe", "F"), ("permis", "false"), ("langues", "fr")])
    assert validation_keywords(SCHEMA, good) == []
    assert validation_keywords(SCHEMA, BAD_SUBMISSION) == [
        ("", "required"),  # courriel, because permis is true
        ("", "required"),  # sexe
        ("age", "type"),
        ("naissance", "format"),
        ("salaire.montant", "minimum"),
    ]
    assert validation_keywords(SCHEMA, MultiDict([("age", "12.5"), ("permis", "oui"), ("sexe", "X")]))[-3:] == [
        ("age", "type"), ("permis", "type"), ("sexe", "oneOf")]
    optional_group = MultiDict(good.items(multi=True))
    optional_group.add("salaire.devise", "XOF")
    assert validation_keywords(SCHEMA, optional_group) == [("salaire", "required")]


# --- messages ---------------------------------------------------------------------------------

def test_errors_by_field_maps_problems_to_french_messages(app):
    errors = errors_by_field([
        {"field": "salaire.montant", "code": "minimum", "params": {"limit": 0}},
        {"field": "age", "code": "type", "params": {"expected": "integer"}},
        {"field": "age", "code": "maximum", "params": {"limit": 70}},
        {"field": "langues.1", "code": "enum", "params": {}},
        {"field": "langues.2", "code": "enum", "params": {}},
        {"field": "", "code": "additionalProperties", "params": {"name": "inconnu"}},
        {"field": "nom", "code": "required"},
    ])
    assert errors == {
        "salaire.montant": ["Saisissez une valeur supérieure ou égale à 0."],
        "age": ["Saisissez un nombre entier.", "Saisissez une valeur inférieure ou égale à 70."],
        "langues": ["Choisissez une valeur de la liste."],
        "": ["Champ inconnu : inconnu"],
        "nom": ["Ce champ est obligatoire."],
    }
    assert errors_by_field([]) == {}


@pytest.mark.parametrize(("code", "params", "message"), [
    ("required", {}, "Ce champ est obligatoire."),
    ("type", {"expected": "integer"}, "Saisissez un nombre entier."),
    ("type", {"expected": "number"}, "Saisissez un nombre."),
    ("type", {"expected": "boolean"}, "Répondez par Oui ou par Non."),
    ("type", {"expected": "string"}, "La valeur saisie n'est pas du type attendu."),
    ("type", {"expected": ["integer", "null"]}, "La valeur saisie n'est pas du type attendu."),
    ("minimum", {"limit": 150000}, f"Saisissez une valeur supérieure ou égale à 150{NNBSP}000."),
    ("maximum", {"limit": 0.5}, "Saisissez une valeur inférieure ou égale à 0,5."),
    ("exclusiveMinimum", {"limit": 0}, "Saisissez une valeur strictement supérieure à 0."),
    ("exclusiveMaximum", {"limit": 100}, "Saisissez une valeur strictement inférieure à 100."),
    ("minLength", {"limit": 3}, "Saisissez au moins 3 caractères."),
    ("maxLength", {"limit": 80}, "Saisissez au plus 80 caractères."),
    ("pattern", {"pattern": "^[0-9]+$"}, "Saisissez la valeur au format indiqué."),
    ("format", {"format": "date"}, "Saisissez une date au format AAAA-MM-JJ."),
    ("format", {"format": "email"}, "Saisissez une adresse électronique valide."),
    ("format", {"format": "uri"}, "Saisissez la valeur au format attendu."),
    ("enum", {}, "Choisissez une valeur de la liste."),
    ("const", {}, "Choisissez une valeur de la liste."),
    ("oneOf", {}, "Choisissez une valeur de la liste."),
    ("minItems", {"limit": 1}, "Cochez au moins 1 choix."),
    ("maxItems", {"limit": 3}, "Cochez au plus 3 choix."),
    ("uniqueItems", {}, "Ne cochez chaque choix qu'une seule fois."),
    ("additionalProperties", {"name": "csrf"}, "Champ inconnu : csrf"),
    ("dependentRequired", {}, "Vérifiez la valeur saisie."),
    ("minimum", {}, "Vérifiez la valeur saisie."),  # a missing param never breaks the page
    ("maxItems", None, "Vérifiez la valeur saisie."),
])
def test_field_message(app, code, params, message):
    assert field_message(code, params) == message


def test_a_long_list_is_searched_and_an_earlier_languages_code_still_reads(app):
    from engine.definitions import forms
    schema = forms.expand({"type": "object", "properties": {
        "langues": {"type": "array", "title": "Langues", "items": {"type": "string", "x-reference": "languages"}},
        "pays": {"type": "string", "title": "Pays", "x-reference": "countries"}}}, forms.Choices())
    # "bm", "fr": the two-letter codes stored before ISO 639-3; shown by their title, sent back as ISO 639-3.
    root = page(schema, values={"langues": ["bm", "fr"], "pays": "ML"})
    assert [i.attrs["value"] for i in root.find_all("input", name="langues")] == \
        ["Bambara (bamanankan)", "Français", "", "", ""]
    assert root.find("input", name="pays").attrs["value"] == "Mali"
    assert root.find("datalist", id="field-pays-list") is not None and not root.find_all("select")
    typed = MultiDict([("langues", "bm"), ("langues", "soninke"), ("langues", "Klingon"), ("pays", "mali")])
    assert data_from_form(schema, typed) == {"langues": ["bam", "snk", "Klingon"], "pays": "ML"}


def test_a_long_list_of_persons_stays_boxes_to_tick_and_other_long_lists_are_searched(app):
    many = [{"const": n, "title": f"Candidat {n}"} for n in range(1, 26)]  # 25 choices, over the long-list bound
    schema = {"type": "object", "properties": {
        "retenus": {"type": "array", "items": {"type": "integer", "x-choices-from": "inscrits", "oneOf": many}},
        "inscrits": {"type": "array", "items": {"type": "integer", "x-reference": "persons", "oneOf": many}},
        "langues": {"type": "array", "items": {"type": "integer", "x-reference": "languages", "oneOf": many}}}}
    kinds = {f.name: f.kind for f in fields_for(schema, {})}
    # A counsellor may pick many candidates at once: all of them offered as boxes, not a few text fields.
    assert kinds == {"retenus": "checkboxes", "inscrits": "checkboxes", "langues": "searchlist"}


# --- the names typed in a long list's text field --------------------------------------------------

def _long_lists():
    from engine.definitions import forms
    return forms.expand({"type": "object", "properties": {
        "langues": {"type": "array", "title": "Langues", "items": {"type": "string", "x-reference": "languages"}},
        "devise": {"type": "string", "title": "Devise", "x-reference": "currencies"},
        "pays": {"type": "string", "title": "Pays", "x-reference": "countries"}}}, forms.Choices())


def test_common_names_are_taken_whatever_the_case_and_accents(app):
    schema = _long_lists()
    typed = MultiDict([("langues", "bambara"), ("langues", "SONINKE"), ("langues", "Bambara (bamanankan)"),
                       ("langues", "tamash"), ("devise", "euro"), ("pays", "burkina")])
    # The title without its brackets, a unique beginning of one title, the part after "EUR — ".
    assert data_from_form(schema, typed) == {"langues": ["bam", "snk", "bam", "taq"], "devise": "EUR", "pays": "BF"}
    assert data_from_form(schema, MultiDict([("devise", "Euro"), ("pays", "Côte")]))["devise"] == "EUR"


def test_ambiguous_or_unknown_text_is_refused_under_its_own_field(app):
    from web.formfields import error_summary
    schema = _long_lists()
    typed = MultiDict([("langues", "bambara"), ("langues", "bozo"), ("langues", "Klingon"), ("devise", "zz")])
    data = data_from_form(schema, typed)
    assert data == {"langues": ["bam", "bozo", "Klingon"], "devise": "zz"}  # kept as typed, the engine refuses them
    generic = "Choisissez une valeur de la liste."
    fields = fields_for(schema, values=data, errors={"langues": [generic], "devise": [generic]})
    langues, devise = fields[0], fields[1]
    assert langues.errors == [] and set(langues.item_errors) == {2, 3}
    assert langues.item_errors[2] == "« bozo » correspond à plusieurs valeurs : précisez (Bozo (jenaama), Bozo (tiéyaxo))."
    assert devise.errors == ["« zz » ne correspond à aucune valeur de la liste : choisissez-en une."]
    assert error_summary(fields)[:2] == [("field-langues-2", "Langues 2", langues.item_errors[2]),
                                         ("field-langues-3", "Langues 3", langues.item_errors[3])]
    html = render(fields)
    # Only the entries in error are marked (languages 2 and 3, the currency), each with its message.
    assert html.count('aria-invalid="true"') == 3 and 'id="field-langues-1" name="langues" value="Bambara' in html
    assert 'aria-describedby="field-langues-3-err" aria-invalid="true"' in html
    assert '<p class="field-error" id="field-langues-2-err">« bozo » correspond' in html
    assert data_from_form(schema, MultiDict([("langues", "peul")])) == {"langues": ["peul"]}  # two Peul: précisez
