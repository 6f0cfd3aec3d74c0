"""The draw: reproducible from the seed, never against a recusal rule (property test), replacements."""

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation import draw, recusal
from evaluation.recusal import ApplicantFacts, ExpertFacts, RecusalSettings

EMPLOYERS = [("91321003MA1AAAAA0X", "扬州甲有限公司"), ("", "扬州乙有限公司"), ("91321002MA1BBBBB1Y", "扬州丙有限公司")]
REGIONS = ["321003", "321002", "321012", None]

experts_st = st.lists(
    st.builds(
        lambda i, employer, region, code_known: ExpertFacts(
            id=i,
            employer_code=employer[0] if code_known else "",
            employer_name=employer[1],
            region=region,
        ),
        st.integers(1, 10_000),
        st.sampled_from(EMPLOYERS + [("", "扬州大学"), ("", "扬州市职业大学")]),
        st.sampled_from(REGIONS),
        st.booleans(),
    ),
    min_size=0,
    max_size=25,
    unique_by=lambda e: e.id,
)
applicants_st = st.lists(
    st.builds(
        lambda i, employer, region, code_known: ApplicantFacts(
            id=i, credit_code=employer[0] if code_known else "", name=employer[1], region=region
        ),
        st.integers(1, 10_000),
        st.sampled_from(EMPLOYERS),
        st.sampled_from(REGIONS),
        st.booleans(),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda a: a.id,
)


@settings(max_examples=300, deadline=None)
@given(experts_st, applicants_st, st.integers(1, 7), st.integers(0, 2**48), st.booleans())
def test_no_seat_ever_violates_recusal_and_the_draw_is_reproducible(pool, applicants, size, seed, same_region):
    rules = RecusalSettings(same_region=same_region)
    result = draw.draw(pool, applicants, size=size, seed=seed, settings=rules)
    experts = {e.id: e for e in pool}
    by_id = {a.id: a for a in applicants}
    for seat in result.seats:
        assert not recusal.reasons(experts[seat.expert], by_id[seat.application], rules)
    # every application has `size` distinct experts, or is reported short by exactly what is missing
    for applicant in applicants:
        mine = [s.expert for s in result.seats if s.application == applicant.id]
        assert len(mine) == len(set(mine))
        assert len(mine) + result.short.get(applicant.id, 0) == size
        eligible = [e for e in pool if not recusal.must_recuse(e, applicant, rules)]
        assert len(mine) == min(size, len(eligible))
    assert draw.draw(pool, applicants, size=size, seed=seed, settings=rules) == result


def test_the_order_depends_on_the_seed_only():
    assert draw.draw_order([5, 1, 3, 2, 4], 42) == draw.draw_order([1, 2, 3, 4, 5], 42)
    orders = {tuple(draw.draw_order(range(1, 11), seed)) for seed in range(20)}
    assert len(orders) > 15  # different seeds, different orders


def _pool():
    return [ExpertFacts(id=i, employer_name=f"研究院{i}") for i in range(1, 8)]


def test_most_applications_share_the_same_experts_and_a_recused_seat_goes_to_the_next():
    pool = [*_pool()]
    order = draw.draw_order([e.id for e in pool], 7)
    first = order[0]
    pool[first - 1] = ExpertFacts(id=first, employer_name="扬州（甲）有限公司")
    applicants = [ApplicantFacts(id=1, name="扬州(甲)有限公司"), ApplicantFacts(id=2, name="扬州乙有限公司")]
    result = draw.draw(pool, applicants, size=3, seed=7)
    seats = {a: [s.expert for s in result.seats if s.application == a] for a in (1, 2)}
    assert seats[2] == order[:3]
    assert seats[1] == order[1:4]  # the employer's expert steps aside, the fourth of the order takes the seat


def test_replacement_is_the_next_eligible_expert_not_yet_asked():
    pool = {e.id: e for e in _pool()}
    order = draw.draw_order(pool, 3)
    applicant = ApplicantFacts(id=1, name="无关企业")
    seat = draw.replacement(order, pool, applicant, asked=order[:3])
    assert seat.expert == order[3] and seat.position == 4
    assert draw.replacement(order, pool, applicant, asked=order) is None


def test_recusal_rules():
    s = RecusalSettings()
    by_code = ExpertFacts(id=1, employer_code="91321003MA1AAAAA0X", employer_name="别的名字")
    assert recusal.reasons(by_code, ApplicantFacts(id=1, credit_code="91321003ma1aaaaa0x", name="扬州甲"), s) == [
        "same_employer"
    ]
    # both codes known and different: the names do not matter
    same_name = ExpertFacts(id=2, employer_code="91321003MA1AAAAA0X", employer_name="扬州甲")
    assert recusal.reasons(same_name, ApplicantFacts(id=1, credit_code="91321002MA1BBBBB1Y", name="扬州甲"), s) == []
    # a code missing on one side: by normalised name (full-width brackets, spaces)
    by_name = ExpertFacts(id=3, employer_name="扬州（邗江）数智机械 有限公司")
    assert recusal.must_recuse(by_name, ApplicantFacts(id=1, credit_code="X", name="扬州(邗江)数智机械有限公司"), s)
    local = ExpertFacts(id=4, employer_name="扬州大学", region="321003")
    applicant = ApplicantFacts(id=1, name="扬州甲", region="321003")
    assert recusal.reasons(local, applicant, s) == []
    assert recusal.reasons(local, applicant, RecusalSettings(same_region=True)) == ["same_region"]
    related = ExpertFacts(id=5, employer_name="扬州大学", relations=("扬州 甲",))
    assert recusal.reasons(related, applicant, s) == ["declared_relation"]
    assert recusal.rule_codes() == ["same_employer", "same_region", "declared_relation"]
    assert recusal.rules_named(["same_region"]) == (recusal.same_region,)
