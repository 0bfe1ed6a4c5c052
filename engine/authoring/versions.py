"""Deployed versions of a process: who deployed what and when, and what changed between two."""
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from sqlalchemy import func, select

from engine.definitions.workflows import SERIALIZER, version_specs
from engine.errors import NotFound
from engine.store.tables import Instance, ProcessVersion, as_utc

# Serialized attributes that say nothing a reader can act on.
_IGNORED = {"manual", "lookahead", "description", "bpmn_id", "name"}


def list_versions(uow, process_key):
    """Every version of a process, newest first, with its instances counted by status.

    Raises NotFound when the process was never deployed.
    """
    with uow:
        session = uow.session
        versions = session.scalars(select(ProcessVersion).where(ProcessVersion.process_key == process_key)
                                   .order_by(ProcessVersion.version.desc())).all()
        if not versions:
            raise NotFound(f"no deployed process '{process_key}'", process_key=process_key)
        counts = {}
        query = (select(Instance.process_version_id, Instance.status, func.count())
                 .where(Instance.process_key == process_key).group_by(Instance.process_version_id, Instance.status))
        for version_id, status, count in session.execute(query):
            counts.setdefault(version_id, {})[status] = count
        return [{"process_key": v.process_key, "version": v.version, "name": v.name, "checksum": v.checksum,
                 "deployed_by": v.deployed_by, "deployed_at": as_utc(v.deployed_at).isoformat(),
                 "files": sorted([*v.sources, *v.forms]), "instances": counts.get(v.id, {})} for v in versions]


def get_version(session, process_key, number):
    """One version row; NotFound if it does not exist."""
    version = session.scalars(select(ProcessVersion).where(ProcessVersion.process_key == process_key,
                                                           ProcessVersion.version == number)).first()
    if version is None:
        raise NotFound(f"no version {number} of '{process_key}'", process_key=process_key)
    return version


def diff_versions(uow, process_key, old, new):
    """What changed from version `old` to version `new` of a process, element by element.

    Returns `{"from", "to", "added", "removed", "changed", "forms"}`: elements as
    `{"id", "name", "type"}`, changed ones with `fields` (what changed: `name`,
    `lane`, `script`, `conditions`, `outputs`, `property:dueIn`...), forms as
    `{"added", "removed", "changed"}` lists of file names. Elements are matched by
    id (and, for a renamed id, by their place in the flow, as SpiffWorkflow does).
    """
    with uow:
        before = get_version(uow.session, process_key, old)
        after = get_version(uow.session, process_key, new)
        (spec_a, subs_a), (spec_b, subs_b) = version_specs(before), version_specs(after)
        result = {"from": old, "to": new, "added": [], "removed": [], "changed": [], "forms": _forms(before, after)}
        pairs = [(spec_a, spec_b)] + [(subs_a[name], subs_b[name]) for name in subs_a if name in subs_b]
        for original, updated in pairs:
            diff = SpecDiff(SERIALIZER.registry, original, updated)
            result["added"] += [_element(ts) for ts in diff.added if ts.bpmn_id]
            result["removed"] += [_element(ts) for ts in diff.removed if ts.bpmn_id]
            result["changed"] += [{**_element(ts), "fields": _fields(ts, diff.alignment[ts], fields)}
                                  for ts, fields in diff.changed.items() if ts.bpmn_id]
        result["changed"] = [c for c in result["changed"] if c["fields"]]
        for key in ("added", "removed", "changed"):
            result[key].sort(key=lambda e: e["id"])
        return result


def _element(task_spec):
    return {"id": task_spec.bpmn_id, "name": task_spec.bpmn_name or "", "type": type(task_spec).__name__}


def _fields(old, new, fields):
    """Readable names of what changed; extension properties one by one."""
    result = []
    for field in fields:
        if field == "extensions":
            result += _extension_fields(old.extensions or {}, new.extensions or {})
        elif field == "bpmn_name":
            result.append("name")
        elif field == "cond_task_specs":
            result.append("conditions")
        elif field not in _IGNORED:
            result.append(field)
    return sorted(set(result))


def _extension_fields(old, new):
    changed = []
    old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
    changed += [f"property:{name}" for name in sorted(set(old_props) | set(new_props))
                if old_props.get(name) != new_props.get(name)]
    changed += [key for key in sorted((set(old) | set(new)) - {"properties"}) if old.get(key) != new.get(key)]
    return changed


def _forms(before, after):
    a, b = before.forms, after.forms
    return {"added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b)),
            "changed": sorted(name for name in set(a) & set(b) if a[name] != b[name])}
