"""The one vocabulary: each choice label is spelt once (programmes/vocabulary.py), everything else imports it."""

import copy
import pickle
import re
from pathlib import Path

import pytest
from django.utils import translation

from programmes import vocabulary
from programmes.vocabulary import AREAS, COMPARISON_ROWS, OWNERSHIP, Choices

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ["accounts", "applications", "audit", "core", "enterprises", "programmes", "shenbao", "templates"]
SKIPPED = {Path("programmes/vocabulary.py")}
VOCABULARIES = {name: value for name, value in vars(vocabulary).items() if isinstance(value, Choices)}


def source_files():
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            relative = path.relative_to(ROOT)
            if (
                path.suffix in {".py", ".html", ".json"}
                and "migrations" not in relative.parts
                and relative not in SKIPPED
            ):
                yield relative, path.read_text(encoding="utf-8")


def test_every_vocabulary_is_found():
    assert set(VOCABULARIES) >= {
        "AREAS", "INVESTMENT_KINDS", "SOFTWARE_KINDS", "TECH_LEVELS", "IP_TYPES", "OWNERSHIP", "COMPARISON_ROWS"
    }  # fmt: skip


def test_no_choice_label_is_spelt_twice():
    """A label as a string literal ("研发设计", {% translate "研发设计" %}, a JSON form definition) is a copy."""
    labels = {msgid: name for name, choices in VOCABULARIES.items() for msgid in choices.msgids.values()}
    pattern = re.compile("|".join(rf"([\"']){re.escape(msgid)}\1" for msgid in labels))
    copies = [
        f"{path}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for path, text in source_files()
        for match in pattern.finditer(text)
    ]
    assert copies == [], "import the label from programmes.vocabulary instead:\n" + "\n".join(copies)


def test_the_old_pdf_ownership_words_are_gone():
    assert not [path for path, text in source_files() if "自有/受让" in text or '"自有"' in text or '"受让"' in text]


def test_choices_are_code_label_rows_with_codes_labels_and_msgids():
    assert AREAS.codes == ("rd_design", "production_control", "sales_operations", "product_service_innovation")
    assert dict(AREAS)["sales_operations"] == "购销经营"
    assert OWNERSHIP.msgids == {"own": "自主研发", "transferred": "依法受让"}
    assert OWNERSHIP.label("own") == "自主研发" and OWNERSHIP.label("lost") == "lost"
    code, label, unit, target, direction = COMPARISON_ROWS[0]
    assert (code, str(label), unit, target, direction) == ("operating_cost", "运营成本", "元/件", 20, "down")


def test_labels_are_translated_lazily():
    with translation.override("en"):
        assert str(OWNERSHIP.label("own")) != "自主研发"
    with translation.override("zh-hans"):
        assert str(OWNERSHIP.label("own")) == "自主研发"


@pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy, lambda c: pickle.loads(pickle.dumps(c))])
def test_choices_survive_copies(clone):
    copied = clone(AREAS)
    assert copied == AREAS and copied.codes == AREAS.codes and copied.msgids == AREAS.msgids
