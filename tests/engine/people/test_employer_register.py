"""The employer register (§7.3): an offer's recording finds or creates its employer by name and country
(without case, accents or punctuation), proposes the registered one rather than a second, lets DCIM
confirm another employer of the same name; the history gathers offers, findings and outcomes, and a new
offer of an employer once judged not credible warns DCIM. Every change is audited; reads are logged."""
import offer_data
import pytest
from conftest import BAMAKO, DCIM, DIRECTION, actor
from offer_flow import complete, start_offer, the_task
from sqlalchemy import select

from engine.errors import Forbidden, NotFound, ValidationFailed
from engine.people import employer_history, employers
from engine.people.employers import Choice, PossibleEmployerDuplicate
from engine.runtime import tasks
from engine.store.tables import AuditEvent, Employer, Offer

EVALUATEUR = actor("evaluateur", "evaluateur")


# A recording by another contact than the first one's: the register cannot tell it is the same employer.
OTHER_CONTACT = {"employeur_email": "empleo@frutas-condado.example.es", "employeur_telephone": "+34 600 11 22 33"}


def _record(uow, reference, name="Frutas del Condado S.L.", country="ES", choice=None, **typed):
    """Open an offer and record it with the employer `name` of `country`; returns the file's id."""
    instance = start_offer(uow, reference)
    data = offer_data.enregistrer_saisonnier_espagne() | {"employeur_raison_sociale": name,
                                                          "employeur_pays": country} | typed
    task = the_task(uow, DCIM, instance["id"], "enregistrer_offre")
    tasks.complete_task(uow, DCIM, task["id"], data, employer=choice)
    return instance["id"]


def _employer_of(uow, instance_id):
    with uow:
        return uow.session.scalar(select(Offer.employer_id).where(Offer.instance_id == instance_id))


def _events(uow, kind):
    with uow:
        return [e.details for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)
                                                      .order_by(AuditEvent.seq))]


def test_a_recording_creates_the_employer_and_names_it_in_the_file(deployed):
    first = _record(deployed, "OFF-R-1")
    employer_id = _employer_of(deployed, first)
    assert employer_id is not None
    with deployed:
        employer = deployed.session.get(Employer, employer_id)
        assert (employer.name, employer.country, employer.contact_name, employer.created_by) == (
            "Frutas del Condado S.L.", "ES", "María López García", "dcim")
        assert employer.email == "rrhh@frutasdelcondado.es"
    [created] = _events(deployed, "employer_created")
    assert created["employer_id"] == employer_id and created["business_key"] == "OFF-R-1"
    assert "other_than" not in created


@pytest.mark.parametrize("typed", ["FRUTAS DEL CONDADO SL", "frutas  del condado, s.l.", "Frutás del Cóndado S.L."])
def test_the_same_name_whatever_case_accents_or_punctuation_is_proposed_not_created_twice(deployed, typed):
    first = _employer_of(deployed, _record(deployed, "OFF-D-1"))
    with pytest.raises(PossibleEmployerDuplicate) as proposed:
        _record(deployed, "OFF-D-2", name=typed, **OTHER_CONTACT)
    assert [(e["id"], e["offers"]) for e in proposed.value.employers] == [(first, 1)]
    with deployed:
        assert deployed.session.scalar(select(Offer.employer_id).where(Offer.reference == "OFF-D-2")) is None
        assert len(deployed.session.scalars(select(Employer)).all()) == 1  # nothing written by the refusal

    # DCIM picks the registered employer: the file names it, the new contact it typed updates the record.
    task = the_task(deployed, DCIM, _file(deployed, "OFF-D-2"), "enregistrer_offre")
    data = offer_data.enregistrer_saisonnier_espagne() | {"employeur_raison_sociale": typed,
                                                          "employeur_contact_nom": "Pedro Sánchez"} | OTHER_CONTACT
    tasks.complete_task(deployed, DCIM, task["id"], data, employer=Choice(employer_id=first))
    assert _employer_of(deployed, _file(deployed, "OFF-D-2")) == first
    with deployed:
        employer = deployed.session.get(Employer, first)
        assert employer.name == "Frutas del Condado S.L."  # a recording does not rename the record
        assert employer.contact_name == "Pedro Sánchez"
    [updated] = _events(deployed, "employer_updated")
    assert updated["changes"] == {"contact_name": {"old": "María López García", "new": "Pedro Sánchez"},
                                  "email": {"old": "rrhh@frutasdelcondado.es", "new": OTHER_CONTACT["employeur_email"]},
                                  "phone": {"old": "+34 959 37 12 80", "new": "+34 600 11 22 33"}}
    assert updated["business_key"] == "OFF-D-2"


def test_the_same_name_reached_by_the_same_email_or_telephone_is_the_registered_employer(deployed):
    first = _employer_of(deployed, _record(deployed, "OFF-S-1"))
    same_mail = _record(deployed, "OFF-S-2", name="FRUTAS DEL CONDADO SL", employeur_telephone="+34 600 00 00 01")
    # The recording kept the new telephone on the record: a number written without its spaces reaches it.
    same_phone = _record(deployed, "OFF-S-3", employeur_email="otra@frutas.example.es",
                         employeur_telephone="+34600000001")
    assert _employer_of(deployed, same_mail) == _employer_of(deployed, same_phone) == first


def test_another_country_or_another_name_is_another_employer(deployed):
    first = _employer_of(deployed, _record(deployed, "OFF-C-1"))
    in_morocco = _employer_of(deployed, _record(deployed, "OFF-C-2", country="MA"))
    other = _employer_of(deployed, _record(deployed, "OFF-C-3", name="Frutas del Sur S.L."))
    assert len({first, in_morocco, other}) == 3


def test_a_different_employer_of_the_same_name_is_confirmed_and_the_confirmation_audited(deployed):
    first = _employer_of(deployed, _record(deployed, "OFF-H-1"))
    second = _employer_of(deployed, _record(deployed, "OFF-H-2", name="Frutas del Condado SL",
                                            choice=Choice(other_than=frozenset({first})), **OTHER_CONTACT))
    assert second != first
    assert _events(deployed, "employer_created")[1]["other_than"] == [first]
    # Both are proposed to the next recording of that name; a confirmation that leaves one out is not enough.
    with pytest.raises(PossibleEmployerDuplicate) as proposed:
        _record(deployed, "OFF-H-3", choice=Choice(other_than=frozenset({first})),
                employeur_email="tercera@example.es", employeur_telephone="+34 600 99 99 99")
    assert [e["id"] for e in proposed.value.employers] == [first, second]
    with pytest.raises(ValidationFailed) as unknown:
        _record(deployed, "OFF-H-4", choice=Choice(employer_id=999999))
    assert unknown.value.errors[0].code == "unknown_employer"


def test_the_verification_notes_its_finding_and_a_new_offer_warns_dcim(deployed):
    first = _record(deployed, "OFF-W-1")
    employer_id = _employer_of(deployed, first)
    complete(deployed, DCIM, first, "verifier_employeur", offer_data.verifier_non_credible("Adresse fictive"))

    second = _record(deployed, "OFF-W-2")  # same contacts: the registered employer, without a question
    page = tasks.get_task(deployed, DCIM, the_task(deployed, DCIM, second, "verifier_employeur")["id"])
    assert page["employer"]["employer"]["id"] == employer_id
    [warning] = page["employer"]["employer"]["warnings"]
    assert (warning["kind"], warning["reference"], warning["reason"]) == ("not_credible", "OFF-W-1",
                                                                          "Adresse fictive")
    # The verification of the offer judged not credible warns of nothing about itself.
    assert employer_history.warnings(deployed, employer_id, first) == []

    history = employer_history.get_employer_history(deployed, DCIM, employer_id)
    assert [o["reference"] for o in history["offers"]] == ["OFF-W-2", "OFF-W-1"]  # same day: the newest first
    [finding] = history["findings"]
    assert (finding["credible"], finding["reason"], finding["found_by"], finding["reference"]) == (
        False, "Adresse fictive", "dcim", "OFF-W-1")
    assert finding["source_titles"] == ["KOMPASS international", "Missions diplomatiques du pays de destination au Mali",
                                        "Autre source"]
    assert history["outcomes"]["not_credible"] == 1 and history["outcomes"]["offers"] == 2
    assert {c["kind"] for c in history["changes"]} == {"employer_created"}


def test_an_employer_without_history_warns_of_nothing(deployed):
    instance_id = _record(deployed, "OFF-N-1")
    page = tasks.get_task(deployed, DCIM, the_task(deployed, DCIM, instance_id, "verifier_employeur")["id"])
    assert page["employer"]["employer"]["warnings"] == []


def test_an_offer_withdrawn_by_its_employer_warns_too(deployed):
    from engine.runtime import inbound  # noqa: PLC0415
    first = _record(deployed, "OFF-X-1")
    employer_id = _employer_of(deployed, first)
    inbound.send_message(deployed, DCIM, "retrait_offre", business_key="OFF-X-1", payload={"motif": "Campagne annulée"})
    assert [(w["kind"], w["reason"]) for w in employer_history.warnings(deployed, employer_id)] == [
        ("withdrawn", "Campagne annulée")]


def test_who_reads_what_of_the_register(deployed):
    employer_id = _employer_of(deployed, _record(deployed, "OFF-A-1"))
    full = employer_history.get_employer_history(deployed, DIRECTION, employer_id)
    assert full["employer"]["email"] == "rrhh@frutasdelcondado.es"
    counsellor = employer_history.get_employer_history(deployed, BAMAKO, employer_id)
    assert "email" not in counsellor["employer"] and "contact_name" not in counsellor["employer"]
    assert counsellor["changes"] == [] and counsellor["accounts"] == []
    assert [o["reference"] for o in counsellor["offers"]] == ["OFF-A-1"]
    with pytest.raises(Forbidden):
        employer_history.get_employer_history(deployed, EVALUATEUR, employer_id)
    with pytest.raises(Forbidden):
        employer_history.list_employers(deployed, EVALUATEUR)
    with pytest.raises(NotFound):
        employer_history.get_employer_history(deployed, DCIM, employer_id + 100)
    reads = _events(deployed, "employer_read")
    assert [r["employer_id"] for r in reads] == [employer_id, employer_id]


def test_the_list_finds_employers_by_words_of_their_name(deployed):
    _record(deployed, "OFF-L-1")
    _record(deployed, "OFF-L-2", name="Bâtir Lagunes SA", country="CI")
    found = employer_history.list_employers(deployed, BAMAKO, "batir")
    assert [e["name"] for e in found["employers"]] == ["Bâtir Lagunes SA"]
    assert "email" not in found["employers"][0]
    assert employer_history.list_employers(deployed, DCIM, country="ES")["total"] == 1
    assert employer_history.list_employers(deployed, DCIM, "50%_")["total"] == 0


def test_dcim_edits_the_record_and_each_change_is_audited(deployed):
    employer_id = _employer_of(deployed, _record(deployed, "OFF-E-1"))
    record = {"name": "Frutas del Condado S.L.", "country": "ES", "sector": "Agriculture (fruits rouges)",
              "registration_numbers": "CIF B21000000", "address": "", "contact_name": "María López García",
              "contact_function": "", "email": "rrhh@frutasdelcondado.es", "phone": "+34 959 37 12 80"}
    saved = employers.update_employer(deployed, DCIM, employer_id, record)
    assert saved["sector"] == "Agriculture (fruits rouges)" and saved["address"] is None
    [updated] = _events(deployed, "employer_updated")
    assert updated["changes"]["sector"] == {"old": None, "new": "Agriculture (fruits rouges)"}
    assert updated["changes"]["address"]["new"] is None
    with pytest.raises(Forbidden):
        employers.update_employer(deployed, DIRECTION, employer_id, record)
    with pytest.raises(ValidationFailed) as wrong:
        employers.update_employer(deployed, DCIM, employer_id, record | {"name": "F", "country": "XX"})
    assert {e.field for e in wrong.value.errors} == {"name", "country"}
    # Renaming it like another registered employer asks for the same confirmation as a recording.
    other = _employer_of(deployed, _record(deployed, "OFF-E-2", name="Agrícola del Sur"))
    with pytest.raises(PossibleEmployerDuplicate):
        employers.update_employer(deployed, DCIM, other, record)
    employers.update_employer(deployed, DCIM, other, record | {"other_than": {employer_id}})


def _file(uow, reference):
    from engine.store.tables import Instance
    with uow:
        return uow.session.scalar(select(Instance.id).where(Instance.business_key == reference))


def test_a_deposit_is_linked_to_the_register_once_dcim_recorded_its_employer(deployed):
    """The portal's account is linked to the employer DCIM chose for its first deposit; its next deposits
    name that employer from the start, and DCIM's recording of them asks nothing."""
    import re  # noqa: PLC0415

    from engine.accounts import outbox  # noqa: PLC0415
    from engine.people import employers_portal as portal  # noqa: PLC0415
    from engine.runtime import offer_deposits  # noqa: PLC0415
    from engine.runtime.offer_deposits import PUBLIC_FIELDS  # noqa: PLC0415
    from engine.store.tables import EmployerAccount  # noqa: PLC0415

    registered = _employer_of(deployed, _record(deployed, "OFF-P-1"))
    password = "fraises-de-huelva-2026"
    account = portal.register_employer(deployed, "FRUTAS DEL CONDADO, S.L.", "ES", "Jorge Martín", "jorge@frutas.example.es",
                                       password, password)
    code = re.search(r"\b(\d{6})\b", [m for m in outbox.messages(deployed)
                                      if m["recipient"] == account.email][0]["body"]).group(1)
    account = portal.verify_email(deployed, account.email, code)
    offer = {k: v for k, v in offer_data.enregistrer_saisonnier_espagne().items() if k in PUBLIC_FIELDS}

    def recording(reference):
        task = next(t for t in tasks.inbox_page(deployed, DCIM)["tasks"] if t["business_key"] == reference)
        return task["id"], tasks.get_task(deployed, DCIM, task["id"])

    first = offer_deposits.deposit_offer(deployed, account, offer | {"employeur_telephone": "+34 600 44 55 66"})
    task_id, page = recording(first)
    # The same name written otherwise, and another contact: the task page proposes the registered employer.
    assert [e["id"] for e in page["employer"]["matches"]] == [registered]
    sent = {k: v for k, v in page["data"].items() if k in page["form"]["schema"]["properties"]}
    with pytest.raises(PossibleEmployerDuplicate):
        tasks.complete_task(deployed, DCIM, task_id, sent)
    tasks.complete_task(deployed, DCIM, task_id, sent, employer=Choice(employer_id=registered))
    with deployed:
        assert deployed.session.get(EmployerAccount, account.id).register_id == registered
    assert _events(deployed, "employer_account_linked")[0]["employer_account_id"] == account.id

    second = offer_deposits.deposit_offer(deployed, account, offer | {"employeur_telephone": "+34 600 77 88 99"})
    task_id, page = recording(second)
    assert page["data"]["employeur_id"] == registered and page["employer"]["matches"] == []
    assert page["employer"]["employer"]["id"] == registered
    tasks.complete_task(deployed, DCIM, task_id, {k: v for k, v in page["data"].items()
                                                  if k in page["form"]["schema"]["properties"]})
    assert _employer_of(deployed, _file(deployed, second)) == registered
