"""The roles of the agency and how diagram lanes name them."""
import unicodedata

ROLES = {
    "proprietaire": "Propriétaire de procédure",
    "dcim": "DCIM (Coopération internationale et migration)",
    "conseiller": "Direction régionale (conseiller)",
    "evaluateur": "Évaluateur",
    "cpr": "Centre de formation",
    "chef": "Chef de service ou directeur régional (reçoit les escalades)",
    "direction": "Direction (audit et statistiques)",
    "admin": "Administrateur",
}

# Roles whose members work only on their own region's files.
REGIONAL_ROLES = {"conseiller"}

# Roles that may read every instance and its history.
OVERSIGHT_ROLES = {"direction", "proprietaire", "admin"}

# Roles that may read the audit trail (every event, timelines, exports).
AUDIT_ROLES = {"direction", "admin"}

_LANE_ALIASES = {
    "dcim": "dcim",
    "direction regionale": "conseiller",
    "directions regionales": "conseiller",
    "conseiller": "conseiller",
    "agence regionale": "conseiller",
    "evaluateur": "evaluateur",
    "evaluateurs": "evaluateur",
    "centre de formation": "cpr",
    "cpr": "cpr",
    "proprietaire": "proprietaire",
    "direction": "direction",
}


def _normalize(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def role_for_lane(lane_name):
    """Return the role code a lane stands for, or None when the lane names no known role."""
    return _LANE_ALIASES.get(_normalize(lane_name))

# Roles that work on every file of the agency, whatever its region.
CENTRAL_ROLES = {"dcim"}
