"""One offer of the offer procedure, step by step: what every bench drives, the same way.

The offer is the demo's Spanish seasonal offer: recorded, checked, negotiated, sent to two
regions and displayed in both (seven steps counting the start).
"""
import time

from project import ROOT  # noqa: F401 - also puts the project on the import path

from engine.accounts.access import Actor  # noqa: E402
from engine.runtime import instances, tasks  # noqa: E402
from tests.engine import offer_data  # noqa: E402

PROCESS = "offre_internationale"
REGIONS = ("bamako", "kayes")
DCIM = Actor("dcim", frozenset({"dcim"}))
COUNSELLORS = {region: Actor(f"conseiller-{region}", frozenset({"conseiller"}), region) for region in REGIONS}
STEPS_PER_OFFER = 7  # the start and six user tasks


def user_steps():
    """(element id, data) of each user task of one offer, in order."""
    return [("enregistrer_offre", offer_data.enregistrer_saisonnier_espagne()),
            ("verifier_employeur", offer_data.verifier_credible()),
            ("negocier_offre", offer_data.negocier_accord()),
            ("transmettre_offre", offer_data.transmettre(*REGIONS)),
            ("confirmer_affichage", offer_data.confirmer_affichage()),
            ("confirmer_affichage", offer_data.confirmer_affichage())]


def actor_for(task):
    """Who completes an open task of the offer: its region's counsellor, else DCIM."""
    return COUNSELLORS[task["region"]] if task["region"] else DCIM


def unique_key(label):
    return f"BENCH-{label}-{time.time_ns()}"


def drive_engine(uow, offers, label="engine"):
    """Run `offers` whole offers through the engine (start_instance + complete_task); seconds taken."""
    started = time.perf_counter()
    for number in range(offers):
        instance = instances.start_instance(uow, DCIM, PROCESS, unique_key(f"{label}-{number}"))
        for name, data in user_steps():
            task = next(t for t in instance["tasks"] if t["name"] == name)
            instance = tasks.complete_task(uow, actor_for(task), task["id"], data)
        assert instance["status"] == "completed", instance["status"]
    return time.perf_counter() - started
