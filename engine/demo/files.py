"""Demo files for a first look: offers at different stages, worked by the demo accounts.

Each file of `data/demo_offers.json` is started by its first step's account
and taken through its steps with the real use cases, so that its history, its
deadlines and the audit trail are what the same work done by hand would leave.
The work is replayed on the days it would have been done (`tables.replaying`):
a file's steps are days or weeks apart, so the statistics' time per step and
the audit timelines read as they would after months of use; the steps that
leave a task open are done in the last days, so nothing is overdue on day one.

`create_demo_data` adds to them the rest of the demo, in the same way: persons
in Bamako and Kayes, three offers followed further (one to its departures, one at
the evaluator's tests, one agreed without display and presented on CVs only, at the employer's choice on
the files), services to candidates, returns with their
reintegration, private agencies, DCIM's sheet on Spain and information sessions (one held in Bamako,
one planned in Kayes); the agents' entries are in `engine.demo_payloads`.
"""
import json
from collections import Counter
from contextlib import nullcontext
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from engine import accounts, people
from engine.definitions import countries
from engine.people import employers
from engine.demo import payloads as entry
from engine.runtime import instances, tasks
from engine.store.tables import Instance, Offer, replaying

DEMO_FILES = Path(__file__).parent / "offers.json"
PROCESS = "offre_internationale"
# The dates typed in offers.json were written as if the work ended on this day: they move with `today`, so
# that a deadline agreed there (e.g. the negotiated one, which caps the steps before it) is still ahead.
WRITTEN_ON = date(2026, 3, 10)


def create_demo_files(uow, today=None):
    """Create the demo offers that do not exist yet (by business key); return the keys created.

    Needs the offer procedure deployed and the demo accounts created. Each file is
    replayed two days a step, its last step done the day before `today`.
    """
    clock = _Clock(today or date.today())
    created = []
    for demo in json.loads(DEMO_FILES.read_text(encoding="utf-8")):
        if _exists(uow, demo["business_key"]):
            continue
        steps = _moved(demo["steps"], (clock.today - WRITTEN_ON).days)
        starter = accounts.get_actor(uow, steps[0][0])
        with clock.on(-2 * len(steps) - 1):
            instance_id = instances.start_instance(uow, starter, PROCESS, demo["business_key"])["id"]
        for done, (username, name, data, *said) in enumerate(steps):
            actor = accounts.get_actor(uow, username)
            with clock.on(-2 * (len(steps) - done) + 1):
                _complete(uow, actor, _open_task(uow, actor, instance_id, name), data, said[0] if said else {})
        for username, name in demo.get("claims", []):
            actor = accounts.get_actor(uow, username)
            with clock.on(-1):
                tasks.claim_task(uow, actor, _open_task(uow, actor, instance_id, name))
        created.append(demo["business_key"])
    return created


def _moved(value, days):
    """`value` (steps' data) with each ISO date moved by `days` days."""
    if isinstance(value, dict):
        return {key: _moved(item, days) for key, item in value.items()}
    if isinstance(value, list):
        return [_moved(item, days) for item in value]
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        except ValueError:
            return value
    return value


class _Clock:
    """Moments of the replayed work: `on(offset)` is a day `offset` days from `today` (negative: past);
    steps done on one day follow one another half an hour apart from 9 o'clock (UTC); `on(None)` is now."""

    def __init__(self, today):
        self.today, self.steps = today, Counter()

    def on(self, offset):
        if offset is None:
            return nullcontext()  # the real time
        self.steps[offset] += 1
        start = datetime.combine(self.today + timedelta(days=offset), time(9), tzinfo=timezone.utc)
        return replaying(start + timedelta(minutes=30 * self.steps[offset]))


def _complete(uow, actor, task_id, data, said):
    """Complete a task as DCIM answers when the offer's employer is registered already: it is the employer
    of an earlier demo offer (`employeur_comme`: its reference), another employer of the same name
    (`autre_employeur`), or else the one found."""
    try:
        return tasks.complete_task(uow, actor, task_id, data)
    except employers.PossibleEmployerDuplicate as found:
        ids = [e["id"] for e in found.employers]
        if said.get("autre_employeur"):
            choice = employers.Choice(other_than=frozenset(ids))
        elif said.get("employeur_comme"):
            with uow:
                choice = employers.Choice(employer_id=uow.session.scalar(
                    select(Offer.employer_id).where(Offer.reference == said["employeur_comme"])))
        else:
            choice = employers.Choice(employer_id=ids[0])
        return tasks.complete_task(uow, actor, task_id, data, employer=choice)


def _exists(uow, business_key):
    with uow:
        query = select(Instance.id).where(Instance.process_key == PROCESS, Instance.business_key == business_key)
        return uow.session.scalars(query).first() is not None


def _open_task(uow, actor, instance_id, name):
    return next(t["id"] for t in tasks.list_open_tasks(uow, actor)
                if t["instance_id"] == instance_id and t["name"] == name)


# The offers followed beyond their display (the others are in data/demo_offers.json); they mark the demo as made.
OFFERS = {"spain": "OFF-2026-019", "morocco": "OFF-2026-027", "senegal": "OFF-2026-033"}
WORKERS = ("dcim", "conseiller-bamako", "conseiller-kayes", "evaluateur", "cpr")
_ACTORS = WORKERS + ("direction",)


class DemoAccountMissing(RuntimeError):
    """The demo accounts must exist before the demo data."""


def create_demo_data(uow, today=None):
    """Create the demo files and data unless they exist already; return a summary (see `summary`).

    Needs the bundled procedures deployed and the demo accounts created. `today` sets the
    dates the agents type in (by default the real date).
    """
    demo = _Demo(uow, today or date.today())
    created = bool(create_demo_files(uow, demo.today))
    if not demo.exists():
        demo.run()
        created = True
    return {**summary(uow, demo.who["direction"]), "created": created}


def summary(uow, reader):
    """What the database holds that the demo made: files by procedure, offers' states, open tasks by account."""
    files = Counter(i["process_key"] for i in instances.list_instances(uow, reader, limit=1000))
    with uow:  # the offers' status as the statistics count it (a selection makes an offer satisfied)
        offers = dict(uow.session.execute(select(Offer.reference, Offer.status)).all())
    inboxes = {}
    for username in WORKERS:
        worker = accounts.get_actor(uow, username)
        inboxes[username] = len(tasks.list_open_tasks(uow, worker)) if worker else 0
    return {"persons": len(people.list_persons(uow, accounts.get_actor(uow, "dcim"), limit=1000)),
            "files": dict(files), "offers": offers, "inboxes": inboxes}


def describe(result):
    """A few lines, in French then English, of what the demo holds."""
    created = "créées / created" if result["created"] else "déjà présentes, rien d'ajouté / already there, nothing added"
    files = ", ".join(f"{key} {count}" for key, count in sorted(result["files"].items()))
    offers = ", ".join(f"{reference} ({status})" for reference, status in sorted(result["offers"].items()))
    inboxes = ", ".join(f"{username} {count}" for username, count in result["inboxes"].items())
    return [f"Données de démonstration {created}:",
            f"  {result['persons']} personnes / persons; dossiers / files: {files}",
            f"  offres / offers: {offers}",
            f"  tâches à faire / open tasks: {inboxes}",
            "  commencez par / start with: dcim (Mes tâches), puis direction (Dossiers, Statistiques)"]


class _Demo:
    def __init__(self, uow, today):
        self.uow, self.today, self.clock = uow, today, _Clock(today)
        self.who = {}
        for username in _ACTORS:
            actor = accounts.get_actor(uow, username)
            if actor is None:
                raise DemoAccountMissing(f"demo account '{username}' is missing: create the demo accounts first")
            self.who[username] = actor
        self.ids = {}

    def exists(self):
        return any(_exists(self.uow, reference) for reference in OFFERS.values())

    def run(self):
        for key in entry.PERSONS:
            registration = entry.person(key, self.today)
            with self.clock.on(-100):
                self.ids[key] = people.register_person(self.uow, self.counsellor(registration["region"]), registration)
        self.offer_spain()
        self.offer_morocco()
        self.offer_senegal()
        self.candidate_services()
        self.returns()
        self.agencies()
        self.information_sessions()

    # --- helpers ------------------------------------------------------------------------------------------

    def d(self, offset):
        """The ISO date `offset` days from today."""
        return (self.today + timedelta(days=offset)).isoformat()

    def counsellor(self, region):
        return self.who[f"conseiller-{region}"]

    def start(self, username, process, reference, on):
        """Open a file `on` days from today (negative: in the past)."""
        with self.clock.on(on):
            return instances.start_instance(self.uow, self.who[username], process, reference)["id"]

    def task(self, username, instance_id, name):
        found = [t for t in tasks.list_open_tasks(self.uow, self.who[username])
                 if t["instance_id"] == instance_id and t["name"] == name]
        if len(found) != 1:
            raise RuntimeError(f"demo: expected one open '{name}' task for {username} in file {instance_id}, "
                               f"found {len(found)} (has a diagram changed?)")
        return found[0]

    def do(self, username, instance_id, name, data, on):
        """Complete the open task `name` of a file as `username`, `on` days from today."""
        task = self.task(username, instance_id, name)
        with self.clock.on(on):
            return tasks.complete_task(self.uow, self.who[username], task["id"], data)

    def file(self, process, reference):
        """The id of the newest file of `process` under `reference` (one a service task opened)."""
        found = instances.list_instances(self.uow, self.who["dcim"], process=process, business_key=reference)
        if not found:
            raise RuntimeError(f"demo: no '{process}' file {reference} was opened (has a diagram changed?)")
        return found[0]["id"]

    def displayed(self, reference, record, check, negotiation, received):
        """An offer shown in Bamako and Kayes on day `received`; returns the id of the preselection it opened."""
        offer_id = self.start("dcim", PROCESS, reference, on=received - 7)
        self.do("dcim", offer_id, "enregistrer_offre", record(self.d), on=received - 7)
        self.do("dcim", offer_id, "verifier_employeur", check(self.d), on=received - 5)
        self.do("dcim", offer_id, "negocier_offre", negotiation(self.d), on=received - 3)
        self.do("dcim", offer_id, "transmettre_offre",
                entry.transmission("Merci d'afficher l'offre et de cibler les candidats du vivier."), on=received - 2)
        for region in ("bamako", "kayes"):
            self.do(f"conseiller-{region}", offer_id, "confirmer_affichage", entry.affichage(self.d(received)),
                    on=received)
        return self.file("preselection", reference)

    def collect(self, file_id, closing, by_region):
        for region, keys in by_region.items():
            self.do(f"conseiller-{region}", file_id, "recueillir_candidatures",
                    entry.candidatures(self.d(closing), [self.ids[k] for k in keys]), on=closing)

    # --- offers -------------------------------------------------------------------------------------------

    def offer_spain(self):
        reference, ids, d = OFFERS["spain"], self.ids, self.d
        preselection_id = self.displayed(reference, entry.serres_espagne, entry.serres_verification,
                                         entry.serres_negociation, -68)
        self.collect(preselection_id, -58, {"bamako": ("aminata", "souleymane", "rokia"),
                                            "kayes": ("mamadou", "kadidia")})
        self.do("conseiller-bamako", preselection_id, "preselectionner_candidats", entry.preselection(
            [ids["aminata"], ids["souleymane"]], interviews=d(-55),
            remark="Rokia Coulibaly n'a pas encore fait de campagne complète ; gardée au vivier."), on=-55)
        self.do("conseiller-kayes", preselection_id, "preselectionner_candidats",
                entry.preselection([ids["mamadou"], ids["kadidia"]]), on=-54)
        presented = sorted(ids[k] for k in ("aminata", "souleymane", "mamadou", "kadidia"))
        self.do("dcim", preselection_id, "arreter_liste", entry.liste(d(-50), presented), on=-50)

        # Kadidia Diarra's diploma copy is not certified: the Kayes directorate completes her file.
        presentation_id = self.file("mise_en_relation", reference)
        self.do("dcim", presentation_id, "verifier_dossiers", entry.dossiers_incomplets([ids["kadidia"]]), on=-50)
        self.do("conseiller-kayes", presentation_id, "completer_dossiers", entry.completion(d(-49), [ids["kadidia"]]),
                on=-49)
        self.do("dcim", presentation_id, "verifier_dossiers", entry.dossiers_complets(), on=-48)
        self.do("dcim", presentation_id, "envoyer_liste_employeur", entry.envoi_liste(d), on=-48)
        selection_id = self.file("selection_finale", reference)
        self.do("dcim", selection_id, "planifier_rencontre", entry.rencontre(d, presented), on=-47)
        self.do("conseiller-bamako", selection_id, "convoquer_candidats",
                entry.convocation(d(-46), [ids["aminata"], ids["souleymane"]]), on=-46)
        self.do("conseiller-kayes", selection_id, "convoquer_candidats",
                entry.convocation(d(-45), [ids["mamadou"], ids["kadidia"]]), on=-45)
        self.do("dcim", selection_id, "enregistrer_selection", entry.choix_employeur(
            d, presented, [ids["aminata"], ids["mamadou"]], [ids["souleymane"]]), on=-41)

        # Aminata Kanté leaves and arrives; Mamadou Sissoko's contract goes back to the employer.
        left = self.file("aide_au_depart", f"{reference}/{ids['aminata']}")
        self.do("dcim", left, "planifier_depart", entry.planning(d, d(-12), d(-20)), on=-38)
        self.do("conseiller-bamako", left, "convoquer_candidat", entry.rendez_vous(d(-36)), on=-37)
        self.do("dcim", left, "verifier_contrat", entry.controle_contrat(d(-33)), on=-33)
        self.do("conseiller-bamako", left, "verifier_documents", entry.documents_reunis(d(-21)), on=-21)
        self.do("conseiller-bamako", left, "animer_atelier_integration", entry.atelier(d(-15)), on=-15)
        self.do("dcim", left, "enregistrer_depart", entry.depart(d(-12)), on=-12)
        self.do("dcim", left, "confirmer_arrivee", entry.arrivee(d(-11)), on=-11)
        staying = self.file("aide_au_depart", f"{reference}/{ids['mamadou']}")
        self.do("dcim", staying, "planifier_depart", entry.planning(d, d(25), d(15)), on=-38)
        self.do("conseiller-kayes", staying, "convoquer_candidat", entry.rendez_vous(d(-34)), on=-35)
        self.do("dcim", staying, "verifier_contrat", entry.controle_contrat(d(-5), missing=("conges_payes",)), on=-2)

    def offer_morocco(self):
        reference, ids = OFFERS["morocco"], self.ids
        preselection_id = self.displayed(reference, entry.cuisine_maroc, entry.cuisine_verification,
                                         entry.cuisine_negociation, -30)
        self.collect(preselection_id, -14, {"bamako": ("ousmane", "fatoumata"), "kayes": ("demba", "assitan")})
        self.do("conseiller-bamako", preselection_id, "preselectionner_candidats",
                entry.preselection([ids["ousmane"], ids["fatoumata"]], interviews=self.d(-10)), on=-9)
        self.do("conseiller-kayes", preselection_id, "preselectionner_candidats", entry.preselection(
            [ids["demba"]], remark="Assitan Tounkara est pâtissière : pas d'expérience de la cuisine chaude."), on=-8)
        self.do("evaluateur", preselection_id, "preparer_tests", entry.cuisine_tests(self.d), on=-4)
        # One candidate is evaluated; the evaluator has taken Fatoumata Bagayoko's evaluation, Demba Camara's waits.
        for task in [t for t in tasks.list_open_tasks(self.uow, self.who["evaluateur"])
                     if t["instance_id"] == preselection_id and t["name"] == "evaluer_candidat"]:
            candidate = tasks.get_task(self.uow, self.who["evaluateur"], task["id"])["data"]["candidat"]
            with self.clock.on(-1):
                if candidate == ids["ousmane"]:
                    tasks.complete_task(self.uow, self.who["evaluateur"], task["id"],
                                        entry.cuisine_evaluation(candidate))
                elif candidate == ids["fatoumata"]:
                    tasks.claim_task(self.uow, self.who["evaluateur"], task["id"])

    def offer_senegal(self):
        """An offer agreed without display (§7.4): sent to Bamako only, no display task, the directorate targets
        its pool; the employer chooses on the CVs only, so DCIM's next step is to record that choice (no meeting)."""
        reference, ids, d = OFFERS["senegal"], self.ids, self.d
        offer_id = self.start("dcim", PROCESS, reference, on=-34)
        self.do("dcim", offer_id, "enregistrer_offre", entry.electriciens_senegal(d), on=-34)
        self.do("dcim", offer_id, "verifier_employeur", entry.electriciens_verification(d), on=-32)
        self.do("dcim", offer_id, "negocier_offre", entry.electriciens_negociation(d), on=-30)
        self.do("dcim", offer_id, "transmettre_offre", {
            "regions_concernees": ["bamako"],
            "message_directions": "Offre sans affichage : ciblez les électriciens du vivier et du RODE."}, on=-29)
        preselection_id = self.file("preselection", reference)
        electricians = [ids["drissa"], ids["mariam"]]
        self.do("conseiller-bamako", preselection_id, "recueillir_candidatures",
                entry.candidatures_ciblees(d(-22), electricians), on=-22)
        self.do("conseiller-bamako", preselection_id, "preselectionner_candidats", entry.preselection(
            electricians, remark="Expérience de chantier attestée pour les deux candidats."), on=-20)
        self.do("dcim", preselection_id, "arreter_liste", {
            "candidats_a_presenter": electricians, "date_arret_liste": d(-18),
            "observations_liste": "Deux candidats pour deux postes ; l'employeur en acceptait trois."}, on=-18)
        presentation_id = self.file("mise_en_relation", reference)
        self.do("dcim", presentation_id, "verifier_dossiers", entry.dossiers_complets(), on=-13)
        self.do("dcim", presentation_id, "envoyer_liste_employeur", entry.envoi_cv(d(-12)), on=-12)

    # --- services to candidates, returns, agencies --------------------------------------------------------

    def candidate_services(self):
        ids, d = self.ids, self.d
        bamako = self.start("conseiller-bamako", "accompagnement_candidat", "ACC-2026-012", on=-12)
        self.do("conseiller-bamako", bamako, "analyser_demande", entry.analyse_comptable(d, ids["ibrahima"]), on=-12)
        self.do("conseiller-bamako", bamako, "construire_projet", entry.projet_comptable(d), on=-6)
        self.do("conseiller-bamako", bamako, "informer_migration_legale", entry.information_individuelle(d), on=-2)
        mason = self.start("conseiller-kayes", "accompagnement_candidat", "ACC-2026-009", on=-36)
        self.do("conseiller-kayes", mason, "analyser_demande", entry.analyse_macon(d, ids["moussa"]), on=-36)
        self.do("conseiller-kayes", mason, "construire_projet", entry.projet_macon(d), on=-33)
        self.do("conseiller-kayes", mason, "informer_migration_legale", entry.information_macon(d), on=-30)
        self.do("conseiller-kayes", mason, "conclure_accompagnement", entry.conclusion_pret_macon(d), on=-28)
        kayes = self.start("conseiller-kayes", "accompagnement_candidat", "ACC-2026-015", on=-1)
        self.do("conseiller-kayes", kayes, "analyser_demande", entry.analyse_mecanicien(d, ids["sekou"]), on=-1)

    def information_sessions(self):
        """DCIM's sheet on Spain, a session held in Bamako with three registered persons among those present,
        and one planned in Kayes (its holding task open, due in five days)."""
        ids, d = self.ids, self.d
        with self.clock.on(-45):
            countries.update_country_sheet(self.uow, self.who["dcim"], "ES", entry.fiche_espagne(), 0)
        held = self.start("conseiller-bamako", "session_information", "SI-BKO-2026-03", on=-30)
        self.do("conseiller-bamako", held, "planifier_session", entry.session_prevue(d, -20), on=-30)
        self.do("conseiller-bamako", held, "tenir_session",
                entry.session_tenue(d, -20, [ids["aminata"], ids["rokia"], ids["nana"]]), on=-20)
        planned = self.start("conseiller-kayes", "session_information", "SI-KYS-2026-04", on=-3)
        self.do("conseiller-kayes", planned, "planifier_session", entry.session_prevue(d, 5, lieu="Kayes"), on=-3)

    def returns(self):
        ids, d = self.ids, self.d
        # A voluntary return on the self-employment path: the training centre's modules are next.
        back = self.start("conseiller-bamako", "retour_migrant", "RET-2026-008", on=-64)
        self.do("conseiller-bamako", back, "enregistrer_retour", entry.retour_france_fin_contrat(d, ids["bakary"]),
                on=-64)
        self.do("conseiller-bamako", back, "proposer_accompagnement", entry.programmes_auto_emploi(d), on=-60)
        file_id = self.file("reintegration", "RET-2026-008/reintegration")
        self.do("conseiller-bamako", file_id, "inscrire_profiler", entry.profil_carreleur(d, ids["bakary"]), on=-58)
        self.do("conseiller-bamako", file_id, "informer_orienter", entry.orientation(d(-55), "auto_emploi"), on=-55)
        # He is 38: the APEJ is proposed before the self-employment programmes.
        self.do("conseiller-bamako", file_id, "orienter_apej", entry.apej(d), on=-52)
        self.do("conseiller-bamako", file_id, "presenter_programmes_appui", entry.appui_carrelage(d), on=-48)
        # An involuntary return: received first, informed, he asks for support; the evaluator is to validate
        # his experience.
        back = self.start("conseiller-kayes", "retour_migrant", "RET-2026-011", on=-20)
        self.do("conseiller-kayes", back, "enregistrer_retour", entry.retour_algerie(d, ids["lassana"]), on=-20)
        self.do("conseiller-kayes", back, "proposer_accompagnement_prioritaire", entry.programmes_prioritaires(d),
                on=-18)
        file_id = self.file("reintegration", "RET-2026-011/reintegration")
        self.do("conseiller-kayes", file_id, "inscrire_profiler", entry.profil_soudeur(d, ids["lassana"]), on=-17)
        self.do("conseiller-kayes", file_id, "informer_orienter", entry.orientation(
            d(-15), "salarie", skills="Soudure à l'arc et semi-automatique apprise sur chantier, sans diplôme"), on=-2)
        # A return just recorded: the counsellor is to present the programmes.
        back = self.start("conseiller-bamako", "retour_migrant", "RET-2026-014", on=-1)
        self.do("conseiller-bamako", back, "enregistrer_retour", entry.retour_france_titre_expire(d, ids["nana"]),
                on=-1)

    def agencies(self):
        """One agency awaits the end of its first activity year; another one, late with last year's report,
        has been given formal notice; a third one's late report has been received and controlled. Done now (`on=None`): the yearly timers run on the real clock."""
        waiting = self.start("dcim", "agences_privees", "AGR-2023-041/MTFP", on=None)
        self.do("dcim", waiting, "enregistrer_agence", entry.agence_horizon(self.today.year), on=None)
        # Last year's report is due by 31 January: early in the year, take the year before.
        year = self.today.year - (1 if self.today > date(self.today.year, 2, 1) else 2)
        late = self.start("dcim", "agences_privees", f"AGR-{year}-006/MTFP", on=None)
        # The engine catches up at once: the year is over, the reminder and the deadline have passed.
        self.do("dcim", late, "enregistrer_agence", entry.agence_kenedougou(year), on=None)
        self.do("dcim", late, "relancer_agence", entry.relance_kenedougou(date(year + 1, 1, 26).isoformat()), on=None)
        self.do("dcim", late, "mettre_en_demeure", entry.mise_en_demeure_kenedougou(self.d(-3), self.d(15)), on=None)
        # A third one sent last year's report after a formal notice: its placements are entered line by line and
        # the report controlled (fees, non-discrimination); the statistics count its workers by sex and country.
        reported = self.start("dcim", "agences_privees", f"AGR-{year - 2}-019/MTFP", on=None)
        self.do("dcim", reported, "enregistrer_agence", entry.agence_sahel_talents(year), on=None)
        self.do("dcim", reported, "relancer_agence", entry.relance_kenedougou(date(year + 1, 1, 25).isoformat()),
                on=None)
        self.do("dcim", reported, "mettre_en_demeure", entry.mise_en_demeure_kenedougou(self.d(-20), self.d(10)),
                on=None)
        self.do("dcim", reported, "receptionner_rapport", entry.rapport_sahel_talents(self.d(-2)), on=None)
        for line in entry.PLACEMENTS_SAHEL_TALENTS:
            self.do("dcim", reported, "detailler_placements", line, on=None)
        self.do("dcim", reported, "controler_rapport", entry.controle_sahel_talents(), on=None)
