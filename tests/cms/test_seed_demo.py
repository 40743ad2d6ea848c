"""The demo: a fictional city, pages, a 15+ question survey and 2,000+ responses."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count, Max, Min
from django.test import override_settings
from wagtail.models import Revision

from cms.demo.synthetic import AGREEMENT_DAY, AGREEMENT_NAME, COVERED
from cms.models import ContentPage, HomePage, Neighborhood
from surveys.analysis.adjusted_report import chosen_questions, load_adjusted, with_adjustment
from surveys.analysis.counts import Selection
from surveys.analysis.impact_report import impact_section, load, trends_section
from surveys.analysis.report import build_report
from surveys.models import Answer, Intervention, Response, SurveyPage
from surveys.questionnaire import questionnaire_for_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(django_capture_on_commit_callbacks):
    """Run seed_demo as on a real database: wagtail-localize publishes on commit."""

    def run(*args):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", *args, stdout=out)
        return out.getvalue()

    return run


@override_settings(DEBUG=True)
def test_seed_demo_builds_a_usable_demo_and_is_idempotent(client, django_user_model, seed):
    out = seed()
    assert "password 'confianza-demo'" in out and "admin@example.org" in out
    assert django_user_model.objects.filter(username="admin", is_superuser=True).exists()

    assert 8 <= Neighborhood.objects.count() <= 12
    assert all(n.population and n.boundary for n in Neighborhood.objects.all())
    home = HomePage.objects.get(locale__language_code="en")
    assert home.get_site().root_page_id == home.pk
    assert ContentPage.objects.child_of(home).live().count() == 2
    survey = SurveyPage.objects.get(locale__language_code="en")
    questionnaire = questionnaire_for_revision(survey.live_revision)
    assert len(questionnaire.questions) >= 15

    responses = Response.objects.filter(survey=survey)
    assert responses.count() >= 2000
    span = responses.aggregate(first=Min("submitted_on"), last=Max("submitted_on"))
    assert (span["last"] - span["first"]).days >= 300
    assert responses.values("revision").distinct().count() == 3  # two English, one Spanish
    assert 300 < responses.filter(language="es").count() < responses.count() / 2
    assert responses.filter(neighborhood__isnull=True).count() == 0

    # Neighborhoods really differ, and trust falls after the agreement day.
    trust = Answer.objects.filter(key="trust_do_right", number__isnull=False)
    by_area = trust.values("response__neighborhood__code").annotate(mean=Avg("number"))
    means = {row["response__neighborhood__code"]: row["mean"] for row in by_area}
    assert max(means.values()) - min(means.values()) > 0.8
    before = trust.filter(response__submitted_on__lt=AGREEMENT_DAY).aggregate(m=Avg("number"))["m"]
    after = trust.filter(response__submitted_on__gte=AGREEMENT_DAY).aggregate(m=Avg("number"))["m"]
    assert before - after > 0.3

    # The real analysis path finds it: neighborhoods differ, and trust fell after the
    # agreement, with intervals and BH-adjusted p-values; the results page shows it.
    report = build_report(
        Selection(survey=survey, split_at=AGREEMENT_DAY),
        weighting="rake",
        margins={"age_group": {"18_24": 14, "25_34": 21, "35_49": 26, "50_64": 19, "65_plus": 12}},
    )
    assert report.weighting == "raking" and report.weighting_detail["converged"]
    index = report.question("trust_index")
    assert index.alpha > 0.7 and index.test.p_value < 0.001
    assert any(pair.p_holm < 0.05 for pair in index.pairwise)
    city = next(c for c in index.periods if c.neighborhood is None)
    assert city.change < 0 and city.ci[1] < 0
    assert any(c.p_bh is not None and c.p_bh < 0.05 for c in index.periods if c.neighborhood)
    # The intervention covers four neighborhoods; the difference-in-differences finds the
    # fall the synthetic responses carry there (about 20 points), beyond the common trend.
    intervention = Intervention.objects.get(name=AGREEMENT_NAME)
    assert sorted(intervention.covered_codes()) == sorted(COVERED)
    data = load(Selection(survey=survey), "month")
    impact = impact_section(data, intervention, draws=199)
    trends = trends_section(data)
    adjusted, description = load_adjusted(
        Selection(survey=survey), data, chosen_questions(survey, ["age_group"])
    )
    with_adjustment(trends, impact, adjusted, description, intervention, draws=199)
    trust = next(q for q in impact["questions"] if q["key"] == "trust_do_right")
    # The mobilised respondents are younger and the young trust less: adjusting for age
    # group takes part of the raw fall away, and both stand side by side.
    adjusted_did = trust["adjusted"]["difference_in_differences"]
    assert adjusted_did["respondents"] == trust["difference_in_differences"]["respondents"]
    assert trust["difference_in_differences"]["estimate"] < adjusted_did["estimate"] < -10
    did = trust["difference_in_differences"]
    assert did["inference"] == "wild cluster bootstrap" and did["bootstrap"]["ci"][1] < -5
    assert -30 < did["estimate"] < -10
    assert trust["event_study"]["pre_trend_test"]["p_value"] > 0.05
    assert "does not prove" in trust["sentence"]["en"]
    results = client.get("/en/results/").content.decode()
    assert "Trust in the local police" in results and "too few answers" in results
    assert "too uncertain to show" in results  # Harbor Flats: 28 answers, under 30
    # By quarter, with the trend chart across them and the agreement's dates marked.
    trend = results.split('<section class="trends"')[1]
    assert trend.count('class="chart trend"') >= 2 and "County 287(g)" in trend
    assert 'class="mark"' in trend

    # Every stored code is a code of the revision it answered.
    for revision_id in responses.values_list("revision", flat=True).distinct():
        q = questionnaire_for_revision(Revision.objects.get(pk=revision_id))
        rows = Answer.objects.filter(response__revision_id=revision_id, code__isnull=False)
        for key, code in rows.values_list("key", "code").distinct():
            assert q.question(key).choice(code), (key, code)

    counts = (Neighborhood.objects.count(), Response.objects.count(), Answer.objects.count())
    assert "already present" in seed()
    assert counts == (
        Neighborhood.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
    )
    assert client.get(survey.url).status_code == 200
    assert client.get("/", follow=True).status_code == 200
    # The Spanish site: home, resource pages and survey, with Spanish scale labels.
    survey_es = SurveyPage.objects.get(locale__language_code="es")
    assert survey_es.responses_survey == survey
    page = client.get(survey_es.url).content.decode()
    assert "Encuesta de Confianza y Seguridad Comunitaria" in page and "Muy de acuerdo" in page
    spanish_pages = ContentPage.objects.filter(locale__language_code="es").live()
    assert spanish_pages.count() == 2
    assert "Conozca sus derechos" in client.get("/es/", follow=True).content.decode()


def test_without_debug_no_demo_account_is_created(django_user_model, seed):
    seed("--no-responses")
    assert not django_user_model.objects.exists()
    assert Response.objects.count() == 0


def test_small_neighborhoods_exist_for_suppression_to_matter(seed):
    seed()
    sizes = Response.objects.values("neighborhood").annotate(n=Count("id"))
    assert min(row["n"] for row in sizes) < 50
