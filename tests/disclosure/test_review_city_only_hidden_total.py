"""Review: a city-only question (about the respondent) whose two small answers are both
hidden prints n and every other share, so their sum follows: n − Σ shown = the people
who gave the hidden answers. Here that is 2 people (fewer than k), and since a 0 is
printed as 0 %, each hidden answer is known to be ≥ 1: each is exactly 1.

city_only() adds a partner only when exactly one share is small; with two or more small
shares it hides them and nothing else, so the hidden total (1..k−1 whenever the small
ones sum below k) is published by subtraction. No intruder audits a first release's
city-only questions (only differencing between releases does)."""

from surveys.analysis.estimates import Estimate
from surveys.analysis.results import GroupResult, QuestionResult
from surveys.disclosure.city_only import city_only

K = 10


def _language_question(counts: dict[str, int]) -> QuestionResult:
    base = sum(counts.values())
    estimate = Estimate(
        n=base,
        n_effective=base,
        counts=dict(counts),
        percent={c: 100 * v / base for c, v in counts.items()},
    )
    codes = [(c, c.title(), False) for c in counts]
    return QuestionResult(
        key="language",
        type="single_choice",
        label="Language at home",
        measure="nominal",
        codes=codes,
        favorable_codes=(),
        about_respondent=True,
        overall=GroupResult(None, "City", estimate),
        groups=[],
    )


def _recovered_hidden_total(public) -> tuple[int, list[str]]:
    n = public.overall.n
    shown = [c.percent for c in public.overall.cells if c.percent is not None]
    hidden = [c.code for c in public.overall.cells if c.percent is None]
    # Whole percents of a base of 100 are exact counts.
    return round(n * (100 - sum(shown)) / 100), hidden


def test_two_small_hidden_answers_are_recoverable_from_n_and_the_other_shares():
    counts = {"english": 49, "spanish": 49, "mam": 1, "kiche": 1}  # two speakers: k = 10
    public = city_only(_language_question(counts), K, people=100)
    assert not public.overall.hidden and public.overall.n == 100
    total, hidden = _recovered_hidden_total(public)
    assert sorted(hidden) == ["kiche", "mam"]
    # The figure the page publishes by subtraction must be 0 or at least k.
    assert total == 0 or total >= K, (
        f"the hidden answers {hidden} add up to {total} people, printed by subtraction"
    )


def test_same_with_one_small_one_partner_is_safe():
    """Control: with one small share a partner of k or more is hidden beside it."""
    counts = {"english": 49, "spanish": 38, "mam": 1, "kiche": 12}
    public = city_only(_language_question(counts), K, people=100)
    total, _hidden = _recovered_hidden_total(public)
    assert total >= K
