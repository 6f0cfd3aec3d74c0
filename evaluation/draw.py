"""Drawing the experts for a category's applications: pure and reproducible from the seed.

The eligible pool (active experts, sorted by id) is shuffled once with `random.Random(seed)`; that order is the
panel. Each application takes the first `size` experts of the order who need not step aside for it
(evaluation/recusal.py), so most applications share the same experts (which makes their scores comparable
and Kendall's W meaningful) and a recused expert's seat goes to the next in order. A replacement after a
declared conflict is likewise the next expert in the order not yet asked for that application.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evaluation.recusal import RULES, ApplicantFacts, ExpertFacts, RecusalSettings, Rule, must_recuse

DEFAULT_SETTINGS = RecusalSettings()


@dataclass(frozen=True)
class Seat:
    application: int
    expert: int
    position: int  # the expert's place in the draw order (1-based)


@dataclass(frozen=True)
class Draw:
    seed: int
    order: tuple[int, ...]
    seats: tuple[Seat, ...]
    short: dict[int, int]  # application id → seats that could not be filled (no eligible expert left)


def draw_order(expert_ids: Iterable[int], seed: int) -> list[int]:
    ids = sorted(set(expert_ids))
    # Reproducibility is the point, not secrecy: the seed is published in the audit (the seed itself is secret-drawn).
    random.Random(seed).shuffle(ids)  # noqa: S311
    return ids


def pick(order, experts, applicant, settings, rules, *, count, excluded=frozenset()) -> list[Seat]:
    """The first `count` experts of `order` (present in `experts`, not excluded) who need not step aside."""
    chosen = []
    for position, expert_id in enumerate(order, start=1):
        if len(chosen) == count:
            break
        if expert_id in excluded or expert_id not in experts:
            continue
        if not must_recuse(experts[expert_id], applicant, settings, rules):
            chosen.append(Seat(applicant.id, expert_id, position))
    return chosen


def draw(
    pool: Sequence[ExpertFacts],
    applicants: Sequence[ApplicantFacts],
    *,
    size: int,
    seed: int,
    settings: RecusalSettings = DEFAULT_SETTINGS,
    rules: Sequence[Rule] = RULES,
) -> Draw:
    experts = {e.id: e for e in pool}
    order = draw_order(experts, seed)
    seats, short = [], {}
    for applicant in sorted(applicants, key=lambda a: a.id):
        chosen = pick(order, experts, applicant, settings, rules, count=size)
        seats.extend(chosen)
        if len(chosen) < size:
            short[applicant.id] = size - len(chosen)
    return Draw(seed=seed, order=tuple(order), seats=tuple(seats), short=short)


def replacement(
    order: Sequence[int],
    experts: dict[int, ExpertFacts],
    applicant: ApplicantFacts,
    *,
    asked: Iterable[int],
    settings: RecusalSettings = DEFAULT_SETTINGS,
    rules: Sequence[Rule] = RULES,
) -> Seat | None:
    """The next expert of the draw order for `applicant`, skipping those already asked (any state) and those who
    must step aside; `experts` holds the ones still available (active). None when nobody is left."""
    chosen = pick(order, experts, applicant, settings, rules, count=1, excluded=frozenset(asked))
    return chosen[0] if chosen else None
