"""Every role's day on the real server, over HTTP, as its people work: log in through the form, open
the inbox and every task listed, complete tasks with data like the demo's agents typed, open new
files from the files page, read files with their history, the audit pages, the statistics, the
people, the procedures — several people at once, in orders drawn from fixed seeds.

Each request must answer below 500 and each page be in French; each task page of one's own must
show its form with its fields, its manual section and, once earlier steps were done on the file,
the summary of what they recorded. Run on `serve --workers 2` and on `serve --workers 1`, where
one process sees every request of every person in turn.
"""
import random
import re

import pytest
import requests

from .browse import Person, fill, vocabulary
from .pages import check_task_page

ROLES = ("admin", "proprietaire", "dcim", "conseiller-bamako", "conseiller-kayes", "evaluateur", "cpr", "direction")
# (server, seed): one process seeing every request is where an order of requests can hurt: two days there.
DAYS = [("two_workers", 5), ("one_worker", 3), ("one_worker", 17)]
# References of the files people open, by procedure (unknown procedures get "DOS").
PREFIXES = {"offre_internationale": "OFF", "retour_migrant": "RET", "accompagnement_candidat": "ACC",
            "agences_privees": "AGR"}
# the flash of a completed task: "Tâche « Vérifier l'offre » terminée." (a bare "terminée" also
# matches "Contrat à durée déterminée" in a summary of earlier steps)
DONE = re.compile(r"Tâche « [^»]+ » terminée")
END = object()


@pytest.mark.parametrize(("served_by", "seed"), DAYS)
def test_every_role_works_a_day(served_by, seed, request):
    server = request.getfixturevalue(served_by)
    rng = random.Random(seed)
    tally = {"completed": 0, "task pages": 0, "summaries": 0, "files opened": 0, "requests": 0}
    words = vocabulary(_files(server))
    trail, worked = [], set()  # every request; the files where someone completed a step today
    days = [Day(Person(server.base, username, trail), random.Random(f"{seed}-{username}"), words, tally, seed,
                worked) for username in rng.sample(ROLES, len(ROLES))]
    steps = [day.steps() for day in days]
    log_start = server.log_size()
    while steps:  # several people at once: each request is one person's next step, drawn in turn
        step = rng.choice(steps)
        if next(step, END) is END:
            steps.remove(step)

    log = server.log(log_start)
    assert "Traceback" not in log, f"the server logged an exception:\n{log[-5000:]}"
    tally["requests"] = len(trail)
    assert tally["completed"] >= 8 and tally["files opened"] >= 2 and tally["requests"] > 150, tally
    assert tally["summaries"] >= 10, tally  # task pages where earlier steps were known, and their summary checked


def _files(server):
    """The demo's files with their data, read over the API: what agents type, to type the same."""
    answer = requests.get(server.base + "/api/v1/instances", timeout=60,
                          headers={"Authorization": f"Bearer {server.token('direction')}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


class Day:
    """One person's day: log in, then work and read in an order of their own, a request per step."""

    def __init__(self, person, rng, words, tally, seed, worked):
        self.person, self.rng, self.words, self.tally, self.seed = person, rng, words, tally, seed
        self.earlier = {}  # file path: whether steps were done on it (once true, true for good)
        self.worked = worked

    def steps(self):
        home = self.person.log_in()
        yield
        later = [self.open_new_file, self.read_files]
        later += [lambda section=section: self.read_section(section) for section in home.menu
                  if section not in ("/", "/instances")]  # the inbox and the files have steps of their own
        self.rng.shuffle(later)
        for step in [self.work_inbox] + later + [self.work_inbox]:  # at the end: what others sent meanwhile
            yield from step()

    def work_inbox(self):
        """Open every task of the inbox; complete one or two of them with the page's form."""
        inbox = self.person.get("/", expect=200)
        files = dict(_file_of_each_task(inbox))
        tasks = list(files) or inbox.local_links("/tasks/")
        yield
        self.rng.shuffle(tasks)
        to_complete = set(tasks[:self.rng.choice((1, 2))])
        for task in tasks:
            page = self.task_page(task, files.get(task))
            yield
            if page is not None and task in to_complete:
                self.complete(page)
                yield

    def task_page(self, task, file_path):
        """A task page of one's own, checked (None if the task was closed meanwhile); whether earlier steps
        were done on the file, someone did one today or the file's page says so (a step completed, or the
        file that opened it)."""
        if file_path and not self.earlier.get(file_path):
            text = self.person.get(file_path, expect=200).text
            self.earlier[file_path] = "tâche terminée" in text or "(dossier d'origine)" in text
        earlier = self.earlier.get(file_path, False) or file_path in self.worked
        page = self.person.get(task, expect=200)
        if page.form("task-form") is None and task not in self.person.get("/", expect=200).local_links("/tasks/"):
            return None  # someone else's step closed it since the inbox was read
        self.tally["task pages"] += 1
        self.tally["summaries"] += earlier
        check_task_page(self.person, page, earlier)
        return page

    def complete(self, page):
        """Fill the form as an agent would and send it: it is completed, or refused with the form shown again."""
        form = page.form("task-form")
        answer = self.person.submit(page, form, fill(form, self.words, self.rng))
        if not DONE.search(answer.text):
            self.person.check(answer.status in (409, 422) and answer.form("task-form"),
                              f"the form of {page.path} was neither completed nor shown again ({answer.status})")
            return
        self.tally["completed"] += 1
        self.worked.update(link for link in page.local_links("/instances/") if link.count("/") == 2)
        if answer.path.startswith("/tasks/"):  # the next step is this person's: its page must be whole
            check_task_page(self.person, answer, earlier_steps=True)
            self.tally["summaries"] += 1

    def open_new_file(self):
        """Open a new file of a procedure the files page offers this person, and its first task."""
        files = self.person.get("/instances", expect=200)
        starts = [path for path in files.local_links("/processes/") if path.endswith("/start")]
        yield
        if not starts:
            return
        path = self.rng.choice(starts)
        start = self.person.get(path, expect=200)
        yield
        key = path.split("/")[2]
        reference = f"{PREFIXES.get(key, 'DOS')}-2027-{self.seed:02d}{self.tally['files opened']:02d}"
        opened = self.person.submit(start, start.form(), [("business_key", reference)])
        self.person.check(opened.status == 200 and reference in opened.text,
                          f"{key} {reference} not opened ({opened.status})")
        self.tally["files opened"] += 1
        if opened.path.startswith("/tasks/"):
            check_task_page(self.person, opened, earlier_steps=False)
            self.tally["task pages"] += 1
            yield
            if self.rng.random() < 0.5:
                self.complete(opened)
                yield

    def read_files(self):
        """The files page, some files with their history, and the tasks they list (one's own are checked)."""
        files = self.person.get("/instances", expect=200)
        yield
        listed = files.local_links("/instances/")
        for path in self.rng.sample(listed, min(2, len(listed))):
            file_page = self.person.get(path, expect=200)
            yield
            for task in file_page.local_links("/tasks/")[:1]:
                page = self.person.get(task)
                if page.status == 200 and page.form("task-form"):
                    check_task_page(self.person, page, earlier_steps=False)
                    self.tally["task pages"] += 1
                yield

    def read_section(self, section):
        """A section of the menu (statistics, audit, people, procedures...), and a few pages it links to."""
        page = self.person.get(section)
        yield
        prefix = "/" + section.strip("/").split("/")[0]
        links = [link for link in page.local_links(prefix) if link != section]
        for link in self.rng.sample(links, min(2, len(links))):
            self.person.get(link)
            yield


def _file_of_each_task(inbox):
    """(task path, file path) of the rows of an inbox: each row links its task, then its file."""
    links = inbox.local_links()
    for index, path in enumerate(links[:-1]):
        if path.startswith("/tasks/") and links[index + 1].startswith("/instances/"):
            yield path, links[index + 1]
