"""A pool of several hundred registered persons whose fields follow a rule, so that tests can say in Python
who a search or a ranking must find, and the offer they are matched against."""
from engine.people.registry import AVAILABILITY

SIZE = 320
OCCUPATIONS = ("7112", "7114", "7111", "9211", "5120", "7231", "7114")  # masons, concrete placers, builders...
EDUCATION = ("aucun", "fondamental", "secondaire", "superieur")
LAST = ("Keïta", "Traoré", "Diarra", "Coulibaly", "Sangaré", "Dembélé", "Sidibé", "Konaté", "Maïga", "Touré")
FIRST = ("Moussa", "Awa", "Sékou", "Fanta", "Adama", "Mariam", "Ibrahim")


def spec(i):
    """The fields of the pool's `i`-th person, plain (what a test compares with): in each region, every field
    goes through its values with its own period (7, 3, 5, 4, 9...), so that they combine in many ways."""
    j = i // 2
    return {"i": i, "region": ("bamako", "kayes")[i % 2], "code": OCCUPATIONS[j % 7],
            "langues": ["bam"] + (["fra"] if j % 3 else []), "experience": 2 * (j % 5),
            "disponibilite": AVAILABILITY[j % 4], "niveau": EDUCATION[(j // 9) % 4],
            "competences": "Coffrage et ferraillage sur chantiers" if j % 11 == 0 else "Travaux divers",
            "nom": LAST[i % 10], "prenoms": f"{FIRST[i % 7]} {_word(i)}"}


def _word(i):
    """A second first name, different for each person (so that no two look like the same person)."""
    letters = "bcdfgklmnst"
    return "".join(letters[int(d)] for d in str(i)).capitalize() + "a"


def registration(i):
    s = spec(i)
    return {"nom": s["nom"], "prenoms": s["prenoms"], "sexe": "FM"[i % 2], "region": s["region"],
            "date_naissance": f"{1975 + i % 25}-{i % 12 + 1:02d}-{i % 28 + 1:02d}", "niveau_etudes": s["niveau"],
            "metier": "Maçon" if s["code"].startswith("711") else "Autre métier", "profession": s["code"],
            "metiers_recherches": [s["code"]], "langues": s["langues"], "annees_experience": s["experience"],
            "disponibilite": s["disponibilite"], "competences": s["competences"], "consentement": True}


def mason_offer(record):
    """The offer's record (`record`: a valid one) asking for concrete placers (7114) speaking French, with three
    years of experience and a secondary education."""
    return {**record, "metier": "Maçon coffreur", "metier_citp": "7114", "langues_requises": ["fra"],
            "experience_minimale_annees": 3, "niveau_etudes_requis": "secondaire"}
