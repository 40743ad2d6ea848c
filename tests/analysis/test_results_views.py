"""Where people see results: the analysts' view in the admin and the public ResultsPage
show the report's numbers, with small cells marked for analysts and absent for the public."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.models import AuditEvent, Neighborhood, ResultsPage
from cms.routes import content_changed
from surveys.access import grant
from surveys.analysis.counts import Selection
from surveys.analysis.public import public_results
from surveys.analysis.report import build_report
from tests.analysis.conftest import AFTER, SPLIT
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-90.0, 30.0], [-89.9, 30.0], [-89.9, 30.1], [-90.0, 30.1], [-90.0, 30.0]]],
}


@pytest.fixture
def analyst(client, survey):
    user = make_staff("ana")
    user.groups.add(Group.objects.get(name="Analyst"))
    grant(user=user, survey=survey)
    client.force_login(user)
    return user


def rows(html: str, caption: str) -> dict[str, list[str]]:
    """The cells of the table with this caption, by row header (tags stripped)."""
    table = re.search(rf"<caption>{re.escape(caption)}</caption>(.*?)</table>", html, re.S)
    assert table, f"no table captioned {caption!r}"
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table[1], re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if header:
            cells = re.findall(r"<td>(.*?)</td>", row)
            found[header[1]] = [re.sub(r"<[^>]+>", "", cell) for cell in cells]
    return found


def test_the_admin_view_shows_the_reports_numbers_and_marks_small_cells(client, analyst, survey):
    page = client.get(f"/admin/surveys/{survey.pk}/results/?split_at={SPLIT}&weighting=none")
    assert page.status_code == 200
    html = page.content.decode()
    report = build_report(Selection(survey=survey, split_at=SPLIT))
    trust = {g.neighborhood: g for g in report.question("trust").groups}
    # Agreement scales are shown as the share agreeing, with its Wilson interval.
    # "Favorable" is said in words: the answers it counts.
    table = rows(html, "I trust the police. — % who answered: Agree / Strongly agree")
    big = trust["big"].estimate.favorable
    assert table["Big"][:3] == [
        "60",
        f"{100 * big['p']:.0f}%",
        f"{100 * big['ci'][0]:.0f}% – {100 * big['ci'][1]:.0f}%",
    ]
    assert table["Mid"][:2] == ["45", f"{100 * trust['mid'].estimate.favorable['p']:.0f}%"]
    # Analysts see the small neighborhood, marked rather than hidden.
    assert table["Tiny"][0] == "6" and table["Tiny"][3] == "fewer than k answers"
    assert "Kruskal–Wallis rank-sum test" in html and "epsilon" in html.lower()
    # The before/after table with BH-adjusted p-values.
    assert "Before and after" in html and "p (BH)" in html
    assert "private words" not in html


def test_every_results_view_is_audited_with_its_filters(client, analyst, survey):
    client.get(f"/admin/surveys/{survey.pk}/results/?weighting=neighborhood")
    event = AuditEvent.objects.get()
    assert (event.user, event.action, event.page_id) == (analyst, "view_results", survey.pk)
    assert event.detail == {"query": "weighting=neighborhood"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=2026-05-01&until=2026-01-01", "The start date is after the end date."),
        ("since=yesterday", "Enter a valid date."),
        ("weighting=magic", "Select a valid choice."),
        ("weighting=rake", "This survey has no raking margins in its settings."),
        ("first_from=2026-01-01&first_to=2026-02-01", "give both dates of each period"),
        (
            "first_from=2026-01-01&first_to=2026-07-01&second_from=2026-06-01&second_to=2026-09-01",
            "The two periods overlap.",
        ),
        (
            "split_at=2026-06-01&first_from=2026-01-01&first_to=2026-02-01"
            "&second_from=2026-06-01&second_to=2026-09-01",
            "not both",
        ),
    ],
)
def test_bad_filters_get_a_clear_message_and_show_no_figures(
    client, analyst, survey, query, message
):
    page = client.get(f"/admin/surveys/{survey.pk}/results/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    assert message in html and "results-table" not in html
    assert not AuditEvent.objects.exists()  # nothing was shown


def test_charts_have_text_alternatives_and_do_not_rely_on_colour(client, analyst, survey):
    Neighborhood.objects.update(boundary=SQUARE)
    html = client.get(f"/admin/surveys/{survey.pk}/results/").content.decode()
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg>', html, re.S)
    assert len(charts) >= 4  # a chart and a map for trust and for contact
    for svg in charts:
        assert 'role="img"' in svg and "<title" in svg
    chart = next(svg for svg in charts if 'id="chart-trust-title"' in svg)
    # The description reads out every value; each is also written beside its dot, and
    # a small neighborhood is drawn hollow and named as such, not only shaded.
    assert re.search(r'<desc id="chart-trust-desc">City-wide: \d+%; Big: \d+%', chart)
    assert re.search(r'class="value">\d+% \(fewer than k answers\)</text>', chart)
    area_map = next(svg for svg in charts if 'id="map-trust-title"' in svg)
    # The map's legend and each area carry their value in words, not only a shade.
    assert re.search(r"<title>Big: [\d.]+", area_map)


@pytest.fixture
def results_page(home, survey):
    page = ResultsPage(
        title="What we heard",
        slug="what-we-heard",
        survey=survey,
        published_keys="trust contact avoid age",
        weighting="none",
        until=AFTER,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_public_page_shows_the_same_numbers_without_small_cells(client, survey, results_page):
    html = client.get(results_page.url).content.decode()
    public = {q.key: q for q in public_results(build_report(Selection(survey=survey)))}
    contact = public["contact"]
    table = rows(html, "Contact? — % who answered: No")
    assert table["City-wide"][1] == f"{contact.overall.favorable}%"
    assert table["Big"][1] == f"{contact.groups[0].favorable}%"
    # The neighborhood of six is not shown, and neither is its count.
    assert table["Tiny"][:2] == ["—", "—"] and table["Tiny"][3] == "too few answers"
    assert ">6<" not in html
    # Questions about the respondent are shown for the whole city only.
    assert "Shown for the whole city only." in html
    # Free text is never published, and no analyst detail leaks.
    assert "private words" not in html and "p (BH)" not in html and "Pair" not in html


def test_organizers_can_only_publish_questions_that_may_be_published(home, survey):
    page = ResultsPage(
        title="R", slug="r", survey=survey, published_keys="trust comments area", until=AFTER
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "comments, area" in str(error.value)
    page.published_keys, page.since, page.until = "trust", SPLIT, SPLIT.replace(month=1)
    with pytest.raises(ValidationError, match="The end is before the start."):
        page.full_clean()


@pytest.mark.parametrize("until", [None, "today", "tomorrow"])
def test_a_public_page_only_shows_a_closed_period(client, results_page, until):
    """An open window would change with each new answer: watching it would reveal each
    answer. The page refuses it in the editor and shows nothing if it gets one anyway."""
    today = timezone.localdate()
    results_page.until = {"today": today, "tomorrow": today + datetime.timedelta(days=1)}.get(until)
    with pytest.raises(ValidationError, match="before today"):
        results_page.full_clean()
    ResultsPage.objects.filter(pk=results_page.pk).update(until=results_page.until)
    content_changed()  # what a save would have done (a bare update sends no signal)
    html = client.get(results_page.url).content.decode()
    assert "No results are published yet." in html and "results-table" not in html


def test_the_total_is_not_shown_under_k(client, results_page):
    results_page.since = results_page.until = datetime.date(2000, 1, 1)  # nobody answered
    results_page.save_revision().publish()
    html = client.get(results_page.url).content.decode()
    assert "Based on" not in html and "nothing is shown yet" in html


def test_previews_never_store_a_release(rf, results_page):
    """A preview shows a draft's settings: computed, never frozen as the public figures."""
    from surveys.frozen_releases import ResultsRelease

    request = rf.get(results_page.url)
    request.is_preview = True
    assert results_page.get_context(request)["results"]["displays"]
    assert not ResultsRelease.objects.exists()
    request.is_preview = False
    results_page.get_context(request)
    assert ResultsRelease.objects.get().figures["questions"]


def test_organizers_choose_only_surveys_they_may_see(home, survey):
    from cms.results_page import ResultsPageForm
    from tests.factories import make_survey

    other = make_survey(home, [], slug="other")
    organizer = make_staff("org")
    organizer.groups.add(Group.objects.get(name="Organizer"))
    grant(user=organizer, survey=survey)
    form_class = ResultsPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, ResultsPageForm)
    form = form_class(instance=ResultsPage(), for_user=organizer, parent_page=home)
    assert list(form.fields["survey"].queryset) == [survey]
    assert other not in form.fields["survey"].queryset


def test_analysts_compare_two_periods(client, analyst, survey):
    query = "first_from=2026-01-01&first_to=2026-04-30&second_from=2026-08-01&second_to=2026-10-31"
    html = client.get(f"/admin/surveys/{survey.pk}/results/?{query}").content.decode()
    assert "Before and after" in html and "Welch" in html
    assert AuditEvent.objects.get().detail == {"query": query}


def test_the_results_view_reads_neighborhoods_a_fixed_number_of_times(client, analyst, survey):
    """Maps for every question come from one read of the boundaries, not one per question."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Neighborhood.objects.update(boundary=SQUARE)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/admin/surveys/{survey.pk}/results/")
    assert page.content.decode().count('<svg xmlns="http://www.w3.org/2000/svg" class="map"') >= 2
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "cms_neighborhood"' in q["sql"]]
    # The neighborhood question's choices (today's questionnaire and the answered
    # revision's), the report's names, and the maps' boundaries: none per question.
    assert len(reads) <= 4, reads
    assert sum('"boundary" IS NOT NULL' in sql for sql in reads) == 1


def test_a_late_answer_never_changes_a_frozen_period(
    client, survey, results_page, django_capture_on_commit_callbacks
):
    """Issue 18, releases are frozen: a response recorded after the period's figures
    were first shown (released late, or typed in from paper) changes nothing on the
    page; only a deliberate re-publication (tests/disclosure/test_frozen_releases.py)
    brings it in."""
    from surveys.frozen_releases import ResultsRelease
    from surveys.questionnaire import build_questionnaire
    from surveys.submission import ResponseData, record_responses

    def total() -> str:
        return re.search(r"Based on ([\d,]+)", client.get(results_page.url).content.decode())[1]

    before = total()
    cache.clear()  # not the cache: the stored release keeps the figures
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    late = ResponseData(answers={"area": "big", "trust": "4"}, submitted_on=AFTER, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        record_responses(survey=survey, questionnaire=questionnaire, responses=[late])
    assert total() == before
    assert ResultsRelease.objects.filter(page=results_page).count() == 1


# The content version (routing, restrictions, settings and translations are kept under
# it), then the page's own: its survey and the original whose responses version keys
# the cache.
WARM_RESULTS_PAGE_BUDGET = 3


def test_a_warm_results_page_reads_nothing_of_the_responses(
    client, results_page, django_assert_max_num_queries
):
    client.get(results_page.url)
    with django_assert_max_num_queries(WARM_RESULTS_PAGE_BUDGET) as queries:
        assert client.get(results_page.url).status_code == 200
    assert not any("surveys_answer" in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Intervals and tests are model-based"),
        ("es", "Los intervalos y las pruebas se basan en un modelo"),
        ("ar", "تعتمد الفترات والاختبارات على نموذج"),
    ],
)
def test_the_public_page_says_intervals_are_model_based(client, results_page, language, sentence):
    """Issue 17, point 5: one plain sentence in every language, no "margin of error", and
    the multiple-comparison families stated."""
    from django.utils import translation

    with translation.override(language):
        families = translation.gettext(
            "Where neighborhoods are compared, p-values are adjusted for the number of "
            "comparisons: Holm's method for pairs of neighborhoods, Benjamini–Hochberg for "
            "changes across neighborhoods."
        )
    assert language == "en" or "Holm's method" not in families  # translated
    url = results_page.url.replace("/en/", f"/{language}/")
    html = client.get(url, follow=True).content.decode()
    assert sentence in html
    assert families in html
    assert "margin of error" not in html.lower()


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_the_public_page_states_the_primary_questions_family(
    client, survey, results_page, language
):
    """Issue 17, point 5: with primary questions named, the public page says in one
    sentence (in every language) that they form one Holm family and the rest are
    exploratory (BH), marks them, and publishes no pairwise differences."""
    from django.utils import translation

    survey.primary_questions = "trust"
    survey.save_revision().publish()
    with translation.override(language):
        sentence = translation.gettext(
            "The survey's organizers named its primary questions: comparisons between "
            "neighborhoods on those questions form one family adjusted with Holm's method "
            "(confirmatory); all other comparisons are exploratory, adjusted with "
            "Benjamini–Hochberg."
        )
        marker = translation.gettext("A primary question of this survey.")
        differences = translation.gettext("Differences between neighborhoods, mean")
    assert language == "en" or "organizers" not in sentence  # translated
    url = results_page.url.replace("/en/", f"/{language}/")
    html = client.get(url, follow=True).content.decode()
    assert sentence in html and html.count(marker) == 1
    assert differences not in html and "p (adjusted)" not in html


@pytest.mark.parametrize(
    ("language", "sentence", "left_out"),
    [
        ("en", "n is the number of answers a figure is based on", "questions left unanswered"),
        ("es", "n es el número de respuestas en que se basa una cifra", "«Prefiero no decirlo»"),
        ("ar", "n هو عدد الإجابات التي يستند إليها الرقم", "«أفضّل عدم الإجابة»"),
    ],
)
def test_the_public_page_says_what_n_leaves_out(client, results_page, language, sentence, left_out):
    """Issue 18: n is the base of the figures, without "don't know", "prefer not to say"
    or skips; the page says so plainly in every language."""
    url = results_page.url.replace("/en/", f"/{language}/")
    html = client.get(url, follow=True).content.decode()
    assert sentence in html
    assert left_out in html


def test_before_after_tables_speak_in_names_headlines_and_distributions(client, analyst, survey):
    """Issue 19 (analysts): neighborhood names in a stable order; the favorable share's
    change in percentage points where a question has one, the mean otherwise; levels
    before and after beside the change; categorical and multiple-choice distributions
    before and after with a test, never "(mean) … none"."""
    html = client.get(f"/admin/surveys/{survey.pk}/results/?split_at={SPLIT}").content.decode()
    trust = rows(
        html,
        "I trust the police. — Favorable share before and after (change in percentage points)",
    )
    assert list(trust) == ["City-wide", "Big", "Mid", "Tiny"]
    before, after, change = trust["Big"][:3]
    assert before.endswith("%)") and after.endswith("%)") and change.endswith(" pp")
    report = build_report(Selection(survey=survey, split_at=SPLIT))
    big = next(
        c
        for c in report.question("trust").periods
        if c.neighborhood == "big" and c.measure == "favorable proportion"
    )
    assert change == f"{100 * big.change:+.1f} pp"
    mean = rows(html, "I trust the police. — Mean before and after")
    assert list(mean) == ["City-wide", "Big", "Mid", "Tiny"] and "Welch" in mean["Big"][4]
    contact = "Contact? — Big: distribution before and after (Pearson"
    assert contact in html or "Contact? — Big: distribution before and after (Fisher" in html
    assert "Avoided — City-wide: distribution before and after (chi-square test per option" in html
    assert "(mean)" not in html and "<td>none</td>" not in html
