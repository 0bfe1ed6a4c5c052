"""How well registered persons fit an offer's requirements (manual §7.5, "le ciblage de candidats"):
each person with what matches and what is missing, in codes the pages word, and an order a counsellor
can check by eye. Nothing is decided here: the counsellor reads the reasons and chooses whom to invite.

The order (`rank`):
1. the occupation: the one the offer asks (exercised or sought), then one of its ISCO group (the first
   three digits: 7112 masons and 7114 concrete placers are both of 711, builders), then any other;
2. how many of the offer's other requirements the person meets: every language required, the years of
   experience, the diploma level, the region of the preselection; equal, the more of the languages required
   they speak, the better;
3. whether the person's candidate services concluded "ready for offers";
4. the years of experience, most first; then the name.
An offer that states no requirement of a kind makes that kind neither a reason nor a lack.
"""
from sqlalchemy import select

from engine.people.registry import SCHEMA
from engine.people.search import ready_for_offers
from engine.store.folding import fold
from engine.store.tables import Person

EDUCATION = tuple(option["const"] for option in SCHEMA["properties"]["niveau_etudes"]["oneOf"])  # lowest first
EXACT, GROUP, OTHER = 2, 1, 0  # how near the person's occupation is to the offer's


def requirements(offer_data, region):
    """What an offer asks, from its recorded data (the offer's form), and the preselection's region."""
    data = offer_data or {}
    languages = data.get("langues_requises") if isinstance(data.get("langues_requises"), list) else []
    years = data.get("experience_minimale_annees")
    level = data.get("niveau_etudes_requis")
    code = data.get("metier_citp")
    return {"metier_citp": code if isinstance(code, str) and code.isdigit() else None,
            "langues": [code for code in languages if isinstance(code, str)],
            "experience": years if isinstance(years, int) and not isinstance(years, bool) and years > 0 else None,
            "niveau_etudes": level if level in EDUCATION else None, "region": region}


def ready_persons(session, person_ids):
    """The persons among `person_ids` whose candidate services concluded "ready for offers" (one query)."""
    if not person_ids:
        return set()
    return set(session.scalars(select(Person.id).where(Person.id.in_(sorted(person_ids)), ready_for_offers())))


def assess(person, wanted, ready=False):
    """{"occupation": EXACT/GROUP/OTHER, "met": n, "reasons": [(code, params)], "lacks": [(code, params)]}
    for one Person against `requirements`."""
    reasons, lacks, met, spoken_count = [], [], 0, 0
    details = person.details or {}
    occupation = OTHER
    code = wanted["metier_citp"]
    if code:
        exercised = details.get("profession") or ""
        sought = [c for c in details.get("metiers_recherches") or [] if isinstance(c, str)]
        if exercised == code:
            occupation = EXACT
            reasons.append(("metier_exerce", {"code": code}))
        elif code in sought:
            occupation = EXACT
            reasons.append(("metier_recherche", {"code": code}))
        else:
            near = next((c for c in [exercised, *sought] if c and c[:3] == code[:3]), None)
            if near:
                occupation = GROUP
                reasons.append(("metier_voisin", {"code": near, "groupe": code[:3]}))
                lacks.append(("pas_le_metier", {"code": code}))
            else:
                lacks.append(("autre_metier", {"code": exercised or None, "demande": code}))
    if wanted["langues"]:
        spoken = set(details.get("langues") or [])
        missing = [language for language in wanted["langues"] if language not in spoken]
        reasons += [("langue", {"code": language}) for language in wanted["langues"] if language in spoken]
        lacks += [("langue_manquante", {"code": language}) for language in missing]
        met += not missing
        spoken_count = len(wanted["langues"]) - len(missing)
    if wanted["experience"]:
        years = person.experience_years
        if years is None:
            lacks.append(("experience_inconnue", {"demande": wanted["experience"]}))
        elif years >= wanted["experience"]:
            met += 1
            reasons.append(("experience", {"annees": years, "demande": wanted["experience"]}))
        else:
            lacks.append(("experience_courte", {"annees": years, "demande": wanted["experience"]}))
    if wanted["niveau_etudes"]:
        level = person.education
        if level not in EDUCATION:
            lacks.append(("etudes_inconnues", {"demande": wanted["niveau_etudes"]}))
        elif EDUCATION.index(level) >= EDUCATION.index(wanted["niveau_etudes"]):
            met += 1
            reasons.append(("etudes", {"niveau": level, "demande": wanted["niveau_etudes"]}))
        else:
            lacks.append(("etudes_insuffisantes", {"niveau": level, "demande": wanted["niveau_etudes"]}))
    if wanted["region"]:
        if person.region == wanted["region"]:
            met += 1
            reasons.append(("region", {"region": person.region}))
        else:
            lacks.append(("autre_region", {"region": person.region}))
    if ready:
        reasons.append(("pret_pour_offres", {}))
    if person.availability:
        reasons.append(("disponibilite", {"code": person.availability}))
    return {"occupation": occupation, "met": met, "languages": spoken_count, "ready": ready, "reasons": reasons,
            "lacks": lacks}


def rank(persons, wanted, ready=frozenset()):
    """(person, assessment) for each Person of `persons`, in the order the module's docstring gives."""
    assessed = [(person, assess(person, wanted, person.id in ready)) for person in persons]
    return sorted(assessed, key=lambda pair: (-pair[1]["occupation"], -pair[1]["met"], -pair[1]["languages"],
                                              not pair[1]["ready"],
                                              -(pair[0].experience_years or 0), fold(pair[0].last_name),
                                              fold(pair[0].first_names), pair[0].id))
