"""The construct corpus: each construct the engine runs ends in Djoliba as in bare SpiffWorkflow (same outcome,
path and data, given the same data and events); each one it does not run is refused at deploy; the README
lists both as the corpus does."""
import re
from pathlib import Path

import pytest
from construct_diagrams import CONSTRUCTS, REFUSED
from side_by_side import run_both

from engine.authoring.deploy import check

README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.mark.parametrize("key", CONSTRUCTS)
def test_the_construct_runs_as_in_spiffworkflow(uow, key):
    construct = CONSTRUCTS[key]
    djoliba, bare, _instance_id = run_both(uow, construct.files, construct.pid, construct.data, construct.steps,
                                           construct.ordered)
    assert djoliba == bare


@pytest.mark.parametrize("label", REFUSED)
def test_what_the_engine_does_not_run_as_drawn_is_refused_at_deploy(label):
    for files, element_id, reason in REFUSED[label]:
        problems = check(files)
        assert [(p.element_id, p.message[:len(reason)]) for p in problems if p.element_id == element_id] == \
            [(element_id, reason)]


def _bullets(text, heading):
    """The first line of each item of the list that follows `heading` in the README."""
    section = text.split(heading, 1)[1].split("\n\n", 2)[1]
    return {re.sub(r"\s+", " ", item).strip() for item in re.split(r"^- ", section, flags=re.M) if item.strip()}


def test_the_readme_lists_what_the_corpus_runs_and_refuses():
    text = README.read_text(encoding="utf-8")
    assert _bullets(text, "**Runs**") == {c.label for c in CONSTRUCTS.values()}
    assert set(REFUSED) <= _bullets(text, "**Refused at deploy**")
