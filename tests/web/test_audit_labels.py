"""Every kind of audit event the engine records, and every detail it stores, has words on the audit pages."""
import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from web import display, labels

ENGINE = Path(__file__).resolve().parents[2] / "engine"
# Kinds built from a value: the text around it, and the kinds it makes.
BUILT = {"_received": {"message_received", "signal_received"}, "task_": {"task_reminder", "task_escalation"}}
# The details `record` keeps as columns of its own, not among the details shown.
COLUMNS = {"task_id", "element_id", "region", "instance_id", "process_key"}


def _strings(node):
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _recorded():
    """(kinds, detail names) of the audit events the engine's code records."""
    kinds, names = set(), set()
    for path in ENGINE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned = {}  # a name → the strings assigned to it or given as its default
        spread = {}  # a name → the keys of the dict assigned to it (given as **details)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, set()).update(_strings(node.value))
                        if isinstance(node.value, ast.Dict):
                            spread.setdefault(target.id, set()).update(
                                k.value for k in node.value.keys if isinstance(k, ast.Constant))
            elif isinstance(node, ast.arguments):
                for arg, default in zip(node.args[len(node.args) - len(node.defaults):], node.defaults):
                    assigned.setdefault(arg.arg, set()).update(_strings(default))
            elif isinstance(node, ast.FunctionDef) and node.name == "described":  # a letter's details
                names |= {k.value for n in ast.walk(node) if isinstance(n, ast.Dict)
                          for k in n.keys if isinstance(k, ast.Constant)}
                names |= {k.arg for n in ast.walk(node) if isinstance(n, ast.Call) for k in n.keywords if k.arg}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if func in ("record", "_record") and len(node.args) >= 2:
                kind = node.args[1]
            elif func == "end_session" and len(node.args) >= 3:
                kind = node.args[2]
            elif func == "append" and getattr(node.func.value, "id", "") == "noted":
                kind, _, details = node.args[0].elts
                names |= {k.value for k in getattr(details, "keys", ()) if isinstance(k, ast.Constant)}
            else:
                continue
            if isinstance(kind, ast.JoinedStr):
                kinds |= BUILT["".join(v.value for v in kind.values if isinstance(v, ast.Constant))]
            elif isinstance(kind, ast.Name):
                kinds |= assigned.get(kind.id, set())
            else:
                kinds |= _strings(kind)
            if func in ("record", "_record"):
                names |= {keyword.arg for keyword in node.keywords if keyword.arg}
                names |= {name for keyword in node.keywords if keyword.arg is None
                          for name in spread.get(getattr(keyword.value, "id", ""), ())}
    return {kind for kind in kinds if kind.replace("_", "").isalpha()}, names - COLUMNS - {"changes"}


def test_every_recorded_kind_and_detail_has_a_label_in_both_languages():
    kinds, names = _recorded()
    assert {"token_revoked", "access_refused", "personal_data_erased", "gateway_taken", "logout"} <= kinds
    assert {"expires_at", "token_id", "elements", "name", "payload", "actor_region"} <= names
    assert sorted(kinds - set(labels.EVENTS)) == []
    assert sorted(names - set(display.DETAILS) - {"via"}) == []
    with (ENGINE.parent / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        english = {message.id for message in read_po(po) if message.string}
    words = [labels.EVENTS[kind] for kind in kinds] + [display.DETAILS[name] for name in names - {"via"}]
    words += [word for values in display.DETAIL_VALUES.values() for word in values.values()]
    assert sorted({word._args[0] for word in words} - english) == []


def test_a_revoked_token_reads_in_words_on_the_audit_page(app, uow):
    from test_pages import browser, shown_text

    from engine import accounts
    from engine.accounts.access import Actor
    accounts.create_token(uow, "dcim", days=30)
    token_id = accounts.list_tokens(uow, "dcim")[0]["id"]
    accounts.revoke_token(uow, Actor("dcim", frozenset({"dcim"}), None), token_id)
    direction = browser(app, "direction")
    listed = shown_text(direction.get("/audit/?kind=token_revoked"))
    assert '<option value="token_revoked" selected>jeton d\'API révoqué</option>' in listed
    assert f"titulaire : dcim · jeton n° : {token_id}" in listed and "token_id" not in listed
    created = shown_text(direction.get("/audit/?kind=token_created"))
    assert "expire le : " in created and "expires_at" not in created
    assert re.search(r"expire le : \d\d/\d\d/\d{4} \d\d:\d\d", created)
