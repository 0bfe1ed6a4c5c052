"""Moving running instances to a newer version: accepted when safe, refused with the reason otherwise."""
import pytest
from conftest import DCIM, actor
from offer_flow import complete, history, snapshot, task_rows
from sqlalchemy import select
from tiny_diagrams import SALARY_FORM, SALARY_FORM_TEXT, salary_diagram

from engine.authoring import migration, versions
from engine.authoring.deploy import deploy
from engine.errors import Conflict, Forbidden
from engine.runtime import instances
from engine.store.tables import Instance, Timer

OWNER = actor("proprietaire", "proprietaire")
FORM = "etape.schema.json"
FORM_TEXT = b'{"type": "object", "properties": {"note": {"type": "string"}}}'
PROCESS = "deux_etapes"


def two_steps(first="Recevoir le dossier", second="Examiner le dossier", second_due="P5D", boundary=""):
    """DCIM: start → 'recevoir' → 'examiner' (due `second_due`, optional boundary timer) → end."""
    def task(element_id, name, incoming, outgoing, due=""):
        due_prop = f'<spiffworkflow:property name="dueIn" value="{due}" />' if due else ""
        return f"""<bpmn:userTask id="{element_id}" name="{name}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="{FORM}" />{due_prop}
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>
    </bpmn:userTask>"""
    nodes = ["debut", "recevoir", "examiner", "fin"] + (["relance", "fin_relance"] if boundary else [])
    timer = f"""<bpmn:boundaryEvent id="relance" attachedToRef="examiner" cancelActivity="true">
      <bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>"{boundary}"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="fin_relance"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="relance" targetRef="fin_relance" />""" if boundary else ""
    return {f"{PROCESS}.bpmn": f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="definitions_deux" targetNamespace="http://anpe.ml/djoliba/tests">
  <bpmn:process id="{PROCESS}" name="Deux étapes" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="couloir" name="DCIM">
      {"".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)}
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {task("recevoir", first, "f1", "f2")}
    {task("examiner", second, "f2", "f3", second_due)}
    <bpmn:endEvent id="fin"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="recevoir" />
    <bpmn:sequenceFlow id="f2" sourceRef="recevoir" targetRef="examiner" />
    <bpmn:sequenceFlow id="f3" sourceRef="examiner" targetRef="fin" />
    {timer}
  </bpmn:process>
</bpmn:definitions>""".encode(), FORM: FORM_TEXT}


def at_second_step(uow, files, business_key="DOS-1"):
    """Deploy `files` as version 1, start an instance and complete its first step."""
    deploy(uow, files, "proprietaire")
    started = instances.start_instance(uow, DCIM, PROCESS, business_key)
    complete(uow, DCIM, started["id"], "recevoir", {"note": "reçu"})
    return started["id"]


def lock_version(uow, instance_id):
    with uow:
        return uow.session.get(Instance, instance_id).lock_version


def test_a_change_ahead_of_the_instance_is_migrated_and_a_new_start_uses_the_new_version(uow):
    instance_id = at_second_step(uow, two_steps())
    [row_before] = [r for r in task_rows(uow, instance_id) if r["state"] == "ready"]
    lock_before = lock_version(uow, instance_id)
    assert deploy(uow, two_steps(second="Examiner le dossier complet", second_due="P3D"), "proprietaire")[0][
        "version"] == 2

    plan = migration.check_migration(uow, OWNER, instance_id)
    assert (plan["from"], plan["to"], plan["possible"], plan["reasons"]) == (1, 2, True, [])
    migrated = migration.migrate_instance(uow, OWNER, instance_id)

    assert migrated["version"] == 2
    [task] = migrated["tasks"]
    assert (task["id"], task["title"]) == (row_before["id"], "Examiner le dossier complet")
    assert lock_version(uow, instance_id) > lock_before
    [event] = [e for e in history(uow, instance_id) if e["kind"] == "instance_migrated"]
    assert (event["actor"], event["details"]["from"], event["details"]["to"]) == ("proprietaire", 1, 2)
    done = complete(uow, DCIM, instance_id, "examiner", {"note": "vu"})
    assert (done["status"], done["version"]) == ("completed", 2)


def test_running_instances_stay_on_their_version_until_migrated(uow):
    old_id = at_second_step(uow, two_steps())
    deploy(uow, two_steps(second="Examiner à nouveau"), "proprietaire")
    new = instances.start_instance(uow, DCIM, PROCESS, "DOS-2")
    assert new["version"] == 2
    assert instances.get_instance(uow, DCIM, old_id)["version"] == 1
    listed = {v["version"]: v["instances"] for v in versions.list_versions(uow, PROCESS)}
    assert listed == {2: {"running": 1}, 1: {"running": 1}}


def test_a_change_to_a_completed_step_is_refused_with_the_reason_and_nothing_changes(uow):
    instance_id = at_second_step(uow, two_steps())
    deploy(uow, two_steps(first="Recevoir et enregistrer le dossier"), "proprietaire")
    before = snapshot(uow, instance_id)

    plan = migration.check_migration(uow, OWNER, instance_id)
    assert (plan["possible"], plan["reasons"]) == (False, [{"code": "completed_changed", "element_id": "recevoir"}])
    with pytest.raises(Conflict) as refused:
        migration.migrate_instance(uow, OWNER, instance_id)
    assert refused.value.params["reason"] == "migration_refused"
    assert refused.value.params["reasons"] == plan["reasons"]
    assert snapshot(uow, instance_id) == before


def test_removing_the_step_an_instance_stands_on_is_refused(uow):
    instance_id = at_second_step(uow, two_steps())
    files = two_steps()
    text = files[f"{PROCESS}.bpmn"].decode()
    start, end = text.index('<bpmn:userTask id="examiner"'), text.index("</bpmn:userTask>", text.index(
        '<bpmn:userTask id="examiner"')) + len("</bpmn:userTask>")
    text = (text[:start] + text[end:]).replace('targetRef="examiner"', 'targetRef="fin"').replace(
        '<bpmn:sequenceFlow id="f3" sourceRef="examiner" targetRef="fin" />', "").replace(
        "<bpmn:incoming>f3</bpmn:incoming>", "<bpmn:incoming>f2</bpmn:incoming>").replace(
        "<bpmn:flowNodeRef>examiner</bpmn:flowNodeRef>", "")
    deploy(uow, {**files, f"{PROCESS}.bpmn": text.encode()}, "proprietaire")
    reasons = migration.check_migration(uow, OWNER, instance_id)["reasons"]
    assert {"code": "current_removed", "element_id": "examiner"} in reasons
    assert {"code": "completed_changed", "element_id": "recevoir"} in reasons


def test_finished_instances_and_older_targets_are_refused(uow):
    instance_id = at_second_step(uow, two_steps())
    deploy(uow, two_steps(second="Examiner encore"), "proprietaire")
    assert migration.check_migration(uow, OWNER, instance_id, to_version=1)["reasons"] == \
        [{"code": "not_newer", "element_id": None}]
    complete(uow, DCIM, instance_id, "examiner", {"note": "fini"})
    assert migration.check_migration(uow, OWNER, instance_id)["reasons"] == [{"code": "finished", "element_id": None}]


def test_a_waiting_timer_keeps_its_due_date_through_a_migration(uow):
    instance_id = at_second_step(uow, two_steps(boundary="P2D"))

    def bpmn_timers():
        with uow:
            return [(t.element_id, t.due_at, t.status) for t in uow.session.scalars(
                select(Timer).where(Timer.instance_id == instance_id, Timer.kind == "bpmn"))]
    before = bpmn_timers()
    assert [(e, s) for e, _d, s in before] == [("relance", "pending")]
    deploy(uow, two_steps(second="Examiner vite", boundary="P2D"), "proprietaire")
    migration.migrate_instance(uow, OWNER, instance_id)
    assert bpmn_timers() == before


def test_an_instance_stuck_on_a_broken_script_is_repaired_by_a_fixed_version(uow):
    files = {"salaire.bpmn": salary_diagram("salaire_mensuel = salaire_annuel / nombre_mois"),
             SALARY_FORM: SALARY_FORM_TEXT}
    deploy(uow, files, "proprietaire")
    started = instances.start_instance(uow, DCIM, "conversion_salaire", "SAL-1")
    failed = complete(uow, DCIM, started["id"], "saisir_salaire", {"salaire_annuel": 1200000, "nombre_mois": 0})
    assert (failed["status"], failed["error"]["element_id"]) == ("error", "calculer_salaire_mensuel")

    fixed = salary_diagram("salaire_mensuel = salaire_annuel / nombre_mois if nombre_mois else salaire_annuel / 12")
    deploy(uow, {**files, "salaire.bpmn": fixed}, "proprietaire")
    migrated = migration.migrate_instance(uow, OWNER, started["id"])
    assert (migrated["version"], migrated["status"]) == (2, "error")
    repaired = instances.retry_instance(uow, OWNER, started["id"])

    assert (repaired["status"], repaired["data"]["salaire_mensuel"]) == ("completed", 100000)
    kinds = [e["kind"] for e in history(uow, started["id"])]
    assert kinds.index("error") < kinds.index("instance_migrated") < kinds.index("instance_retried")


def test_migrating_every_instance_of_a_version_reports_each_one(uow):
    moving = at_second_step(uow, two_steps(), "DOS-1")
    staying = instances.start_instance(uow, DCIM, PROCESS, "DOS-2")["id"]  # still on 'recevoir'
    deploy(uow, two_steps(first="Recevoir (nouvelle version)"), "proprietaire")
    outcomes = migration.migrate_instances(uow, OWNER, PROCESS, 1)
    assert [(o["instance_id"], o["migrated"]) for o in outcomes] == [(moving, False), (staying, True)]
    assert outcomes[0]["reasons"] == [{"code": "completed_changed", "element_id": "recevoir"}]
    assert instances.get_instance(uow, DCIM, staying)["tasks"][0]["title"] == "Recevoir (nouvelle version)"


def test_only_process_owners_migrate(uow):
    instance_id = at_second_step(uow, two_steps())
    with pytest.raises(Forbidden):
        migration.migrate_instance(uow, DCIM, instance_id)


def test_the_difference_between_two_versions_lists_elements_added_removed_and_changed(uow):
    deploy(uow, two_steps(), "proprietaire")
    deploy(uow, two_steps(second="Examiner le dossier complet", second_due="P3D", boundary="P2D"), "proprietaire")
    diff = versions.diff_versions(uow, PROCESS, 1, 2)
    assert [e["id"] for e in diff["added"]] == ["fin_relance", "relance"]
    assert diff["removed"] == []
    [changed] = [c for c in diff["changed"] if c["id"] == "examiner"]
    assert {"name", "property:dueIn"} <= set(changed["fields"])
    assert diff["forms"] == {"added": [], "removed": [], "changed": []}
