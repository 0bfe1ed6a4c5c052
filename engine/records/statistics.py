"""The agency's statistics, counted from the business-record tables (never from workflow state).

Each indicator counts rows of one table; `by` breaks the count down by one
dimension (month, region, destination country, occupation, sex, age band).
Filters: a date range on the indicator's own date, and a region.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from statistics import median

from sqlalchemy import extract, func, select

from engine.store.tables import (
    AgencyPlacement,
    AgencyReport,
    CandidateService,
    Candidature,
    Departure,
    InformationSession,
    Offer,
    Person,
    Reintegration,
    ReturnRecord,
    SessionAttendance,
    TaskRow,
    as_utc,
)


def N_(text):
    """Marks a title for the translation catalogue; the web layer translates it when it shows it."""
    return text


DIMENSIONS = ("mois", "region", "pays", "metier", "sexe", "age", "handicap", "categorie")
AGE_BANDS = ((18, 24), (25, 34), (35, 44), (45, 54), (55, 200))


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    model: object
    date_column: object
    where: tuple = ()
    region_column: object = None
    columns: dict = None  # dimension → column of `model` (sex and age come from persons)
    total: object = None  # a column to sum instead of counting rows
    joins: tuple = ()  # (model, on clause) joined to `model`, for a date, region or dimension it lacks
    several: tuple = ()  # dimensions whose column joins several codes by commas: each code counts the row


def _indicators():
    # An offer's occupation by its CITP-08 code when one was chosen, else by the word typed.
    offer_cols = {"pays": Offer.work_country, "metier": func.coalesce(Offer.occupation_code, Offer.occupation)}
    cand = {"region": Candidature.region, "categorie": Candidature.stage}
    returns = {"region": ReturnRecord.region, "categorie": ReturnRecord.category, "pays": ReturnRecord.country_from}
    served = CandidateService
    # A file cancelled by hand (a duplicate, an offer withdrawn) is counted only among the cancelled ones.
    received = (Offer.status != "annulee",)
    going = (served.status != "annule",)
    returned = (ReturnRecord.status.is_distinct_from("annule"),)
    reintegrated = (Reintegration.status.is_distinct_from("annule"),)
    held = (InformationSession.status == "tenue",)
    session_cols = {"region": InformationSession.region, "categorie": InformationSession.kind,
                    "pays": InformationSession.countries}
    session_lists = ("pays", "categorie")  # countries presented and themes are joined by commas
    return [
        Indicator("offres_recues", N_("Offres reçues"), Offer, Offer.received_on, received, columns=offer_cols),
        Indicator("offres_diffusees", N_("Offres diffusées aux directions régionales"), Offer, Offer.received_on,
                  (Offer.status.in_(("diffusee", "satisfaite", "satisfaite_en_partie")),), columns=offer_cols),
        Indicator("offres_satisfaites", N_("Offres satisfaites (tous les postes pourvus)"), Offer, Offer.received_on,
                  (Offer.status == "satisfaite",), columns=offer_cols),
        Indicator("offres_satisfaites_en_partie", N_("Offres satisfaites en partie"), Offer, Offer.received_on,
                  (Offer.status == "satisfaite_en_partie",), columns=offer_cols),
        Indicator("postes_offerts", N_("Postes offerts"), Offer, Offer.received_on, received, columns=offer_cols,
                  total=Offer.posts),
        Indicator("postes_pourvus", N_("Postes pourvus (candidat retenu ou parti)"), Offer, Offer.received_on,
                  received, columns=offer_cols, total=Offer.posts_filled),
        # Labour-market tensions (§5.3): the posts of diffused offers that nobody holds yet, by occupation.
        Indicator("postes_non_pourvus", N_("Postes diffusés encore non pourvus (tensions, par métier)"), Offer,
                  Offer.received_on, (Offer.status.in_(("diffusee", "satisfaite_en_partie")),), columns=offer_cols,
                  total=func.coalesce(Offer.posts, 0) - func.coalesce(Offer.posts_filled, 0)),
        Indicator("offres_retirees", N_("Offres retirées par l'employeur, par motif"), Offer, Offer.received_on,
                  (Offer.status == "retiree",), columns={**offer_cols, "categorie": Offer.cancel_reason}),
        Indicator("offres_annulees", N_("Offres annulées, par motif"), Offer, Offer.received_on,
                  (Offer.status == "annulee",), columns={**offer_cols, "categorie": Offer.cancel_reason}),
        *[Indicator(f"candidats_{stage}", title, Candidature, Candidature.updated_at, stages,
                    Candidature.region, cand)
          for stage, title, stages in [
              ("inscrits", N_("Candidatures enregistrées"), ()),
              ("preselectionnes", N_("Candidats présélectionnés"),
               (Candidature.stage.in_(("preselectionne", "retire_liste", "presente", "retenu", "non_retenu", "parti",
                                       "desiste", "depart_annule")),)),
              ("presentes", N_("Candidats présentés aux employeurs"),
               (Candidature.stage.in_(("presente", "retenu", "non_retenu", "parti", "desiste", "depart_annule")),)),
              ("retenus", N_("Candidats retenus par les employeurs"),
               (Candidature.stage.in_(("retenu", "parti", "desiste", "depart_annule")),)),
              ("desistes", N_("Candidats retenus qui se sont désistés (ou visa refusé)"),
               (Candidature.stage == "desiste",)),
              ("partis", N_("Candidats partis"), (Candidature.stage == "parti",))]],
        Indicator("accompagnements", N_("Candidats accompagnés (services aux candidats)"), served,
                  served.opened_on, going, served.region, {"region": served.region, "categorie": served.outcome}),
        Indicator("accompagnements_employabilite", N_("Candidats évalués, par employabilité"), served,
                  served.opened_on, (*going, served.employability.is_not(None)), served.region,
                  {"region": served.region, "categorie": served.employability}),
        Indicator("sessions_information", N_("Candidats informés sur la migration légale, par type de session"),
                  served, served.session_on, (*going, served.session_kind.is_not(None)), served.region,
                  {"region": served.region, "categorie": served.session_kind}),
        Indicator("equivalences_diplomes", N_("Candidats informés sur l'équivalence des diplômes"), served,
                  served.opened_on, (*going, served.equivalence_started.is_not(None)), served.region,
                  {"region": served.region}),
        Indicator("departs", N_("Départs"), Departure, Departure.departed_on, (Departure.status == "parti",),
                  columns={"pays": Departure.destination_country}),
        # A cancelled departure is dated by its planned day: it never had a real one.
        Indicator("departs_annules", N_("Départs annulés, par cause"), Departure, Departure.planned_on,
                  (Departure.status == "annule",),
                  columns={"pays": Departure.destination_country, "categorie": Departure.cancellation_cause}),
        Indicator("arrivees", N_("Arrivées confirmées dans le pays d'accueil"), Departure, Departure.arrived_on,
                  (Departure.arrived_on.is_not(None),), columns={"pays": Departure.destination_country}),
        Indicator("retours", N_("Migrants de retour"), ReturnRecord, ReturnRecord.registered_on, returned,
                  ReturnRecord.region, returns),
        Indicator("retours_par_date", N_("Migrants de retour, par date du retour au Mali"), ReturnRecord,
                  ReturnRecord.returned_on, (*returned, ReturnRecord.returned_on.is_not(None)), ReturnRecord.region,
                  returns),
        Indicator("retours_annules", N_("Dossiers de retour annulés, par motif"), ReturnRecord,
                  ReturnRecord.registered_on, (ReturnRecord.status == "annule",), ReturnRecord.region,
                  {**returns, "categorie": ReturnRecord.cancel_reason}),
        Indicator("reinsertions", N_("Parcours de réinsertion"), Reintegration, Reintegration.updated_at,
                  reintegrated, Reintegration.region,
                  {"region": Reintegration.region, "categorie": Reintegration.path}),
        # DOM box (§9): what became of the returnees accompanied, by the outcome of their last follow-up.
        Indicator("resultats_reinsertion", N_("Résultats de la réinsertion (dernier suivi)"), Reintegration,
                  Reintegration.updated_at, (*reintegrated, Reintegration.outcome.is_not(None)), Reintegration.region,
                  {"region": Reintegration.region, "categorie": Reintegration.outcome}),
        Indicator("reinsertions_annulees", N_("Parcours de réinsertion annulés, par motif"), Reintegration,
                  Reintegration.updated_at, (Reintegration.status == "annule",), Reintegration.region,
                  {"region": Reintegration.region, "categorie": Reintegration.cancel_reason}),
        # §8.2.1, §6.7: the information sessions held, and who came (the head count; the registered persons
        # present, by sex, age and disability from the registry), by kind, theme and country presented.
        Indicator("sessions_tenues", N_("Sessions d'information tenues"), InformationSession,
                  InformationSession.held_on, held, InformationSession.region, session_cols, several=session_lists),
        Indicator("participants_sessions", N_("Participants aux sessions d'information (effectif compté)"),
                  InformationSession, InformationSession.held_on, held, InformationSession.region,
                  {**session_cols, "categorie": InformationSession.themes}, total=InformationSession.head_count,
                  several=session_lists),
        Indicator("inscrits_sessions", N_("Personnes inscrites présentes aux sessions d'information"),
                  SessionAttendance, InformationSession.held_on, held, InformationSession.region,
                  {**session_cols, "categorie": InformationSession.themes}, several=session_lists,
                  joins=((InformationSession, InformationSession.instance_id == SessionAttendance.instance_id),)),
        Indicator("rapports_agences", N_("Rapports annuels des agences privées"), AgencyReport, AgencyReport.due_on,
                  columns={"categorie": AgencyReport.status}),
        # §5.3: the placements the private agencies report, by sex, destination and occupation (a national count).
        Indicator("placements_agences", N_("Travailleurs placés à l'étranger par les agences privées"),
                  AgencyPlacement, AgencyPlacement.year_end, columns={
                      "pays": AgencyPlacement.country, "metier": AgencyPlacement.occupation,
                      "sexe": AgencyPlacement.sex, "categorie": AgencyPlacement.agency},
                  total=AgencyPlacement.workers),
    ]


INDICATORS = {i.key: i for i in _indicators()}


def count(uow, key, by=None, start=None, end=None, region=None, today=None):
    """Rows [(label, value)] of one indicator, broken down `by` a dimension (None: one total row).

    The database counts (or sums) per group; only the groups' labels are made here, so the cost
    follows the number of groups, not the number of records.
    """
    indicator = INDICATORS[key]
    person_id = getattr(indicator.model, "person_id", None)
    keys = _group_keys(indicator, by, person_id is not None)
    amount = func.sum(indicator.total) if indicator.total is not None else func.count()
    query = select(amount, func.count(), *keys).select_from(indicator.model)
    for model, on in indicator.joins:
        query = query.join(model, on)
    if person_id is not None:
        query = query.outerjoin(Person, Person.id == person_id)
    query = query.where(*indicator.where)
    if start:
        query = query.where(indicator.date_column >= start)
    if end:
        query = query.where(indicator.date_column <= end)
    if region:
        column = indicator.region_column if indicator.region_column is not None else \
            (Person.region if person_id is not None else None)
        if column is None:
            return []  # this indicator is national: it has no region
        query = query.where(column == region)
    totals = Counter()
    with uow:
        for amount, records, *values in uow.session.execute(query.group_by(*keys) if keys else query):
            if not records:  # no records: no row, rather than a total of 0
                continue
            label = _label(by, values, today or date.today())
            # A session on two themes counts once under each; a breakdown then adds up to more than the total.
            for one in (label.split(",") if by in indicator.several and isinstance(label, str) else [label]):
                totals[one or None] += amount or 0
    rows = sorted(totals.items(), key=lambda pair: (pair[0] is None, str(pair[0])))
    # A breakdown lists the groups that count something (a month of 0 posts filled says nothing).
    return [row for row in rows if row[1] or len(rows) == 1]


def _group_keys(indicator, by, has_person):
    """What the database groups by for `by`: a column of the record (its own, e.g. an agency's
    placements by sex), the month of its date, or its person's sex, birth year or disability."""
    own = (indicator.columns or {}).get(by)
    if by is None:
        return []
    if own is not None:
        return [own]
    if by == "region" and indicator.region_column is not None:
        return [indicator.region_column]
    if by == "mois":
        return [extract("year", indicator.date_column), extract("month", indicator.date_column)]
    person = {"sexe": Person.sex, "age": extract("year", Person.birth_date), "handicap": Person.disability}
    return [person[by]] if has_person and by in person else []  # nothing to group by: one row, the total


def _label(by, values, today):
    """The row a group is counted in, from the values `_group_keys` grouped it by."""
    if by is None or not values:  # not broken down (this indicator has no such dimension): its total
        return "total"
    value = values[0]
    if by == "mois" and len(values) == 2:
        return f"{int(values[0]):04d}-{int(values[1]):02d}" if value is not None else None
    if by == "age" and value is not None:
        return _band(today.year - int(value))
    if by == "handicap" and isinstance(value, bool):  # the manual cares for disabled persons' employment (§6.1)
        return "oui" if value else "non"
    return value


def age_band(born, today):
    """'25-34' style band of a birth date, or None.

    The age is the one reached in `today`'s calendar year: it needs only the birth
    year, so a file that keeps only that year once its retention period has passed
    is counted in the same band as before.
    """
    if born is None:
        return None
    return _band(today.year - born.year)


def _band(age):
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}-{high}"
    return f"<{AGE_BANDS[0][0]}"


STEP_PERIOD_DAYS = 365  # the period of the time per step when none is given: the last year's tasks


def step_period(start=None, end=None, today=None):
    """The days (first, last) whose completed tasks `step_durations` reads: `start` to `end`, by default
    the STEP_PERIOD_DAYS up to today."""
    today = today or date.today()
    return start or (end or today) - timedelta(days=STEP_PERIOD_DAYS - 1), end or today


def step_durations(uow, process_key=None, start=None, end=None, today=None):
    """Median days spent at each user task (created → completed), per procedure and step, over the tasks
    completed in `step_period(start, end)`: a period, read by the index on the completion, never the
    whole history. PostgreSQL computes the medians; SQLite (a smaller agency's database) sends the
    period's times."""
    first, last = step_period(start, end, today)
    since = datetime.combine(first, time.min, tzinfo=timezone.utc)
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=timezone.utc)
    where = (TaskRow.state == "completed", TaskRow.completed_at >= since, TaskRow.completed_at < until,
             *((TaskRow.process_key == process_key,) if process_key else ()))
    step = (TaskRow.process_key, TaskRow.name, TaskRow.title)
    with uow:
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":
            days = extract("epoch", TaskRow.completed_at - TaskRow.created_at) / 86400
            rows = session.execute(select(*step, func.count(), func.percentile_cont(0.5).within_group(days))
                                   .where(*where).group_by(*step))
            medians = {(key, name, title): (count, value) for key, name, title, count, value in rows}
        else:
            spans = {}
            for key, name, title, created, completed in session.execute(
                    select(*step, TaskRow.created_at, TaskRow.completed_at).where(*where)):
                spans.setdefault((key, name, title), []).append(
                    (as_utc(completed) - as_utc(created)).total_seconds() / 86400)
            medians = {group: (len(values), median(values)) for group, values in spans.items()}
    return [{"process_key": key, "name": name, "title": title, "count": count,
             "median_days": round(float(value), 2)} for (key, name, title), (count, value) in sorted(medians.items())]
