"""Issue 23, the public trend chart: drawn only from the page's frozen releases, so it
publishes nothing the period pages do not; late answers leave it as it was; a figure a
release left out stays a gap in the chart and in its table; off unless the organizer
turns it on; in English, Spanish and Arabic (right to left)."""

import datetime
import re

import pytest
from django.core.cache import cache
from wagtail.models import Locale

from cms.models import Neighborhood, ResultsPage
from surveys.frozen_releases import ResultsRelease
from surveys.interventions import Intervention
from surveys.questionnaire import build_questionnaire
from surveys.submission import ResponseData, record_responses
from tests.disclosure.conftest import BODY, K
from tests.factories import make_survey

pytestmark = pytest.mark.django_db

FAVORABLE = {"trust": "5", "contact": "y", "stopped": "n"}
UNFAVORABLE = {"trust": "2", "contact": "n", "stopped": "y"}
FEB, MAR, APR, MAY = (datetime.date(2026, month, 10) for month in (2, 3, 4, 5))


def answers(area: str, favorable: int, unfavorable: int) -> list[dict]:
    return [{"area": area, **FAVORABLE}] * favorable + [{"area": area, **UNFAVORABLE}] * unfavorable


# Month by month: March has too few answers in "b" (a neighborhood gap), April too few
# in all (a city-wide gap).
MONTHS = {
    FEB: answers("a", 30, 10) + answers("b", 20, 20),
    MAR: answers("a", 25, 15) + answers("b", 3, 2),
    APR: answers("a", 3, 2),
    MAY: answers("a", 10, 30) + answers("b", 15, 25),
}


def record(survey, by_day: dict) -> None:
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    record_responses(
        survey=survey,
        questionnaire=questionnaire,
        responses=[
            ResponseData(answers=a, submitted_on=day, language="en")
            for day, rows in by_day.items()
            for a in rows
        ],
    )


@pytest.fixture
def page(home):
    for code in "ab":
        Neighborhood.objects.get_or_create(code=code, defaults={"name": f"Area {code.upper()}"})
    survey = make_survey(home, BODY, slug="trend", small_cell_threshold=K)
    record(survey, MONTHS)
    Intervention.objects.create(
        name="Task force agreement",
        announced_on=datetime.date(2026, 3, 5),
        starts_on=datetime.date(2026, 4, 20),
        survey=survey,
        covers_all=True,
        public=True,
    )
    Intervention.objects.create(
        name="Internal outreach wave",
        announced_on=datetime.date(2026, 3, 10),
        starts_on=datetime.date(2026, 3, 12),
        survey=survey,
        covers_all=True,
    )
    page = ResultsPage(
        title="Results",
        slug="trend-results",
        survey=survey,
        published_keys="trust contact stopped",
        weighting="none",
        period_kind="months",
        since=datetime.date(2026, 2, 1),
        until=datetime.date(2026, 5, 31),
        show_trend=True,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def trends(client, url: str) -> str:
    cache.clear()  # drawn again from the releases, not read from the cache
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html.split('<section class="trends"')[1].split("</article>")[0]


def table(html: str, key: str) -> list[list[str]]:
    section = html.split(f'id="trends-{key}"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>")[1], re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_the_chart_plots_each_periods_released_figure_and_nothing_else(client, page):
    html = trends(client, page.url)
    releases = {r.period: r for r in ResultsRelease.objects.filter(page=page)}
    assert sorted(releases) == ["2026-02", "2026-03", "2026-04", "2026-05"]
    rows = table(html, "stopped")
    assert [row[0] for row in rows] == ["February 2026", "March 2026", "April 2026", "May 2026"]
    for row, key in zip(rows, sorted(releases), strict=True):
        stopped = next(q for q in releases[key].figures["questions"] if q["key"] == "stopped")
        city = stopped["overall"]
        if city["favorable"] is None:
            assert row[1] == "—"
        else:
            low, high = city["favorable_ci"]
            assert row[1] == f"{city['favorable']}% ({low}% – {high}%)"
    # The release's own figures (February: 30 + 20 of 80 said "no"): 62 %, not a share
    # computed afresh.
    assert rows[0][1].startswith("62%")
    assert 'class="chart trend"' in html and "<title id=" in html and "<desc id=" in html


def test_late_answers_do_not_change_the_chart(client, page):
    before = trends(client, page.url)
    record(page.survey.specific, {FEB: answers("a", 0, 40), APR: answers("a", 20, 20)})
    assert trends(client, page.url) == before


def test_a_figure_left_out_stays_a_gap_in_the_chart_and_the_table(client, page):
    html = trends(client, page.url)
    rows = table(html, "stopped")
    # April: too few answers anywhere; March: too few in Area B.
    assert rows[2][1:] == ["—", "—", "—"]
    assert rows[1][1] != "—" and rows[1][3] == "—"
    chart = html.split('id="trends-stopped"')[1].split("</svg>")[0]
    lines = re.findall(r'<polyline points="([^"]*)" class="line solid"', chart)
    # February–March, then May alone: the line breaks at April and does not bridge it.
    assert [len(points.split()) for points in lines] == [2, 1]
    assert "April 2026: —" in chart or "Apr 2026: —" in chart


def test_the_interventions_dates_are_marked_and_listed(client, page):
    html = trends(client, page.url)
    # Two dates on the two charts ("contact" has no favorable answer nor mean: no chart).
    assert 'id="trends-trust"' in html and 'id="trends-contact"' not in html
    assert html.count('class="mark"') == 2 * 2
    assert "Task force agreement</span>: announced on March 5, 2026" in html
    assert "started on April 20, 2026" in html
    # An intervention the organizer tracks for analysis only is not on the public page.
    assert "Internal outreach wave" not in html


def test_no_chart_unless_the_organizer_turns_it_on(client, page):
    page.show_trend = False
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Over time" not in html and "chart trend" not in html
    assert "Period: May 2026" in html  # the page itself is still there


@pytest.mark.parametrize(
    ("language", "words", "direction"),
    [
        ("en", "Over time", "ltr"),
        ("es", "A lo largo del tiempo", "ltr"),
        ("ar", "عبر الزمن", "rtl"),
    ],
)
def test_the_chart_speaks_each_language(client, page, language, words, direction):
    Locale.objects.get_or_create(language_code=language)
    cache.clear()
    html = client.get(f"/{language}/trend-results/").content.decode()
    assert words in html
    chart = html.split('<section class="trends"')[1].split("</svg>")[0]
    assert f'direction="{direction}"' in chart
    ticks = re.findall(r'class="tick" text-anchor="end">', chart)
    assert ticks  # the scale, beside the plot on the reading side
    # Right to left, the earliest period stands on the right.
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', chart)]
    assert xs == (sorted(xs, reverse=True) if direction == "rtl" else sorted(xs))
