"""Synthetic demo responses with real structure for the analysis to find.

Neighborhoods differ in trust in the police. Trust drifts down everywhere over the year
(a common city-wide trend, COMMON_TREND per month). A fictional 287(g) agreement,
announced on ANNOUNCEMENT_DAY, starts on AGREEMENT_DAY in the COVERED neighborhoods
only (seed_demo records it as an Intervention): there trust falls by COVERED_EFFECT on
the latent scale, about 20 points of the favorable share of "trust the police to do
what is right", and worry about traffic stops rises. Covered neighborhoods also answer
more after the start (a mobilised sample: AFTER_SHARE_COVERED of their responses come
after it, against about half elsewhere), so who answers shifts; and those mobilised are
younger (AGES_MOBILISED), and younger residents trust less (AGE_TRUST), so part of the
raw fall there is a change in who answered: `analyze --adjust-for age_group` shows the
comparison with it and without it (about 4 points of the raw fall). The difference-in-
differences of `analyze --intervention` finds the fall; a plain before/after split mixes
it with the trend and the shift. Deterministic: the same seed always gives the same
responses.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterator

from surveys.submission import ResponseData

FIRST_DAY = datetime.date(2025, 12, 1)
LAST_DAY = datetime.date(2026, 11, 20)
REVISION_2_DAY = datetime.date(2026, 3, 15)
ANNOUNCEMENT_DAY = datetime.date(2026, 4, 20)
AGREEMENT_DAY = datetime.date(2026, 6, 1)
AGREEMENT_NAME = "County 287(g) task-force agreement"
COVERED = ("riverside", "la-loma", "eastfield", "market-square")
COVERED_EFFECT = -0.8  # latent trust, covered neighborhoods, from AGREEMENT_DAY on
COMMON_TREND = -0.03  # latent trust per month, every neighborhood
AFTER_SHARE_COVERED = 0.65
AGE_GROUPS = ["18_24", "25_34", "35_49", "50_64", "65_plus", "99"]  # 99: prefer not to say
AGES = [12, 22, 28, 20, 14, 4]
AGES_MOBILISED = [30, 30, 20, 10, 6, 4]  # covered neighborhoods, from AGREEMENT_DAY on
AGE_TRUST = {"18_24": -0.5, "25_34": -0.25, "50_64": 0.2, "65_plus": 0.35}  # latent trust

# code: (baseline trust, share of immigrant families, responses)
PROFILES = {
    "northgate": (0.8, 0.10, 260),
    "cedar-hill": (0.6, 0.15, 230),
    "old-mill": (0.3, 0.25, 200),
    "lakeview": (0.9, 0.05, 290),
    "riverside": (-0.2, 0.55, 380),
    "la-loma": (-0.4, 0.70, 330),
    "market-square": (0.1, 0.35, 170),
    "eastfield": (0.0, 0.45, 340),
    "south-bend": (0.2, 0.30, 210),
    "harbor-flats": (-0.3, 0.60, 28),
}
COMMENTS = [
    "More street lights near the bus stop would help.",
    "I would call the police for a robbery but not for a traffic accident.",
    "Officers who speak Spanish make a big difference.",
    "People stopped going to the park after the checkpoints.",
    "The community meetings with the police were useful.",
    "My neighbours are afraid to drive to work.",
    "Please publish the results in Spanish too.",
]


def _likert(latent: float, rng: random.Random) -> str | None:
    draw = rng.random()
    if draw < 0.03:
        return None  # skipped
    if draw < 0.07:
        return "98"  # don't know
    if draw < 0.09:
        return "99"  # prefer not to say
    thresholds = (-1.4, -0.45, 0.45, 1.4)
    return str(1 + sum(latent > t for t in thresholds))


def _day(code: str, rng: random.Random) -> datetime.date:
    if code in COVERED:  # mobilised after the start: more of their answers come then
        after = rng.random() < AFTER_SHARE_COVERED
        first, last = (
            (AGREEMENT_DAY, LAST_DAY)
            if after
            else (FIRST_DAY, AGREEMENT_DAY - datetime.timedelta(days=1))
        )
    else:
        first, last = FIRST_DAY, LAST_DAY
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _answers(code: str, day: datetime.date, rng: random.Random) -> dict:
    baseline, immigrant_share, _ = PROFILES[code]
    after = day >= AGREEMENT_DAY
    covered = after and code in COVERED
    months = (day - FIRST_DAY).days / 30.4
    age = None
    if rng.random() < 0.85:
        age = rng.choices(AGE_GROUPS, weights=AGES_MOBILISED if covered else AGES)[0]
    trust = baseline + rng.gauss(0, 0.9) + COMMON_TREND * months + AGE_TRUST.get(age, 0.0)
    trust += COVERED_EFFECT if covered else 0.0
    worry = -0.4 * trust + 1.6 * immigrant_share + (0.8 * immigrant_share if covered else 0) - 0.4
    worry += rng.gauss(0, 0.8)
    answers: dict = {"area": code}
    if rng.random() < 0.9:
        answers["years_here"] = min(99, int(rng.expovariate(1 / 9)))
    for key, shift in (
        ("trust_do_right", 0.0),
        ("police_fair", -0.2),
        ("police_explain", -0.3),
        ("police_respect", 0.1),
    ):
        value = _likert(trust + shift + rng.gauss(0, 0.5), rng)
        if value:
            answers[key] = value
    answers["trust_overall"] = str(max(0, min(10, round(5 + 2 * trust + rng.gauss(0, 1.3)))))
    for key in ("would_report", "would_call"):
        value = _likert(0.8 * trust + 0.6 - 0.5 * max(worry, 0) + rng.gauss(0, 0.6), rng)
        if value:
            answers[key] = value
    needed = 1 / (1 + math.exp(-(-2.0 + 0.9 * worry)))
    answers["needed_not_called"] = "1" if rng.random() < needed else "2"
    if rng.random() < 0.03:
        answers["needed_not_called"] = "99"
    value = _likert(worry, rng)
    if value:
        answers["worry_stop_ice"] = value
    if day >= REVISION_2_DAY:
        avoided = [
            place
            for place, weight in (
                ("driving", 0.5),
                ("police", 0.45),
                ("clinic", 0.25),
                ("school", 0.2),
                ("court", 0.3),
            )
            if rng.random() < weight * immigrant_share * (1.6 if after else 1.0)
        ]
        answers["avoided"] = avoided or ["none"]
    contact = rng.choices(
        ["none", "asked_help", "traffic_stop", "stopped_foot", "other"],
        weights=[60, 12, 16 + 10 * immigrant_share, 5 + 5 * immigrant_share, 7],
    )[0]
    answers["police_contact"] = contact
    if contact != "none":
        value = _likert(trust - (0.5 if contact in ("traffic_stop", "stopped_foot") else 0), rng)
        if value:
            answers["contact_fair"] = value
    if age:
        answers["age_group"] = age
    if rng.random() < 0.85:
        spanish = immigrant_share
        answers["home_language"] = rng.choices(
            ["en", "es", "both", "other"],
            weights=[1 - spanish, 0.8 * spanish, 0.3 * spanish + 0.05, 0.08],
        )[0]
    if rng.random() < 0.04:
        answers["comments"] = rng.choice(COMMENTS)
    return answers


def synthetic_responses(*, seed: int = 287) -> Iterator[tuple[str, ResponseData]]:
    """(questionnaire, response) pairs spread over 12 months; the questionnaire is "en-1",
    "en-2" or "es-2" (the Spanish translation came with revision 2)."""
    rng = random.Random(seed)
    for code, (_, immigrant_share, count) in PROFILES.items():
        for _ in range(count):
            day = _day(code, rng)
            answers = _answers(code, day, rng)
            if day < REVISION_2_DAY:
                yield "en-1", ResponseData(answers=answers, submitted_on=day, language="en")
            elif rng.random() < 0.8 * immigrant_share:
                yield "es-2", ResponseData(answers=answers, submitted_on=day, language="es")
            else:
                yield "en-2", ResponseData(answers=answers, submitted_on=day, language="en")
