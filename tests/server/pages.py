"""What every task page owes its reader, checked on a page of the real server."""
import json
import re
from pathlib import Path

FORMS = Path(__file__).resolve().parent.parent.parent / "forms"
EARLIER = ("Le dossier jusqu'ici", "L'offre d'emploi")  # the summaries of what earlier steps recorded


def check_task_page(person, page, earlier_steps):
    """The task page shows its form with its fields, its manual section, and when `earlier_steps`
    were done on the file, the summary of what they recorded."""
    where = f"task page {page.path} ({page.h1!r})"
    person.check(page.status == 200 and page.h1, f"{where}: no task page ({page.status})")
    form = page.form("task-form")
    person.check(form is not None, f"{where} shows no form")
    fields = [name for name, control in form.controls.items() if control.kind != "hidden"]
    person.check(fields, f"{where}: its form has no field")
    section = re.search(r"Manuel, section\s+([^<·]+)", page.text)
    person.check(section and section.group(1).strip() not in ("", "—"), f"{where} names no manual section")
    if earlier_steps:
        person.check(any(summary in EARLIER for summary in page.summaries),
                     f"{where} has no summary of the earlier steps (summaries: {page.summaries})")
    return form


def form_names(form_file):
    """The names of the controls a form of forms/ renders: its properties, dotted inside groups."""
    def names(schema, prefix=""):
        for name, prop in schema.get("properties", {}).items():
            if prop.get("type") == "object":
                yield from names(prop, f"{prefix}{name}.")
            else:
                yield prefix + name
    return set(names(json.loads((FORMS / form_file).read_text(encoding="utf-8"))))
