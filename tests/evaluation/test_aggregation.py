"""Aggregation and ranking on hand-computed examples (ties included)."""

from decimal import Decimal as D

from evaluation import aggregation as agg


def test_mean_and_trimmed_mean_drop_one_highest_and_one_lowest_from_five():
    totals = [D("80"), D("90"), D("70"), D("85"), D("60")]
    assert agg.mean(totals) == D("77")  # 385 / 5
    assert agg.trimmed_mean(totals) == D("78.33333333333333333333333333")  # (70 + 80 + 85) / 3
    assert agg.q(agg.trimmed_mean(totals)) == D("78.33")
    assert agg.spread(totals) == D("30")


def test_trimming_needs_the_configured_number_of_scores():
    four = [D("80"), D("90"), D("70"), D("60")]
    assert agg.trimmed_mean(four) == D("75")  # fewer than five: nothing dropped
    assert agg.trimmed_mean(four, trim_min=4) == D("75")  # (70 + 80) / 2
    assert agg.trimmed(four, trim_min=4) == [D("70"), D("80")]
    assert agg.trimmed([D("1"), D("2")], trim_min=2) == [D("1"), D("2")]  # never below three
    assert agg.trimmed_mean([D("80"), D("90"), D("70"), D("85"), D("60")], trim_min=0) == D("77")


def test_trimming_drops_only_one_of_tied_extremes():
    assert agg.trimmed([D("90"), D("90"), D("80"), D("70"), D("70")]) == [D("70"), D("80"), D("90")]


def test_outlier_is_an_expert_far_from_the_others_mean():
    totals = {"a": D("80"), "b": D("82"), "c": D("78"), "d": D("81"), "e": D("50")}
    # e: others' mean 80.25, differs by 30.25; a: others' mean (82+78+81+50)/4 = 72.75, differs by 7.25
    assert agg.outliers(totals, D("15")) == ["e"]
    assert agg.outliers(totals, D("31")) == []
    # With 5 points: b (others 72.25, by 9.75) and d (72.5, by 8.5) too, but not c (73.25, by 4.75).
    assert sorted(agg.outliers(totals, D("5"))) == ["a", "b", "d", "e"]
    assert agg.outliers({"a": D("10"), "b": D("90")}, D("1")) == []  # two totals: no "others" to compare with


def test_kendalls_w_perfect_agreement_and_total_disagreement():
    same = [[D("3"), D("2"), D("1")]] * 3
    assert agg.kendalls_w(same) == 1
    opposite = [[D("3"), D("2"), D("1")], [D("1"), D("2"), D("3")]]
    assert agg.kendalls_w(opposite) == 0


def test_kendalls_w_hand_computed_without_ties():
    # Three raters, four items. Ranks (1 = highest): r1 1 2 3 4, r2 2 1 3 4, r3 1 3 2 4.
    # R = 4, 6, 8, 12; mean 7.5; S = 12.25 + 2.25 + 0.25 + 20.25 = 35; W = 12·35 / (9·60) = 420/540 = 7/9.
    matrix = [
        [D("40"), D("30"), D("20"), D("10")],
        [D("30"), D("40"), D("20"), D("10")],
        [D("40"), D("20"), D("30"), D("10")],
    ]
    assert agg.kendalls_w(matrix) == D(420) / D(540)


def test_kendalls_w_with_ties_uses_the_correction():
    # r1 ties items 1 and 2: ranks 1.5 1.5 3; r2: 1 2 3. R = 2.5, 3.5, 6; mean 4; S = 2.25 + 0.25 + 4 = 6.5.
    # T(r1) = 2³ − 2 = 6. W = 12·6.5 / (4·24 − 2·6) = 78 / 84.
    matrix = [[D("9"), D("9"), D("5")], [D("9"), D("8"), D("5")]]
    assert agg.kendalls_w(matrix) == D(78) / D(84)
    # Without the correction it would be 78 / 96: the correction matters.
    assert agg.kendalls_w(matrix) != D(78) / D(96)


def test_kendalls_w_undefined_cases():
    assert agg.kendalls_w([]) is None
    assert agg.kendalls_w([[D("1"), D("2")]]) is None  # one rater
    assert agg.kendalls_w([[D("1")], [D("2")]]) is None  # one item
    assert agg.kendalls_w([[D("5"), D("5")], [D("5"), D("5")]]) is None  # everything tied


def _a(pk, totals, trim_min=5):
    return agg.aggregate(pk, dict(enumerate(totals)), trim_min=trim_min, margin=D("15"))


def test_ranking_tie_break_and_shared_positions():
    best = _a(1, [D("90"), D("90"), D("90")])  # value 90
    tie_on_value_higher_mean = _a(2, [D("60"), D("80"), D("85"), D("85"), D("95")])  # trimmed 83.33…, mean 81
    tie_on_value_lower_mean = _a(3, [D("50"), D("80"), D("85"), D("85"), D("90")])  # trimmed 83.33…, mean 78
    shared_1 = _a(4, [D("70"), D("70")])  # value 70, mean 70, lowest 70
    shared_2 = _a(5, [D("70"), D("70")])
    lower_lowest = _a(6, [D("60"), D("80")])  # value 70, mean 70, lowest 60: after the two above
    unscored = _a(7, [])
    ranked = agg.rank(
        [unscored, lower_lowest, shared_2, shared_1, tie_on_value_lower_mean, tie_on_value_higher_mean, best],
        receipt={4: "B-0002", 5: "B-0001"},
    )
    assert [(pos, a.application) for pos, a in ranked] == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 5),  # shared position, listed by receipt number
        (4, 4),
        (6, 6),  # competition ranking: 1, 2, 3, 4, 4, 6
        (None, 7),
    ]


def test_aggregate_fields():
    a = _a(9, [D("80"), D("90"), D("70"), D("85"), D("20")])
    assert a.mean == D("69")
    assert a.trimmed_mean == D("78.33333333333333333333333333")
    assert a.spread == D("70")
    # The 20 (others' mean 81.25, by 61.25) drags the others' means down: the 90 (others 63.75, by 26.25) and the
    # 85 (others 65, by 20) are flagged too with a 15-point margin; the 80 (by 13.75) and 70 (by 1.25) are not.
    assert a.outliers == (1, 3, 4)
    assert a.lowest == D("20") and a.totals[0] == D("20")
