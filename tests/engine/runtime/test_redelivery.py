"""A message or signal a file failed to catch is not lost: retrying the file hands it over again.

Also the other side: a step that should open another procedure and fails (the procedure is not
deployed yet) opens it when the file is retried.
"""
from conftest import DCIM, actor
from offer_flow import history, kinds
from sqlalchemy import select
from tiny_diagrams import chain, process, script_element

from engine.authoring.deploy import deploy
from engine.authoring.migration import migrate_instance
from engine.runtime import inbound, instances
from engine.store.tables import Instance

ADMIN = actor("admin", "admin")
OWNER = actor("proprietaire", "proprietaire")

# The message 'demande' correlates on `numero_offre`, read from its content by `expression`.
_CORRELATION = """<bpmn:message id="demande" name="demande" />
<bpmn:correlationProperty id="numero_offre" name="numero_offre">
  <bpmn:correlationPropertyRetrievalExpression messageRef="demande">
    <bpmn:messagePath>{expression}</bpmn:messagePath>
  </bpmn:correlationPropertyRetrievalExpression>
</bpmn:correlationProperty>"""
_CAUGHT = ('<bpmn:messageEventDefinition messageRef="demande"><bpmn:extensionElements>'
           '<spiffworkflow:messageVariable>recu</spiffworkflow:messageVariable></bpmn:extensionElements>'
           '</bpmn:messageEventDefinition>')


def _opened_by_message(expression):
    """'suite': opened by the message 'demande' (its content in `recu`), then a script, then the end."""
    body = (f'<bpmn:startEvent id="debut">{_CAUGHT}</bpmn:startEvent>' + script_element("noter", "vu = 1")
            + '<bpmn:endEvent id="fin"/><bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="noter"/>'
            + '<bpmn:sequenceFlow id="f2" sourceRef="noter" targetRef="fin"/>')
    return process(body, process_id="suite", before=_CORRELATION.format(expression=expression))


def _waiting_for_message(expression):
    """'attente': waits for the message 'demande' (its content in `recu`), then ends."""
    return process(chain(("attendre", f'<bpmn:intermediateCatchEvent id="attendre">{_CAUGHT}'
                                      '</bpmn:intermediateCatchEvent>')),
                   process_id="attente", before=_CORRELATION.format(expression=expression))


def _opener(target="suite"):
    """'envoi': a service task opens the procedure `target` for the file's reference."""
    service = ('<bpmn:serviceTask id="ouvrir"><bpmn:extensionElements>'
               '<spiffworkflow:serviceTaskOperator id="demarrer_procedure"><spiffworkflow:parameters>'
               f'<spiffworkflow:parameter id="processus" type="str" value="\'{target}\'"/>'
               '<spiffworkflow:parameter id="reference" type="str" value="reference_dossier"/>'
               '<spiffworkflow:parameter id="donnees" type="dict" value="{}"/>'
               '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>'
               '</bpmn:serviceTask>')
    return process(chain(("ouvrir", service)), process_id="envoi")


def _file_of(uow, process_key):
    with uow:
        return uow.session.scalars(select(Instance.id).where(Instance.process_key == process_key)).one()


def test_a_start_message_the_opened_file_failed_to_catch_is_caught_again_on_retry(uow):
    # The correlation reads `numero_offre` from the content, which demarrer_procedure does not send.
    deploy(uow, {"suite.bpmn": _opened_by_message("numero_offre"), "envoi.bpmn": _opener()}, "admin")
    sender = instances.start_instance(uow, DCIM, "envoi", "OFF-1")
    opened = instances.get_instance(uow, ADMIN, _file_of(uow, "suite"))
    assert (opened["status"], opened["error"]["element_id"]) == ("error", "debut")
    assert "numero_offre" in opened["error"]["message"]

    # Not fixed: it fails again, and the message is still kept for the next retry.
    assert instances.retry_instance(uow, ADMIN, opened["id"])["status"] == "error"
    deploy(uow, {"suite.bpmn": _opened_by_message("'sans numéro'")}, "admin")
    migrate_instance(uow, OWNER, opened["id"])
    retried = instances.retry_instance(uow, ADMIN, opened["id"])

    assert retried["status"] == "completed" and retried["data"]["vu"] == 1
    assert kinds(history(uow, opened["id"]))[-3:] == [
        ("instance_retried", "debut"), ("message_received", "debut"), ("instance_completed", "fin")]
    [received] = [e for e in history(uow, opened["id"]) if e["kind"] == "message_received"]
    assert (received["details"]["sender_id"], received["details"]["name"]) == (sender["id"], "demande")


def test_a_message_a_waiting_file_failed_to_catch_is_caught_again_on_retry(uow):
    deploy(uow, {"attente.bpmn": _waiting_for_message("numero_offre")}, "admin")
    waiting = instances.start_instance(uow, DCIM, "attente", "OFF-2")
    # Sent by its key, without the correlation's field in its content: the catch fails.
    answer = inbound.send_message(uow, ADMIN, "demande", business_key="OFF-2", payload={"poste": "soudeur"})
    assert answer == {"delivered_to": [waiting["id"]], "started": []}  # reached, not lost as unmatched
    failed = instances.get_instance(uow, ADMIN, waiting["id"])
    assert (failed["status"], failed["error"]["element_id"]) == ("error", "attendre")

    deploy(uow, {"attente.bpmn": _waiting_for_message("poste")}, "admin")
    migrate_instance(uow, OWNER, waiting["id"])
    retried = instances.retry_instance(uow, ADMIN, waiting["id"])

    assert retried["status"] == "completed" and retried["data"]["recu"] == {"poste": "soudeur"}
    assert kinds(history(uow, waiting["id"]))[-3:] == [
        ("instance_retried", "attendre"), ("message_received", "attendre"), ("instance_completed", "fin")]


def test_a_procedure_not_deployed_yet_is_opened_when_the_file_is_retried(uow):
    deploy(uow, {"envoi.bpmn": _opener("suite")}, "admin")
    sender = instances.start_instance(uow, DCIM, "envoi", "OFF-3")
    assert (sender["status"], sender["error"]["element_id"]) == ("error", "ouvrir")
    assert "suite" in sender["error"]["message"]

    deploy(uow, {"suite.bpmn": _opened_by_message("'sans numéro'")}, "admin")
    assert instances.retry_instance(uow, DCIM, sender["id"])["status"] == "completed"
    opened = instances.get_instance(uow, ADMIN, _file_of(uow, "suite"), with_history=True)
    assert (opened["status"], opened["business_key"], opened["parent_id"]) == ("completed", "OFF-3", sender["id"])
    assert [e["kind"] for e in opened["history"]][:2] == ["instance_started", "message_received"]
