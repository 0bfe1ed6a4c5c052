"""The pages, driven as a browser would: log in, open an offer, fill the server-rendered forms."""
import html
import re
import uuid
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.accounts.access import Actor
from engine.accounts.credentials import create_user
from engine.errors import Conflict
from engine.runtime import instances, tasks
from engine.store.tables import TaskRow, User
from tests.engine import offer_data
from web.store import uow

PROCESS = "offre_internationale"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DCIM = Actor(username="dcim", roles=frozenset({"dcim"}))
DIRECTION = Actor(username="direction", roles=frozenset({"direction"}))


# --- a browser ---------------------------------------------------------------------------------

def csrf_token(client, path):
    page = client.get(path)
    assert page.status_code == 200, path
    return CSRF.search(page.get_data(as_text=True)).group(1)


def browser(app, username):
    """A test client logged in as `username` (password "demo-" + username)."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": f"demo-{username}",
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302, f"login of {username} failed"
    return client


def form_fields(data, prefix=""):
    """Form data as a browser sends it: dotted names, "true"/"false", one value per checked box."""
    fields = MultiDict()
    for key, value in data.items():
        name = prefix + key
        if isinstance(value, dict):
            for inner, text in form_fields(value, name + ".").items(multi=True):
                fields.add(inner, text)
        elif isinstance(value, list):
            for item in value:
                fields.add(name, str(item))
        elif isinstance(value, bool):
            fields.add(name, "true" if value else "false")
        else:
            fields.add(name, str(value))
    return fields


def post_task_form(client, task_id, data):
    """Open a task page and submit its form with `data` (a dict, or a MultiDict of raw fields).

    As in a browser, only the controls the page shows can be filled, and a radio button, a
    checkbox or a list offers only its own choices.
    """
    shown = page(client, f"/tasks/{task_id}")
    controls = {}
    for element in shown.elements:
        name = element["attrs"].get("name")
        if element["tag"] == "option" and element["parent"]["tag"] == "select":
            controls[element["parent"]["attrs"]["name"]].add(element["attrs"]["value"])
        elif element["tag"] == "select" or element["attrs"].get("type") in ("radio", "checkbox"):
            controls.setdefault(name, set()).update([element["attrs"]["value"]] if "value" in element["attrs"] else [])
        elif element["tag"] in ("input", "textarea") and name:
            controls[name] = None  # free text
    fields = MultiDict(data if isinstance(data, MultiDict) else form_fields(data))
    for name, value in fields.items(multi=True):
        assert name in controls, f"no control named {name} on the task page"
        assert controls[name] is None or value in controls[name], f"{value!r} is not a choice of {name}"
    fields["csrf_token"] = shown.named("csrf_token")[0]["attrs"]["value"]
    return client.post(f"/tasks/{task_id}", data=fields)


def complete(client, task_id, data):
    response = post_task_form(client, task_id, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def post_button(client, page, action):
    """Press the button of the form posting to `action` on `page`, as shown there."""
    assert f'action="{action}"' in client.get(page).get_data(as_text=True), f"no form for {action} on {page}"
    return client.post(action, data={"csrf_token": csrf_token(client, page)})


def start_in_browser(client, business_key, process=PROCESS):
    response = client.post(f"/processes/{process}/start",
                           data={"business_key": business_key,
                                 "csrf_token": csrf_token(client, f"/processes/{process}/start")})
    assert response.status_code == 302
    return response.headers["Location"]


class Page(HTMLParser):
    """The elements of a page with their attributes, text and parent, to assert on structure."""

    VOID = {"input", "br", "meta", "link", "img", "hr"}

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.elements, self._open = [], []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": {k: v or "" for k, v in attrs}, "text": "",
                   "parent": self._open[-1] if self._open else None}
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index]["tag"] == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def by_id(self, id_):
        found = [e for e in self.elements if e["attrs"].get("id") == id_]
        assert len(found) == 1, f"{len(found)} elements with id {id_}"
        return found[0]

    def named(self, name):
        return [e for e in self.elements if e["attrs"].get("name") == name]

    def options(self, name):
        """The values offered by the select `name` (its empty choice left out)."""
        return [e["attrs"]["value"] for e in self.elements if e["tag"] == "option"
                and e["parent"]["attrs"].get("name") == name and e["attrs"].get("value")]

    def find(self, tag, **attrs):
        return [e for e in self.elements if e["tag"] == tag
                and all(e["attrs"].get(k.rstrip("_")) == v for k, v in attrs.items())]

    def text(self, tag):
        return [" ".join(e["text"].split()) for e in self.elements if e["tag"] == tag]

    def links(self):
        return [e["attrs"]["href"] for e in self.elements if e["tag"] == "a"]

    def rows(self):
        """The cells of each table row, as lists of texts."""
        cells = {}
        for element in self.elements:
            if element["tag"] == "td":
                cells.setdefault(id(element["parent"]), []).append(" ".join(element["text"].split()))
        return list(cells.values())


def shown_text(response):
    """A response's HTML with character references decoded, to look for sentences in it."""
    return html.unescape(response.get_data(as_text=True))


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return Page(response.get_data(as_text=True))


# --- the engine, to check what the pages did and to prepare files quickly ----------------------

def read_instance(app, instance_id):
    with app.app_context():
        return instances.get_instance(uow(), DIRECTION, instance_id, with_history=True)


def instance_of_task(app, task_id):
    with app.app_context():
        return read_instance(app, tasks.get_task(uow(), DIRECTION, task_id)["instance_id"])


def prepared_offer(app, business_key, *steps):
    """An offer started by the DCIM, with its first DCIM tasks completed with `steps`."""
    with app.app_context():
        instance = instances.start_instance(uow(), DCIM, PROCESS, business_key)
        for data in steps:
            instance = tasks.complete_task(uow(), DCIM, instance["tasks"][0]["id"], data)
    return instance


def task_id_of(path):
    assert path.startswith("/tasks/"), path
    return path.rsplit("/", 1)[1]


@pytest.fixture
def dcim(app):
    return browser(app, "dcim")


@pytest.fixture
def second_dcim(app):
    """Another DCIM agent, "dcim-2", removed after the test."""
    with app.app_context():
        try:
            create_user(uow(), "dcim-2", "demo-dcim-2", ["dcim"], full_name="Kadiatou Sangaré")
        except Conflict:
            pass
    yield browser(app, "dcim-2")
    with app.app_context():
        with uow() as work:
            work.session.delete(work.session.scalar(select(User).where(User.username == "dcim-2")))
            work.commit()


# --- every path of the diagram, through the forms ----------------------------------------------

def test_non_credible_employer_closes_the_offer(app, dcim):
    first = start_in_browser(dcim, "OFF-WEB-1")
    assert page(dcim, first).text("h1") == ["Enregistrer l'offre d'emploi"]
    second = complete(dcim, task_id_of(first), offer_data.enregistrer_chantier_cote_divoire())
    assert page(dcim, second).text("h1") == ["Vérifier la crédibilité de l'employeur"]
    motif = "Entreprise introuvable au registre du commerce d'Abidjan"
    assert complete(dcim, task_id_of(second), offer_data.verifier_non_credible(motif)) == "/"

    instance = instance_of_task(app, task_id_of(second))
    assert instance["status"] == "completed" and instance["ended_at"]
    assert instance["tasks"] == []
    assert instance["data"]["statut_offre"] == "rejetee"
    assert instance["data"]["motif_cloture"] == motif
    assert instance["data"]["employeur_raison_sociale"] == "Bâtir Lagunes SA"
    assert instance["data"]["salaire"] == {"montant": 250000, "devise": "XOF"}
    assert instance["data"]["employeur_credible"] is False
    gateway = [e for e in instance["history"] if e["kind"] == "gateway_taken"]
    assert [(e["element_id"], e["details"]["to"]) for e in gateway] == [
        ("gw_employeur_credible", ["clore_employeur_non_credible"])]
    assert instance["history"][-1]["element_id"] == "fin_employeur_non_credible"


def test_no_agreement_abandons_the_offer(app, dcim):
    location = start_in_browser(dcim, "OFF-WEB-2")
    location = complete(dcim, task_id_of(location), offer_data.enregistrer_saisonnier_espagne())
    location = complete(dcim, task_id_of(location), offer_data.verifier_credible())
    assert page(dcim, location).text("h1") == ["Négocier les modalités avec l'employeur"]
    negotiation = task_id_of(location)
    assert complete(dcim, negotiation, offer_data.negocier_sans_accord()) == "/"

    instance = instance_of_task(app, negotiation)
    assert instance["status"] == "completed"
    assert instance["data"]["statut_offre"] == "abandonnee"
    assert instance["data"]["motif_cloture"] == offer_data.negocier_sans_accord()["motif_desaccord"]
    assert instance["data"]["avantages"] == ["billet_avion", "logement"]
    assert instance["data"]["salaire"] == {"montant": 1323.0, "devise": "EUR"}
    decisions = [(e["element_id"], e["details"]["to"]) for e in instance["history"] if e["kind"] == "gateway_taken"]
    assert decisions == [("gw_employeur_credible", ["negocier_offre"]),
                         ("gw_accord_employeur", ["clore_sans_accord"])]


def test_agreement_sends_the_offer_to_each_region_whose_counsellors_confirm(app, dcim):
    location = start_in_browser(dcim, "OFF-WEB-3")
    location = complete(dcim, task_id_of(location), offer_data.enregistrer_saisonnier_espagne())
    location = complete(dcim, task_id_of(location), offer_data.verifier_credible())
    location = complete(dcim, task_id_of(location), offer_data.negocier_accord())
    transmission = task_id_of(location)
    form = page(dcim, location)
    assert {e["attrs"]["value"] for e in form.named("regions_concernees")} >= {"bamako", "kayes"}
    assert complete(dcim, transmission, offer_data.transmettre("bamako", "kayes")) == "/"

    instance = instance_of_task(app, transmission)
    assert instance["status"] == "running"
    by_region = {t["region"]: t["id"] for t in instance["tasks"]}
    assert set(by_region) == {"bamako", "kayes"}
    assert all(t["name"] == "confirmer_affichage" and t["role"] == "conseiller" for t in instance["tasks"])
    assert not any(f"/tasks/{t}" in page(dcim, "/").links() for t in by_region.values())

    bamako, kayes = browser(app, "conseiller-bamako"), browser(app, "conseiller-kayes")
    inbox = page(bamako, "/").links()
    assert f"/tasks/{by_region['bamako']}" in inbox
    assert f"/tasks/{by_region['kayes']}" not in inbox
    refused = bamako.get(f"/tasks/{by_region['kayes']}")
    assert refused.status_code == 404  # as for a task that does not exist
    assert "Introuvable." in shown_text(refused)
    assert post_task_form(bamako, by_region["bamako"], offer_data.confirmer_affichage()).status_code == 302
    # ...and he cannot confirm for Kayes by posting to its task either.
    forged = form_fields(offer_data.confirmer_affichage())
    forged["csrf_token"] = csrf_token(bamako, "/")
    assert bamako.post(f"/tasks/{by_region['kayes']}", data=forged).status_code == 404

    assert f"/tasks/{by_region['kayes']}" in page(kayes, "/").links()
    assert complete(kayes, by_region["kayes"], offer_data.confirmer_sans_affichage()) == "/"

    instance = read_instance(app, instance["id"])
    assert instance["status"] == "completed"
    assert instance["data"]["statut_offre"] == "diffusee"
    confirmations = instance["data"]["confirmations_affichage"]
    assert confirmations == {"bamako": offer_data.confirmer_affichage()["confirmation_affichage"],
                             "kayes": offer_data.confirmer_sans_affichage()["confirmation_affichage"]}
    done = {e["task_id"]: e["actor"] for e in instance["history"] if e["kind"] == "task_completed"}
    assert done[by_region["bamako"]] == "conseiller-bamako" and done[by_region["kayes"]] == "conseiller-kayes"


def test_after_confirming_a_counsellor_is_not_sent_to_another_region_task(app):
    instance = prepared_offer(app, "OFF-WEB-4", offer_data.enregistrer_saisonnier_espagne(),
                              offer_data.verifier_credible(), offer_data.negocier_accord(),
                              offer_data.transmettre("bamako", "kayes"))
    by_region = {t["region"]: t["id"] for t in instance["tasks"]}
    bamako = browser(app, "conseiller-bamako")
    location = complete(bamako, by_region["bamako"], offer_data.confirmer_affichage())
    assert bamako.get(location).status_code == 200
    assert location == "/"


# --- a form with mistakes ------------------------------------------------------------------------

def test_bad_form_is_refused_with_french_messages_and_keeps_what_was_typed(app, dcim):
    task_id = task_id_of(start_in_browser(dcim, "OFF-WEB-5"))
    before = instance_of_task(app, task_id)
    typed = MultiDict([("metier", "Maçon coffreur"), ("nombre_postes", "abc"),
                       ("date_reception_offre", "2025-13-45"), ("salaire.montant", "mille"),
                       ("salaire.devise", "XOF"), ("langues_requises", "français"), ("langues_requises", "bam"),
                       ("langues_requises", "Tamacheq"),
                       ("type_contrat", "temps_plein"), ("employeur_email", "pas-une-adresse")])
    response = post_task_form(dcim, task_id, typed)
    assert response.status_code == 422
    markup = response.get_data(as_text=True)
    assert "Le formulaire contient des erreurs : corrigez les champs signalés." in markup
    form = Page(markup)

    def error_of(name):
        """The message shown next to a field, checking that its control points to it."""
        error_id = f"field-{name.replace('.', '-')}-err"
        error = form.by_id(error_id)
        control = form.by_id("field-" + name.replace(".", "-"))
        if control["tag"] == "fieldset":  # radios and checkboxes: the message is in their fieldset
            assert error["parent"] is control
            inputs = form.named(name)
        else:
            assert error["parent"] is control["parent"]
            inputs = [control]
        for element in inputs:
            assert error_id in element["attrs"]["aria-describedby"].split()
            assert element["attrs"].get("aria-invalid") == "true"
        return error["text"].strip()

    assert error_of("nombre_postes") == "Saisissez un nombre entier."
    assert error_of("date_reception_offre") == "Saisissez une date au format AAAA-MM-JJ."
    assert error_of("salaire.montant") == "Saisissez un nombre."
    assert error_of("employeur_email") == "Saisissez une adresse électronique valide."
    assert error_of("employeur_raison_sociale") == "Ce champ est obligatoire."
    assert error_of("intitule_poste") == "Ce champ est obligatoire."
    assert error_of("source_offre") == "Ce champ est obligatoire."
    assert form.find("p", id="field-metier-err") == []  # a valid field gets no message

    def control(name):
        return form.by_id("field-" + name.replace(".", "-"))["attrs"]

    assert control("nombre_postes")["value"] == "abc"
    assert control("nombre_postes")["type"] == "text"  # a number input would drop "abc"
    assert control("date_reception_offre")["value"] == "2025-13-45"
    assert control("salaire.montant")["value"] == "mille"
    assert control("metier")["value"] == "Maçon coffreur"
    assert control("employeur_email")["value"] == "pas-une-adresse"
    # Long lists (170 currencies, the languages) are text fields searching a list, showing the titles; one
    # typed by its title, whatever the case, or by its code is kept; an unknown one is kept as typed.
    assert control("salaire.devise")["value"] == "XOF — Franc CFA (BCEAO)"
    assert control("salaire.devise")["list"] == "field-salaire-devise-list"
    typed_languages = [e["attrs"]["value"] for e in form.named("langues_requises")]
    assert typed_languages == ["Français", "Bambara (bamanankan)", "Tamacheq", "", "", ""]
    # Only the entry that matches nothing is in error, with what it says and what to do.
    unknown = "« Tamacheq » ne correspond à aucune valeur de la liste : choisissez-en une."
    assert form.by_id("field-langues_requises-3-err")["text"].strip() == unknown
    # The summary at the top names each field in error and links to it; the page opens on it.
    summary = form.by_id("error-summary")
    assert "autofocus" in summary["attrs"] and summary["attrs"]["tabindex"] == "-1"
    links = {a["attrs"]["href"]: a["text"] for a in form.find("a") if a["parent"]["parent"]["parent"] is summary}
    assert links["#field-nombre_postes"] == "Nombre de postes à pourvoir : Saisissez un nombre entier."
    assert links["#field-langues_requises-3"] == f"Langues requises 3 : {unknown}"
    assert {"#field-salaire-montant", "#field-source_offre-1", "#field-employeur_email"} <= set(links)
    assert all(form.by_id(href[1:]) for href in links)  # each link leads to a field of the page
    assert [e["attrs"]["value"] for e in form.named("type_contrat") if "checked" in e["attrs"]] == ["temps_plein"]

    after = instance_of_task(app, task_id)
    assert after["history"] == before["history"]
    assert after["data"] == before["data"]
    assert [(t["id"], t["state"], t["assignee"]) for t in after["tasks"]] == [(task_id, "ready", None)]


def test_conditional_requirement_is_reported_on_its_field(app, dcim):
    instance = prepared_offer(app, "OFF-WEB-6", offer_data.enregistrer_saisonnier_espagne())
    task_id = instance["tasks"][0]["id"]
    before = read_instance(app, instance["id"])
    data = offer_data.verifier_non_credible()
    del data["motif_non_credible"]
    response = post_task_form(dcim, task_id, data)
    assert response.status_code == 422
    form = Page(response.get_data(as_text=True))
    assert form.by_id("field-motif_non_credible-err")["text"].strip() == "Ce champ est obligatoire."
    checked = [e["attrs"]["value"] for e in form.named("employeur_credible") if "checked" in e["attrs"]]
    assert checked == ["false"]
    after = read_instance(app, instance["id"])
    assert after["history"] == before["history"] and after["tasks"] == before["tasks"]


# --- claim, give back, conflicts -----------------------------------------------------------------

def test_claim_and_unclaim_buttons(app, dcim):
    task_id = prepared_offer(app, "OFF-WEB-7")["tasks"][0]["id"]
    task_page = f"/tasks/{task_id}"
    markup = shown_text(dcim.get(task_page))
    assert "Prendre la tâche" in markup and "Rendre la tâche" not in markup and "Prise par personne" in markup

    response = post_button(dcim, task_page, f"/tasks/{task_id}/claim")
    assert response.status_code == 302 and response.headers["Location"] == task_page
    markup = shown_text(dcim.get(task_page))
    assert "Tâche prise en charge." in markup
    assert "Rendre la tâche" in markup and "Prendre la tâche" not in markup and "Prise par dcim" in markup
    assert task_page in page(dcim, "/?mine=1").links()

    response = post_button(dcim, task_page, f"/tasks/{task_id}/unclaim")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    inbox = shown_text(dcim.get("/?mine=1"))
    assert "Tâche rendue à la file de l'équipe." in inbox and "Aucune tâche en attente." in inbox
    assert task_page in page(dcim, "/").links()

    instance = instance_of_task(app, task_id)
    assert instance["tasks"][0]["assignee"] is None
    assert [(e["kind"], e["actor"]) for e in instance["history"][-2:]] == [
        ("task_claimed", "dcim"), ("task_unclaimed", "dcim")]


def test_a_task_claimed_by_someone_else_cannot_be_completed(app, dcim, second_dcim):
    task_id = prepared_offer(app, "OFF-WEB-8")["tasks"][0]["id"]
    assert post_button(second_dcim, f"/tasks/{task_id}", f"/tasks/{task_id}/claim").status_code == 302
    before = instance_of_task(app, task_id)

    markup = shown_text(dcim.get(f"/tasks/{task_id}"))
    assert "Prise par dcim-2" in markup and "Prendre la tâche" not in markup and "Rendre la tâche" not in markup
    response = post_task_form(dcim, task_id, offer_data.enregistrer_saisonnier_espagne())
    assert response.status_code == 409
    assert "Cette tâche est déjà prise en charge par une autre personne." in shown_text(response)
    claim = dcim.post(f"/tasks/{task_id}/claim", data={"csrf_token": csrf_token(dcim, "/")})
    assert claim.status_code == 409
    assert "Cette tâche est déjà prise en charge par une autre personne." in shown_text(claim)
    unclaim = dcim.post(f"/tasks/{task_id}/unclaim", data={"csrf_token": csrf_token(dcim, "/")})
    assert unclaim.status_code == 409
    assert "Vous ne détenez pas cette tâche." in shown_text(unclaim)

    after = instance_of_task(app, task_id)
    assert after["history"] == before["history"]
    assert after["tasks"][0]["assignee"] == "dcim-2"
    assert complete(second_dcim, task_id, offer_data.enregistrer_saisonnier_espagne()).startswith("/tasks/")


def test_completing_a_task_already_done_is_a_conflict(app, dcim):
    task_id = prepared_offer(app, "OFF-WEB-9")["tasks"][0]["id"]
    stale_token = csrf_token(dcim, f"/tasks/{task_id}")
    fields = form_fields(offer_data.enregistrer_saisonnier_espagne())
    fields["csrf_token"] = stale_token
    assert dcim.post(f"/tasks/{task_id}", data=fields).status_code == 302
    again = dcim.post(f"/tasks/{task_id}", data=fields)  # e.g. the back button and submit again
    assert again.status_code == 409
    assert "Cette tâche n'est plus ouverte : elle a déjà été traitée." in shown_text(again)
    events = [e["kind"] for e in instance_of_task(app, task_id)["history"]]
    assert events.count("task_completed") == 1


def test_starting_an_offer_twice_with_the_same_reference_is_refused(app, dcim):
    start_in_browser(dcim, "OFF-WEB-10")
    response = dcim.post(f"/processes/{PROCESS}/start",
                         data={"business_key": "OFF-WEB-10", "csrf_token": csrf_token(dcim, "/")})
    assert response.status_code == 409
    markup = response.get_data(as_text=True)
    assert "Un dossier de cette procédure porte déjà cette référence" in markup
    assert Page(markup).by_id("business_key")["attrs"]["value"] == "OFF-WEB-10"
    assert re.search(r'href="/instances/\d+"', markup)  # a link to the file that has it (see test_cancel_pages.py)
    with app.app_context():
        assert len(instances.list_instances(uow(), DIRECTION, business_key="OFF-WEB-10")) == 1


@pytest.mark.parametrize("business_key, status, text", [
    ("", 422, "Ce champ est obligatoire."), ("   ", 422, "Ce champ est obligatoire."),
    ("OFF-" + "9" * 200, 422, "Saisissez au plus 120 caractères.")])
def test_a_missing_or_too_long_reference_is_shown_on_the_start_form(app, dcim, business_key, status, text):
    response = dcim.post(f"/processes/{PROCESS}/start",
                         data={"business_key": business_key, "csrf_token": csrf_token(dcim, "/")})
    assert response.status_code == status
    shown = Page(response.get_data(as_text=True))
    assert [" ".join(e["text"].split()) for e in shown.find("p", class_="field-error")] == [text]
    assert shown.by_id("business_key")["attrs"]["value"] == business_key
    assert shown.find("form", method="post", class_="narrow")  # the start form is shown again
    with app.app_context():
        assert instances.list_instances(uow(), DIRECTION) == []


def test_only_the_dcim_can_start_an_offer(app):
    counsellor = browser(app, "conseiller-bamako")
    response = counsellor.post(f"/processes/{PROCESS}/start",
                               data={"business_key": "OFF-WEB-11", "csrf_token": csrf_token(counsellor, "/")})
    assert response.status_code == 403
    with app.app_context():
        assert instances.list_instances(uow(), DIRECTION) == []


def test_procedures_opened_by_another_one_are_not_started_by_hand(app, dcim):
    listing = dcim.get("/instances").get_data(as_text=True)
    assert f"/processes/{PROCESS}/start" in listing
    for key in ("preselection", "mise_en_relation", "selection_finale"):
        assert f"/processes/{key}/start" not in listing
    for response in (dcim.get("/processes/mise_en_relation/start"),
                     dcim.post("/processes/mise_en_relation/start",
                               data={"business_key": "OFF-WEB-12", "csrf_token": csrf_token(dcim, "/")})):
        assert response.status_code == 403
        assert "Cette procédure est ouverte par une autre procédure, pas à la main" in response.get_data(as_text=True)
    with app.app_context():
        assert instances.list_instances(uow(), DIRECTION) == []


def test_inbox_shows_due_dates_and_marks_overdue_tasks(app, dcim):
    instance = prepared_offer(app, "OFF-WEB-20", offer_data.enregistrer_saisonnier_espagne())
    task = instance["tasks"][0]
    assert task["name"] == "verifier_employeur" and task["due_at"]  # due in five days (P5D)
    row = next(r for r in page(dcim, "/").find("tr") if r["attrs"].get("class") is not None)
    assert row["attrs"]["class"] == ""
    day = task["due_at"][:10]
    assert f"{day[8:10]}/{day[5:7]}/{day[:4]}" in page(dcim, "/").rows()[0]  # 07/12/2026
    with app.app_context():
        with uow() as work:
            work.session.get(TaskRow, task["id"]).due_at = datetime.now(timezone.utc) - timedelta(days=1)
            work.commit()
    inbox = page(dcim, "/")
    overdue = inbox.find("tr", class_="overdue")
    assert len(overdue) == 1
    assert f"/tasks/{task['id']}" in [e["attrs"].get("href") for e in inbox.elements
                                      if e["tag"] == "a" and e["parent"]["parent"] is overdue[0]]
    assert page(dcim, f"/instances/{instance['id']}").find("tr", class_="overdue")


def test_a_long_inbox_comes_in_pages_with_the_count_of_all(app, dcim):
    with app.app_context():
        for number in range(tasks.INBOX_PAGE + 1):
            instances.start_instance(uow(), DCIM, PROCESS, f"OFF-WEB-P{number}")
    first, second = page(dcim, "/"), page(dcim, "/?page=2")
    assert len(first.rows()) == tasks.INBOX_PAGE and len(second.rows()) == 1
    assert any("Tâches 1 à 50 sur 51" in text for text in first.text("nav"))
    assert any("Tâches 51 à 51 sur 51" in text for text in second.text("nav"))
    for odd in ("abc", "0", "-3", "99999999999999999999"):  # a page nobody links to is still a page
        assert len(page(dcim, f"/?page={odd}").rows()) in (1, tasks.INBOX_PAGE)

# --- the file's page and the list of files --------------------------------------------------------

def test_instance_page_shows_status_current_tasks_and_history_with_old_and_new_values(app, dcim):
    with app.app_context():
        instance = instances.start_instance(uow(), DCIM, PROCESS, "OFF-WEB-12", {"nombre_postes": 10})
    task_id = instance["tasks"][0]["id"]
    form = page(dcim, f"/tasks/{task_id}")
    assert form.by_id("field-nombre_postes")["attrs"]["value"] == "10"  # what the file already holds
    complete(dcim, task_id, offer_data.enregistrer_saisonnier_espagne())

    shown = page(dcim, f"/instances/{instance['id']}")
    assert shown.text("h1")[0].startswith("OFF-WEB-12")
    status = " ".join(shown.find("p", class_="status-running")[0]["text"].split())
    assert status.startswith("Statut : en cours") and "par dcim" in status
    next_task = instance_of_task(app, task_id)["tasks"][0]
    assert f"/tasks/{next_task['id']}" in shown.links()
    assert "Vérifier la crédibilité de l'employeur" in shown.text("a")
    history = shown.text("li")
    assert any("dossier ouvert" in item and "dcim" in item for item in history)
    assert any("tâche terminée" in item and "« Enregistrer l'offre d'emploi »" in item for item in history)
    rows = shown.rows()
    assert ["Nombre de postes à pourvoir", "10", "40"] in rows
    assert ["Métier correspondant au poste", "—", "Ouvrier agricole"] in rows  # the task's own form
    assert ["Raison sociale de l'employeur", "—", "Frutas del Condado S.L."] in rows

    complete(dcim, next_task["id"], offer_data.verifier_non_credible())
    shown = page(dcim, f"/instances/{instance['id']}")
    markup = " ".join(e["text"] for e in shown.elements if e["tag"] == "main")
    assert "Statut : terminé" in " ".join(markup.split()) and "clos le" in markup
    assert "Aucune tâche en cours." in markup
    assert any("décision" in item and "« Employeur crédible ? »" in item
               and "« Clore l'offre : employeur non crédible »" in item for item in shown.text("li"))
    assert any("dossier clos" in item for item in shown.text("li"))


def test_instances_list_with_filters(app, dcim):
    running = prepared_offer(app, "OFF-WEB-13")
    closed = prepared_offer(app, "OFF-WEB-14", offer_data.enregistrer_chantier_cote_divoire(),
                            offer_data.verifier_non_credible())
    other = prepared_offer(app, "OFF-WEB-15", offer_data.enregistrer_saisonnier_espagne())
    assert closed["status"] == "completed"

    def listed(query=""):
        shown = page(dcim, "/instances" + query)
        return {row[0] for row in shown.rows() if row[0].startswith("OFF-")}, shown

    everything, shown = listed()
    assert everything == {"OFF-WEB-13", "OFF-WEB-14", "OFF-WEB-15"}
    assert f"/instances/{running['id']}" in shown.links()
    assert f"/processes/{PROCESS}/start" in shown.links()  # the DCIM may open a new file here
    assert listed("?status=completed")[0] == {"OFF-WEB-14"}
    assert listed("?status=running")[0] == {"OFF-WEB-13", "OFF-WEB-15"}
    assert listed("?business_key=OFF-WEB-15")[0] == {"OFF-WEB-15"}
    assert listed(f"?process={PROCESS}&status=running&business_key=OFF-WEB-13")[0] == {"OFF-WEB-13"}
    assert listed(f"?process={PROCESS}")[0] == everything
    nothing, shown = listed("?process=inconnu")
    assert nothing == set() and ["Aucun dossier."] in shown.rows()

    _, shown = listed("?status=completed&business_key=OFF-WEB-14")
    selected = [o["attrs"]["value"] for o in shown.find("option") if "selected" in o["attrs"]]
    assert selected == ["completed"]
    assert shown.named("business_key")[0]["attrs"]["value"] == "OFF-WEB-14"
    assert other["id"] != running["id"]


def test_counsellors_read_only_their_region_files_and_direction_reads_all(app):
    kayes_only = prepared_offer(app, "OFF-WEB-16", offer_data.enregistrer_saisonnier_espagne(),
                                offer_data.verifier_credible(), offer_data.negocier_accord(),
                                offer_data.transmettre("kayes"))
    both = prepared_offer(app, "OFF-WEB-17", offer_data.enregistrer_saisonnier_espagne(),
                          offer_data.verifier_credible(), offer_data.negocier_accord(),
                          offer_data.transmettre("bamako", "kayes"))
    early = prepared_offer(app, "OFF-WEB-18")

    bamako = browser(app, "conseiller-bamako")
    refused = bamako.get(f"/instances/{kayes_only['id']}")
    assert refused.status_code == 404  # as for a file that does not exist
    assert "Introuvable." in shown_text(refused)
    assert bamako.get(f"/instances/{early['id']}").status_code == 404
    assert bamako.get(f"/instances/{both['id']}").status_code == 200
    assert {row[0] for row in page(bamako, "/instances").rows()} == {"OFF-WEB-17"}
    kayes_task = next(t["id"] for t in kayes_only["tasks"])
    assert bamako.get(f"/tasks/{kayes_task}").status_code == 404

    kayes = browser(app, "conseiller-kayes")
    assert kayes.get(f"/instances/{kayes_only['id']}").status_code == 200
    assert {row[0] for row in page(kayes, "/instances").rows()} == {"OFF-WEB-16", "OFF-WEB-17"}

    direction = browser(app, "direction")
    for instance in (kayes_only, both, early):
        assert direction.get(f"/instances/{instance['id']}").status_code == 200
    assert {row[0] for row in page(direction, "/instances").rows()} == {"OFF-WEB-16", "OFF-WEB-17", "OFF-WEB-18"}
    # Direction reads a task but has no form to complete it, nor a claim button.
    markup = shown_text(direction.get(f"/tasks/{kayes_task}"))
    assert "Cette tâche n'est pas ouverte pour vous." in markup and "Prendre la tâche" not in markup
    assert direction.get(f"/instances/{10**9}").status_code == 404


def test_unknown_task_and_process_are_not_found(dcim):
    missing = dcim.get(f"/tasks/{uuid.uuid4()}")
    assert missing.status_code == 404 and "Introuvable." in shown_text(missing)
    assert dcim.get("/processes/inconnu/start").status_code == 404


# --- languages ------------------------------------------------------------------------------------

def test_french_by_default_and_with_accept_language_fr(app):
    client = app.test_client()
    login = Page(client.get("/login").get_data(as_text=True))
    assert login.text("h1") == ["Connexion"]
    assert login.find("html")[0]["attrs"]["lang"] == "fr"
    for header in ("fr", "fr-ML,fr;q=0.9", "fr-ML,en;q=0.5", "fr-FR,en-US;q=0.8", "bm-ML", "*"):
        shown = Page(client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True))
        assert shown.text("h1") == ["Connexion"], header
    dcim = browser(app, "dcim")
    assert page(dcim, "/").text("h1") == ["Mes tâches"]


@pytest.mark.parametrize("header", ["en", "en-GB,en;q=0.9", "en-US,fr;q=0.5", "bm-ML,en;q=0.8"])
def test_browser_asking_for_english_gets_english(app, header):
    client = app.test_client()
    shown = Page(client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True))
    assert shown.text("h1") == ["Log in"]
    assert shown.find("html")[0]["attrs"]["lang"] == "en"


def test_english_after_choosing_it(app, dcim):
    token = csrf_token(dcim, "/")
    response = dcim.post("/lang/en", data={"csrf_token": token, "next": "/instances"})
    assert response.status_code == 302 and response.headers["Location"] == "/instances"
    inbox = page(dcim, "/")
    assert inbox.text("h1") == ["My tasks"]
    assert inbox.find("html")[0]["attrs"]["lang"] == "en"
    # The choice wins over the browser's language, and reaches the form messages.
    shown = Page(dcim.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True))
    assert shown.text("h1") == ["My tasks"]
    task_id = prepared_offer(app, "OFF-WEB-19")["tasks"][0]["id"]
    response = post_task_form(dcim, task_id, MultiDict([("nombre_postes", "abc")]))
    assert response.status_code == 422
    form = Page(response.get_data(as_text=True))
    assert form.by_id("field-nombre_postes-err")["text"].strip() == "Enter a whole number."
    assert form.by_id("field-metier-err")["text"].strip() == "This field is required."

    dcim.post("/lang/fr", data={"csrf_token": csrf_token(dcim, "/"), "next": "/"})
    assert page(dcim, "/").text("h1") == ["Mes tâches"]


def test_language_chosen_before_login_is_kept(app):
    client = app.test_client()
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/login"), "next": "/login"})
    assert page(client, "/login").text("h1") == ["Log in"]
    client.post("/login", data={"username": "dcim", "password": "demo-dcim",
                                "csrf_token": csrf_token(client, "/login")})
    assert page(client, "/").text("h1") == ["My tasks"]


def test_unknown_language_is_ignored(dcim):
    dcim.post("/lang/xx", data={"csrf_token": csrf_token(dcim, "/"), "next": "/"})
    assert page(dcim, "/").text("h1") == ["Mes tâches"]
