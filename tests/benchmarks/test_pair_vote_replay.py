"""The pair-vote replay's rules: where the two models disagree, the samples decide, and nothing else changes."""

from benchmarks.pair_vote_replay import Cand, rule_both_tiebreak, rule_pooled_vote, rule_today


def _c(result: str, right: bool = False, lacking: tuple[str, ...] = (), empty: bool = False) -> Cand:
    return Cand(runs=True, empty=empty, lacking=list(lacking), result=result, right=right)


def test_today_keeps_the_first_answer_unless_it_lacks_and_the_second_lacks_less():
    a, b = _c("x"), _c("y", right=True)
    assert rule_today(a, b, []) is a
    assert rule_today(_c("x", lacking=("COUNT",)), b, []) is b
    assert rule_today(_c("x", empty=True), _c("y", empty=True), []).result == "x"


def test_samples_break_a_disagreement_and_agreement_needs_no_samples():
    a, b = _c("x"), _c("y", right=True)
    assert rule_both_tiebreak(a, b, [_c("y"), _c("y"), _c("x")]) is b
    assert rule_both_tiebreak(a, b, [_c("x")]) is a
    assert rule_both_tiebreak(a, b, []) is a  # no support either way: today's rule
    assert rule_both_tiebreak(a, b, [_c("y", lacking=("COUNT",))]) is a  # only fitting samples vote


def test_the_pooled_vote_lets_fitting_candidates_vote_first():
    a, b = _c("x", lacking=("COUNT",)), _c("y")
    assert rule_pooled_vote(a, b, [_c("x", lacking=("COUNT",)), _c("x", lacking=("COUNT",))]) is b
    assert rule_pooled_vote(a, b, [_c("x"), _c("x")]).result == "x"
