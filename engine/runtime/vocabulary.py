"""The words of a file's version, for pages that show its history: each data field's schema (its label,
its choices with their titles) and each element's name, so that nobody reads keys and element ids.
"""
from sqlalchemy import select

from engine.accounts.access import can_audit, can_read_instance
from engine.accounts.regions import regions
from engine.definitions.catalog import latest_version
from engine.definitions.checks import all_task_specs, user_tasks
from engine.definitions.forms import N_, Choices, expand
from engine.definitions.workflows import version_specs
from engine.store.tables import Instance, ProcessVersion

_CACHE = {}  # versions never change; only the regions' names may
# The data fields that scripts and decision tables set and no form types in (the diagrams' data objects do not
# name them), titled and typed here like a form's fields: their one place. A form's field of the same name wins.
# "region" has no title: pages name it in the reader's language ("Direction régionale"). Titles are marked N_ for
# the translation catalog, like a form's (the web layer translates them when it shows them).
DATA_FIELDS = {
    "region": {"type": "string", "x-reference": "regions"},
    "region_initiateur": {"title": N_("Direction régionale qui a ouvert le dossier"), "type": "string",
                          "x-reference": "regions"},
    "categorie_retour": {"title": N_("Catégorie du retour"), "type": "string",  # retour_migrant.dmn's output
                         "oneOf": [{"const": "volontaire", "title": N_("Retour volontaire ou assisté")},
                                   {"const": "involontaire", "title": N_("Retour involontaire")}]},
    "accompagnement_prioritaire": {"title": N_("Accompagnement prioritaire"), "type": "boolean"},
    "candidats_deja_traites": {"title": N_("Candidats déjà traités pour l'offre"), "type": "array",
                               "items": {"type": "integer", "x-reference": "persons"}},
    "liste_attente": {"title": N_("Liste d'attente"), "type": "array",  # final selection's, passed to departures
                      "items": {"type": "integer", "x-reference": "persons"}},
    "employeur_id": {"title": N_("Employeur au registre (n°)"), "type": "integer"},  # set by the offer's recording
    "remplace": {"title": N_("Candidat remplacé"), "type": "integer", "x-reference": "persons"},
    "cloture_candidatures": {"title": N_("Clôture des candidatures (la dernière des régions)"), "type": "string",
                             "format": "date"},  # preselection's, compared with the tests' date
    "region_des_candidats": {"title": N_("Direction régionale des candidats"), "type": "object", "x-keys": "persons",
                             "additionalProperties": {"type": "string", "x-reference": "regions"}},
}


def vocabularies(uow, actor, instance_ids):
    """{instance_id: {"fields", "forms", "elements"}} of the files asked for that
    the actor may read or audit (the others are left out). Reads forms and diagrams only: nothing is logged.

    `fields` holds the top-level properties of every form of the file's version (the first form that
    declares a key gives its schema), then those of the other procedures' latest forms (the data a file
    was opened with come from another procedure's forms), then the data fields no form types in (DATA_FIELDS),
    `forms` those of each user task's own form by element id
    ({element id: {key: schema}}), `elements` each element's name by its id ("" if it has none); reference lists (regions, countries, languages...) filled in as
    `oneOf` const/title pairs; persons are not listed (a history shows their number, not their name).
    """
    ids = sorted({i for i in instance_ids if i is not None})
    if not ids:
        return {}
    with uow:
        session = uow.session
        names = regions(session)
        result, others = {}, None
        computed = expand(DATA_FIELDS, Choices(regions=dict(names)))
        for instance in session.scalars(select(Instance).where(Instance.id.in_(ids))):
            if can_audit(actor) or can_read_instance(session, actor, instance):
                own = version_vocabulary(instance.version, names)
                others = _latest_fields(session, names) if others is None else others
                # Data a file was opened with come from another procedure's forms: labelled from them.
                result[instance.id] = {**own, "fields": {**computed, **others, **own["fields"]}}
        return result


def version_vocabulary(version, region_names):
    """The fields and element names of one deployed version (cached per version and regions)."""
    key = (version.id, version.checksum, tuple(region_names.items()))
    if key not in _CACHE:
        if len(_CACHE) > 200:
            _CACHE.clear()
        choices = Choices(regions=dict(region_names))
        forms = {filename: _properties(form, choices) for filename, form in sorted(version.forms.items())
                 if filename.endswith(".schema.json") and isinstance(form, dict)}
        fields = {}
        for properties in forms.values():
            for name, prop in properties.items():
                fields.setdefault(name, prop)
        spec, subprocesses = version_specs(version)
        _CACHE[key] = {"fields": fields,
                       "forms": {info.element_id: forms[info.form] for info in user_tasks(spec, subprocesses)
                                 if info.form in forms},
                       "elements": {task_spec.bpmn_id: task_spec.bpmn_name or ""
                                    for task_spec in all_task_specs(spec, subprocesses)
                                    if getattr(task_spec, "bpmn_id", None)}}
    return _CACHE[key]


def _properties(form, choices):
    return expand(form, choices).get("properties", {})


def choice_titles(uow):
    """{code: title} of the choices offered by the forms of each procedure's latest version (the first
    form offering a code gives its title): the words of the codes the business records keep, e.g. a
    reintegration's outcome `entreprise_creee`, for the statistics. Reads forms only."""
    with uow:
        titles = {}
        for prop in _latest_fields(uow.session, regions(uow.session)).values():
            for choice in (prop.get("oneOf") or (prop.get("items") or {}).get("oneOf") or []):
                if isinstance(choice, dict) and "const" in choice and choice.get("title"):
                    titles.setdefault(str(choice["const"]), choice["title"])
        return titles


def _latest_fields(session, region_names):
    """The top-level fields of the forms of each procedure's latest version (the first declaring a key)."""
    fields = {}
    for key in session.scalars(select(ProcessVersion.process_key).distinct().order_by(ProcessVersion.process_key)):
        for name, prop in version_vocabulary(latest_version(session, key), region_names)["fields"].items():
            fields.setdefault(name, prop)
    return fields
