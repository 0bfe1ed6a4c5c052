"""Proposing candidates from the pool: from a task recording an offer's candidatures, the region's persons
ranked against the offer, each with why it matches and what it lacks in plain words; the counsellor ticks
whom to invite (engine.runtime.pool). Plain HTML forms, no JavaScript."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from engine.errors import ValidationFailed
from engine.people.registry import SCHEMA
from engine.runtime import pool
from web.auth import login_required
from web.display import language, occupation
from web.form_text import text as form_text
from web.labels import region_name
from web.store import uow

bp = Blueprint("pool", __name__)

_EDUCATION = {o["const"]: o["title"] for o in SCHEMA["properties"]["niveau_etudes"]["oneOf"]}
_AVAILABILITY = {o["const"]: o["title"] for o in SCHEMA["properties"]["disponibilite"]["oneOf"]}


def _education(code):
    """A level of education by the person form's title, in the reader's language."""
    return form_text(_EDUCATION[code])


@bp.get("/tasks/<task_id>/vivier")
@login_required
def propose(task_id):
    page = request.args.get("page", "1")
    everyone = request.args.get("tous") == "1"
    found = pool.proposals(uow(), g.actor, task_id, page=int(page) if page.isdigit() and len(page) < 7 else 1,
                           everyone=everyone)
    return render_template("people/pool.html", found=found, wanted=_wanted(found["requirements"], found["offer"]["data"]),
                           candidates=[_worded(c) for c in found["candidates"]])


@bp.post("/tasks/<task_id>/vivier")
@login_required
def invite(task_id):
    chosen = [int(v) for v in request.form.getlist("personnes") if v.isdigit() and len(v) < 10]
    try:
        done = pool.invite(uow(), g.actor, task_id, chosen)
    except ValidationFailed as refused:
        code = refused.errors[0].code
        flash(_("Cochez au moins une personne à inviter, parmi celles de la liste.") if code == "required" else
              _("Invitez au plus %(limit)d personnes à la fois.", limit=pool.MAX_INVITED) if code == "maxItems" else
              _("Seules les personnes inscrites dans la région de cette présélection peuvent y être invitées."),
              "error")
        return redirect(url_for("pool.propose", task_id=task_id, page=request.form.get("page") or None,
                                tous=request.form.get("tous") or None))
    if done["invited"]:
        flash(ngettext("%(num)d personne invitée : sa candidature est enregistrée avec le mode « ciblage dans le "
                       "vivier » et cochée dans le formulaire ci-dessous. Vous pouvez encore la décocher avant de "
                       "terminer la tâche.",
                       "%(num)d personnes invitées : leurs candidatures sont enregistrées avec le mode « ciblage "
                       "dans le vivier » et cochées dans le formulaire ci-dessous. Vous pouvez encore en décocher "
                       "avant de terminer la tâche.", len(done["invited"])), "success")
    if done["already"]:
        flash(ngettext("%(num)d personne était déjà candidate à cette offre : rien n'a changé pour elle.",
                       "%(num)d personnes étaient déjà candidates à cette offre : rien n'a changé pour elles.",
                       len(done["already"])), "info")
    return redirect(url_for("tasks.show", task_id=task_id))


def _wanted(wanted, offer_words=None):
    """What the offer asks, in words, one line per requirement it states (`offer_words`: its post in words)."""
    lines = []
    if wanted["metier_citp"]:
        lines.append(_("Métier : %(occupation)s (ou, à défaut, un métier du groupe %(group)s)",
                       occupation=occupation(wanted["metier_citp"]), group=wanted["metier_citp"][:3]))
    else:
        lines.append(_("Métier : l'offre n'a pas de code CITP-08 (« %(words)s ») ; la liste montre tout le vivier "
                       "de la région, sans critère de métier", words=(offer_words or {}).get("metier") or "—"))
    if wanted["langues"]:
        lines.append(_("Langues : %(languages)s", languages=", ".join(language(c) for c in wanted["langues"])))
    if wanted["experience"]:
        lines.append(ngettext("Expérience : au moins %(num)d an", "Expérience : au moins %(num)d ans",
                              wanted["experience"]))
    if wanted["niveau_etudes"]:
        lines.append(_("Niveau d'études : au moins %(level)s", level=_education(wanted["niveau_etudes"])))
    lines.append(_("Région : %(region)s", region=region_name(wanted["region"])))
    return lines


def _worded(candidate):
    return {**candidate, "reasons": [_reason(code, params) for code, params in candidate["reasons"]],
            "lacks": [_lack(code, params) for code, params in candidate["lacks"]]}


def _reason(code, p):
    if code == "metier_exerce":
        return _("exerce le métier demandé (%(occupation)s)", occupation=occupation(p["code"]))
    if code == "metier_recherche":
        return _("cherche le métier demandé (%(occupation)s)", occupation=occupation(p["code"]))
    if code == "metier_voisin":
        return _("métier du même groupe %(group)s : %(occupation)s", group=p["groupe"], occupation=occupation(p["code"]))
    if code == "langue":
        return _("langue parlée : %(language)s", language=language(p["code"]))
    if code == "experience":
        return ngettext("%(num)d an d'expérience ; l'offre en demande %(asked)d",
                        "%(num)d ans d'expérience ; l'offre en demande %(asked)d", p["annees"], asked=p["demande"])
    if code == "etudes":
        return _("niveau d'études suffisant : %(level)s", level=_education(p["niveau"]))
    if code == "region":
        return _("inscrit dans la région de la présélection (%(region)s)", region=region_name(p["region"]))
    if code == "pret_pour_offres":
        return _("accompagnement conclu : prêt pour les offres")
    if code == "disponibilite":
        return form_text(_AVAILABILITY[p["code"]]).lower() if p["code"] in _AVAILABILITY else p["code"]
    return code


def _lack(code, p):
    if code == "pas_le_metier":
        return _("pas exactement le métier demandé (%(occupation)s)", occupation=occupation(p["code"]))
    if code == "autre_metier":
        return _("autre métier : %(occupation)s", occupation=occupation(p["code"])) if p["code"] else \
            _("métier exercé non renseigné")
    if code == "langue_manquante":
        return _("langue demandée absente de sa fiche : %(language)s", language=language(p["code"]))
    if code == "experience_inconnue":
        return _("années d'expérience non renseignées")
    if code == "experience_courte":
        return ngettext("seulement %(num)d an d'expérience ; l'offre en demande %(asked)d",
                        "seulement %(num)d ans d'expérience ; l'offre en demande %(asked)d", p["annees"],
                        asked=p["demande"])
    if code == "etudes_inconnues":
        return _("niveau d'études non renseigné")
    if code == "etudes_insuffisantes":
        return _("niveau d'études %(level)s, en dessous de celui demandé", level=_education(p["niveau"]))
    if code == "autre_region":
        return _("inscrit dans une autre région (%(region)s)", region=region_name(p["region"]))
    return code
