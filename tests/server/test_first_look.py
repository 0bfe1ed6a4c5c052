"""The reproduction of issue 11, held: a fresh `init --demo`, `serve --workers 1`, dcim opens the
first task of the inbox, then a new offer file: its first task page has its form.

Before the fix, opening the task page changed the offer procedure's spec held in memory by the
server process, and the next file of that version opened on a task with no form at all.
"""
from .browse import Person
from .pages import check_task_page, form_names

OFFER = "offre_internationale"


def test_a_new_offer_opened_after_a_task_page_shows_its_form(untouched_one_worker):
    dcim = Person(untouched_one_worker.base, "dcim")
    inbox = dcim.log_in()
    first_task = inbox.local_links("/tasks/")[0]
    check_task_page(dcim, dcim.get(first_task, expect=200), earlier_steps=True)

    files = dcim.get("/instances", expect=200)
    start = dcim.get(f"/processes/{OFFER}/start", expect=200)
    dcim.check(f"/processes/{OFFER}/start" in files.local_links(), "the files page offers no new offer")
    opened = dcim.submit(start, start.form(), [("business_key", "OFF-2026-0901")], expect=200)

    dcim.check(opened.path.startswith("/tasks/"), f"the new offer opened on {opened.path}, not its first task")
    dcim.check(opened.h1 == "Enregistrer l'offre d'emploi", f"first task: {opened.h1!r}")
    form = check_task_page(dcim, opened, earlier_steps=False)
    missing = form_names("offre_enregistrer.schema.json") - set(form.controls)
    dcim.check(not missing, f"the offer's form lacks the fields {sorted(missing)}")
    dcim.check("Manuel, section 7.1, 7.2, 7.4" in " ".join(opened.text.split()), "not the manual's §7.1, 7.2, 7.4")
