"""Every text of the task forms has its English in the one translation catalog (messages.po), and the forms
are extracted by `make translations` (babel.cfg): a new form field without English fails here, saying what to add.
"""
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.util import pathmatch

ROOT = Path(__file__).resolve().parents[2]
CATALOG = "web/translations/en/LC_MESSAGES/messages.po"
FORM_EXTRACTOR = "web.form_text:extract_form"
# Python modules holding form texts of their own, marked N_ (data fields no form types in, the portal's hints).
FORM_MODULES = ("engine/runtime/vocabulary.py", "engine/runtime/offer_deposits.py",
                "engine/people/candidates_portal.py")
HOW = (f"For each text below, add its English to {CATALOG} (the French as msgid, the English as msgstr, "
       "at the end of the file is fine), then run `make -s web/translations/en/LC_MESSAGES/messages.mo`. "
       "Keep the words the catalog already uses (README, \"Translating a form\").")


def form_files():
    """The JSON Schemas of forms in the repository: forms/ and the person registry's."""
    found = [path for path in ROOT.rglob("*.schema.json")
             if not {"node_modules", ".venv", "tests"} & set(path.relative_to(ROOT).parts)]
    return sorted(str(path.relative_to(ROOT)) for path in found)


def method_of(path):
    """The extraction method babel.cfg gives a file (the first pattern it matches), or None."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        mapping, _options = parse_mapping_cfg(cfg)
    return next((method for pattern, method in mapping if pathmatch(pattern, path)), None)


def form_texts():
    """{French text: the first file it comes from}, as `make translations` extracts them."""
    texts = {}
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    for path in [*form_files(), *FORM_MODULES]:
        for _line, message, _comments, _context in extract_from_file(method_of(path), str(ROOT / path),
                                                                        keywords=keywords):
            texts.setdefault(message, path)
    return texts


def test_every_form_file_is_extracted_by_the_form_extractor():
    wrong = [path for path in form_files() if method_of(path) != FORM_EXTRACTOR]
    assert not wrong, ("These form files are not extracted for translation: add a line `[form: PATH]` for each "
                       f"to babel.cfg (after [extractors]): {', '.join(wrong)}")
    assert all(method_of(path) == "python" for path in FORM_MODULES)


def test_every_form_text_has_its_english():
    texts = form_texts()
    assert "Candidat retenu" in texts and "Retour involontaire" in texts  # forms/ and the N_-marked data fields
    with open(ROOT / CATALOG, "rb") as po:
        catalog = read_po(po)
    missing = [(path, text) for text, path in texts.items()
               if not (catalog.get(text) and catalog.get(text).string and not catalog.get(text).fuzzy)]
    blocks = "\n".join(f"# {path}\nmsgid {_quoted(text)}\nmsgstr \"\"\n" for path, text in missing)
    assert not missing, f"{len(missing)} form text(s) without English. {HOW}\n\n{blocks}"


def _quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
