"""Schemathesis against the real server's `/api/v1/openapi.json`, with the API tokens of five roles.

Each role's run tries the edge values of every parameter and body field (Schemathesis's coverage
phase: empty, too long, the largest integers...) then one random request per operation
(`--max-examples`); a run still going after `LIMIT` seconds is stopped and fails. The runs go side
by side against a server of their own (`api_server`): what they send may open, claim or cancel
files without disturbing the other tests. Every check but one: a run fails on any 5xx, on any answer
the description does not allow (an undocumented status, content type or header, a body off its
schema), on a request off the description that is accepted, on a missing authentication that is
not a 401, on a resource gone after its deletion... Whether the API accepts every request the
description allows is not checked (positive_data_acceptance): a task's form, a diagram or a draft's
files are validated beyond what a schema can say, as the description itself says.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

SEED = "20261207"
LIMIT = 240  # seconds; (Schemathesis's --max-time would go on generating requests until it is spent)
CONFIG = "[phases.coverage]\nunexpected-methods = []\n"  # not every other HTTP method on every path
CHECKS = "all"
# A task's data is validated against its own form, deployed and drafted files against what a diagram
# and a form must be: the API refuses bodies the description allows (it says so), so that check is left out.
EXCLUDED = "positive_data_acceptance"
# Each role on the operations it is allowed to use (elsewhere it meets only 403s): reading everything,
# working on tasks and files (opening, claiming, completing, cancelling), the procedures' versions and drafts.
# (Schemathesis selects the operations any --include-* matches; an --exclude-* then takes some away.)
RUNS = {
    "direction": ["--include-method", "GET"],  # every file, the audit trail, timelines, tasks
    "dcim": ["--include-path-regex", "^/(tasks|processes|instances)", "--exclude-method", "GET"],  # work
    "proprietaire": ["--include-path-regex", "drafts|diff|versions|deployments|migrat"],  # versions, drafts
    # A region's counsellor: their tasks and files, the other regions' answered as not found; their tokens
    # (revoking their own would only end their own run).
    "conseiller-bamako": ["--include-path-regex", "^/(tasks|instances|tokens)"],
    # Anyone's tokens and the audit trail; reading only, so that no other run's token is revoked.
    "admin": ["--include-path-regex", "^/(audit|tokens)", "--exclude-method", "DELETE"],
}


def schemathesis(server, role):
    config = server.database["folder"] / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [str(Path(sys.executable).with_name("st")), "--config-file", str(config), "run",
               f"{server.base}/api/v1/openapi.json", "--header", f"Authorization: Bearer {server.token(role)}",
               "--checks", CHECKS, "--exclude-checks", EXCLUDED, "--phases", "coverage,fuzzing",
               "--max-examples", "1",
               "--seed", SEED, "--workers", "1", "--request-timeout", "30", *RUNS[role]]
    # In the server's folder: what Schemathesis keeps between runs (.hypothesis/) goes with it.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=server.database["folder"], env={**os.environ, "NO_COLOR": "1"})


def test_the_api_answers_as_described_to_every_role(api_server):
    runs = {role: schemathesis(api_server, role) for role in RUNS}
    outputs = {role: _output(run) for role, run in runs.items()}
    failed = {role: outputs[role] for role, run in runs.items() if run.returncode != 0}
    assert not failed, "\n\n".join(f"== Schemathesis as {role} (seed {SEED}):\n{_failures(output)}"
                                   for role, output in failed.items())
    for role, output in outputs.items():  # a run cut short by its time limit tests nothing, and says so
        generated = re.search(r"(\d+) generated", output)
        assert generated and int(generated.group(1)) >= 100, f"Schemathesis as {role} tried little:\n{output[-3000:]}"


def _output(run):
    try:
        return run.communicate(timeout=LIMIT)[0]
    except subprocess.TimeoutExpired:
        run.kill()
        return run.communicate()[0] + f"\nFAILURES: stopped after {LIMIT} s"


def _failures(output):
    """The part of Schemathesis's report that says what failed and how to reproduce it."""
    start = output.find("FAILURES")
    return output[start - 40 if start > 40 else 0:][-12000:]
