"""DMN decision tables checked before SpiffWorkflow parses them, like a diagram's scripts and conditions.

A table runs Python expressions: each input's expression, each rule's input entries (compared
with the input's value as SpiffWorkflow's DMN engine does: `(input) == (entry)`, or
`input entry` when the entry starts with an operator such as `> 0`, or the entry with `?`
standing for the input's value) and each rule's output entries. Every one of them must pass
the restricted compiler at deploy, not first when a file reaches the table.
"""
import re

from lxml import etree

from engine.definitions.scripting import check_code

# SpiffWorkflow's DMN engine puts the input's value for each `?` outside quotes.
_QUESTION_MARK = re.compile(r'(\?)(?=(?:[^\'"]|[\'"][^\'"]*[\'"])*$)')


def problems(tree):
    """(element id, reason) of each expression of a .dmn file's tables that would be refused when run."""
    found = []
    for table in _children(tree, "decisionTable", deep=True):
        table_id = table.get("id") or ""
        inputs = []
        for column in _children(table, "input"):
            expression = _text(column, "inputExpression")
            reason = check_code(expression, "eval") if expression else None
            inputs.append(None if reason else expression or "dmninputexpr")  # no expression: the labelled value
            if reason:
                found.append((column.get("id") or table_id,
                              f"decision table '{table_id}', input '{_name(column)}': expression refused: {reason}"))
        for row, rule in enumerate(_children(table, "rule"), start=1):
            rule_name = f"decision table '{table_id}', rule '{rule.get('id') or row}' (row {row})"
            for column, entry in zip(inputs, _children(rule, "inputEntry")):
                reason = _entry_problem(column, _text(entry)) if column else None  # a refused input is said once
                if reason:
                    found.append((rule.get("id") or table_id, f"{rule_name}: input entry refused: {reason}"))
            for entry in _children(rule, "outputEntry"):
                text = _text(entry)
                reason = check_code(text, "eval") if text else None
                if reason:
                    found.append((rule.get("id") or table_id, f"{rule_name}: output entry refused: {reason}"))
    return found


def _entry_problem(column, entry):
    """Why an input entry would be refused when compared with its column's value, or None."""
    if not entry.strip() or entry.strip() == "-":
        return None
    if _QUESTION_MARK.search(entry):
        return check_code(_QUESTION_MARK.sub("dmninputexpr", entry), "eval")
    alone = check_code(entry, "eval")
    if alone and not alone.startswith("line "):  # too long, too deep, refused: not just an operator first
        return alone
    return check_code(f"({column}) == ({entry})" if alone is None else column + entry, "eval")


def _children(element, name, deep=False):
    candidates = element.iter() if deep else element
    return [child for child in candidates if isinstance(child.tag, str) and etree.QName(child).localname == name]


def _text(element, child=None):
    """The text of `element`'s <text> (of its `child`'s, when given)."""
    for holder in _children(element, child) if child else [element]:
        for text in _children(holder, "text"):
            return text.text or ""
    return ""


def _name(column):
    return column.get("label") or column.get("id") or ""
