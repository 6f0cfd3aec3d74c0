"""Automatic recusal (回避): which experts may not score which application. Pure: facts in, reasons out.

A rule is a function `(expert, applicant, settings) -> reason code | None`; `RULES` is the list applied to a
draw, and its codes are recorded on the panel. A later call extends the list (a new rule and its code here)
without touching the draw.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ExpertFacts:
    id: int
    employer_code: str = ""
    employer_name: str = ""
    region: str | None = None
    # credit codes or names of enterprises the expert declared a relation with (worked for, advised, relatives …)
    relations: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ApplicantFacts:
    id: int
    credit_code: str = ""
    name: str = ""
    region: str | None = None


@dataclass(frozen=True)
class RecusalSettings:
    same_region: bool = False


# Brackets, punctuation and spaces differ between how an employer is typed and how it is registered
# ("扬州（邗江）数智机械有限公司" / "扬州(邗江)数智机械 有限公司"); NFKC folds full-width forms first.
_NOISE = re.compile(r"[\s\(\)\[\]（）【】〔〕「」『』《》<>\"'“”‘’·・,，.。、:：;；\-—_]+")


def normalise_name(name: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


def normalise_code(code: str) -> str:
    return unicodedata.normalize("NFKC", code or "").strip().upper()


def same_employer(expert: ExpertFacts, applicant: ApplicantFacts, settings: RecusalSettings) -> str | None:
    """The applicant is the expert's employer: by credit code when both are known, else by normalised name."""
    ours, theirs = normalise_code(expert.employer_code), normalise_code(applicant.credit_code)
    if ours and theirs:
        return "same_employer" if ours == theirs else None
    name = normalise_name(expert.employer_name)
    return "same_employer" if name and name == normalise_name(applicant.name) else None


def same_region(expert: ExpertFacts, applicant: ApplicantFacts, settings: RecusalSettings) -> str | None:
    """When the call says so, an expert does not score applications of the county-level unit they are in."""
    if settings.same_region and expert.region and expert.region == applicant.region:
        return "same_region"
    return None


def declared_relation(expert: ExpertFacts, applicant: ApplicantFacts, settings: RecusalSettings) -> str | None:
    """The expert declared a relation with the applicant (credit code or name) in the pool's record."""
    code, name = normalise_code(applicant.credit_code), normalise_name(applicant.name)
    for relation in expert.relations:
        if (code and normalise_code(relation) == code) or (name and normalise_name(relation) == name):
            return "declared_relation"
    return None


Rule = Callable[[ExpertFacts, ApplicantFacts, RecusalSettings], str | None]
RULES: tuple[Rule, ...] = (same_employer, same_region, declared_relation)
REASON_LABELS = {
    "same_employer": _("专家工作单位即申报企业"),
    "same_region": _("专家与申报企业在同一县区"),
    "declared_relation": _("专家已申报与该企业存在利害关系"),
}


def rule_codes(rules: Sequence[Rule] = RULES) -> list[str]:
    return [rule.__name__ for rule in rules]


def rules_named(codes: Sequence[str]) -> tuple[Rule, ...]:
    """The rules a panel recorded, by name (an unknown name is an error: the draw could not be reproduced)."""
    by_name = {rule.__name__: rule for rule in RULES}
    return tuple(by_name[code] for code in codes)


def reasons(
    expert: ExpertFacts, applicant: ApplicantFacts, settings: RecusalSettings, rules: Sequence[Rule] = RULES
) -> list[str]:
    """Every rule that makes `expert` step aside from `applicant` (empty: may score it)."""
    return [reason for rule in rules if (reason := rule(expert, applicant, settings))]


def must_recuse(expert, applicant, settings, rules=RULES) -> bool:
    return any(rule(expert, applicant, settings) for rule in rules)
