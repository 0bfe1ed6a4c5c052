"""What an administrator does to a file stopped in error by missing data, and how tests see its failed elements."""
from SpiffWorkflow.util.task import TaskState

from engine.definitions.workflows import load_workflow, state_of
from engine.store.tables import Instance


def failed_elements(uow, instance_id):
    """The element ids of the instance's tasks in ERROR, sorted."""
    with uow:
        instance = uow.session.get(Instance, instance_id)
        workflow = load_workflow(instance.version, instance.state)
        return sorted({t.task_spec.bpmn_id or t.task_spec.name for t in workflow.get_tasks(state=TaskState.ERROR)})


def supply(uow, instance_id, **data):
    """Add the missing `data` to the failed tasks' data (no use case does this: it is done in the database)."""
    with uow:
        instance = uow.session.get(Instance, instance_id)
        workflow = load_workflow(instance.version, instance.state)
        for task in workflow.get_tasks(state=TaskState.ERROR):
            task.data.update(data)
        instance.state = state_of(workflow)
        uow.commit()
