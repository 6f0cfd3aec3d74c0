"""Aggregating the experts' totals and ranking the applications. Pure, in Decimal (no float anywhere).

Per application: mean, trimmed mean (the highest and the lowest total dropped when at least `trim_min` experts
scored; `trim_min=0` never drops), spread (highest − lowest) and outliers (an expert whose total differs from
the mean of the others by more than `margin`; needs at least three totals). Per panel: Kendall's W with the
correction for ties. Ranking (docs/evaluation.md):

1. the aggregate (trimmed mean, or the mean when not trimmed), higher first;
2. then the plain mean, higher first;
3. then the lowest total, higher first (the application no expert rated poorly goes first);
4. still equal: the same position (standard competition ranking 1, 2, 2, 4), listed by receipt number.

Applications without any submitted score come last without a position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.01")
ZERO = Decimal("0")


def q(value: Decimal | None) -> Decimal | None:
    """Rounded to two places, half up (as a person rounds scores)."""
    return None if value is None else value.quantize(PLACES, rounding=ROUND_HALF_UP)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    return sum(values, ZERO) / len(values) if values else None


def trimmed(values: Sequence[Decimal], trim_min: int = 5) -> list[Decimal]:
    """The totals that count: without one highest and one lowest when there are at least `trim_min` of them."""
    ordered = sorted(values)
    if trim_min and len(ordered) >= max(trim_min, 3):
        return ordered[1:-1]
    return ordered


def trimmed_mean(values: Sequence[Decimal], trim_min: int = 5) -> Decimal | None:
    return mean(trimmed(values, trim_min))


def spread(values: Sequence[Decimal]) -> Decimal | None:
    return max(values) - min(values) if values else None


def outliers(totals: Mapping[object, Decimal], margin: Decimal) -> list:
    """The keys whose total differs from the others' mean by more than `margin` (at least three totals)."""
    if len(totals) < 3:
        return []
    whole = sum(totals.values(), ZERO)
    n = len(totals)
    return [key for key, total in totals.items() if abs(total - (whole - total) / (n - 1)) > margin]


def _doubled_ranks(values: Sequence[Decimal]) -> list[int]:
    """Twice the ranks 1…n (1 = highest), ties sharing the mean of their ranks: integers, so the sums stay exact
    without Decimal arithmetic (a tie of ranks 2 and 3 is 5, i.e. 2.5)."""
    order = sorted(range(len(values)), key=values.__getitem__, reverse=True)
    ranks = [0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = i + j + 2
        i = j + 1
    return ranks


def _tie_term(values: Sequence[Decimal]) -> int:
    counts: dict[Decimal, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return sum(t**3 - t for t in counts.values())


def kendalls_w(matrix: Sequence[Sequence[Decimal]]) -> Decimal | None:
    """Kendall's coefficient of concordance of m raters (rows) over the same n items (columns), with ties:
    W = 12·S / (m²(n³ − n) − m·Σ T), S = Σ (R_i − R̄)², T = Σ (t³ − t) per rater over its groups of ties.
    0 = no agreement, 1 = every rater ranks alike. None when it is undefined (m < 2, n < 2, all tied).
    Computed on doubled ranks in integers (S = Σ (2R_i − m(n+1))² / 4), exact up to the final division."""
    m = len(matrix)
    n = len(matrix[0]) if m else 0
    if m < 2 or n < 2 or any(len(row) != n for row in matrix):
        return None
    sums = [0] * n
    for row in matrix:
        for i, rank in enumerate(_doubled_ranks(row)):
            sums[i] += rank
    centre = m * (n + 1)
    s4 = sum((r - centre) ** 2 for r in sums)
    denominator = m * m * (n**3 - n) - m * sum(_tie_term(row) for row in matrix)
    if denominator == 0:
        return None
    return Decimal(3 * s4) / Decimal(denominator)  # 12·(s4 / 4) / denominator


@dataclass(frozen=True)
class Aggregate:
    application: int
    totals: tuple[Decimal, ...]
    mean: Decimal | None
    trimmed_mean: Decimal | None
    spread: Decimal | None
    outliers: tuple
    value: Decimal | None  # what ranks: the trimmed mean (equal to the mean when nothing is dropped)
    lowest: Decimal | None


def aggregate(application: int, totals: Mapping[object, Decimal], *, trim_min: int = 5, margin: Decimal) -> Aggregate:
    """Everything of one application in one pass over its sorted totals (the same figures as mean(),
    trimmed_mean(), spread() and outliers(); the ranking of 10,000 applications calls this 10,000 times)."""
    values = sorted(totals.values())
    n = len(values)
    if not n:
        return Aggregate(application, (), None, None, None, (), None, None)
    whole = sum(values, ZERO)
    plain = whole / n
    kept = (whole - values[0] - values[-1]) / (n - 2) if trim_min and n >= max(trim_min, 3) else plain
    # |t − (whole − t)/(n − 1)| > margin, multiplied out by n − 1: no division, exact.
    bound = margin * (n - 1)
    flagged = tuple(k for k, t in totals.items() if abs(n * t - whole) > bound) if n >= 3 else ()
    return Aggregate(
        application=application,
        totals=tuple(values),
        mean=plain,
        trimmed_mean=kept,
        spread=values[-1] - values[0],
        outliers=flagged,
        value=kept,
        lowest=values[0],
    )


def rank(
    aggregates: Sequence[Aggregate], *, receipt: Mapping[int, str] | None = None
) -> list[tuple[int | None, Aggregate]]:
    """(position, aggregate) best first, by the tie-break of the module's docstring."""
    receipt = receipt or {}
    scored = [a for a in aggregates if a.value is not None]
    unscored = [a for a in aggregates if a.value is None]

    def key(a):
        return (-a.value, -a.mean, -a.lowest, receipt.get(a.application, ""), a.application)

    scored.sort(key=key)
    out, position, previous = [], 0, None
    for index, a in enumerate(scored, start=1):
        tie = (a.value, a.mean, a.lowest)
        if tie != previous:
            position, previous = index, tie
        out.append((position, a))
    unscored.sort(key=lambda a: (receipt.get(a.application, ""), a.application))
    out.extend((None, a) for a in unscored)
    return out
