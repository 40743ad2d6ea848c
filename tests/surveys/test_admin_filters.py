"""Every admin filter and command that takes a day refuses an implausible one plainly.

0001-01-01 as the "before / after" day once raised OverflowError (a 500): every date of
every staff form and command is checked (cms/dates.py).
"""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

RESULTS_DATES = ("since", "until", "split_at", "first_from", "first_to", "second_from")
MESSAGE = "Give a date between 1900-01-01 and 2999-12-31."


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("field", RESULTS_DATES)
def test_results_filters_refuse_implausible_days(client, staff, survey, field, day):
    client.force_login(staff)
    result = client.get(f"/admin/surveys/{survey.pk}/results/", {field: day})
    assert result.status_code == 200
    assert MESSAGE in result.content.decode()
    assert "report" not in result.context


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("field", ["since", "until"])
def test_export_filters_refuse_implausible_days(client, staff, survey, field, day):
    client.force_login(staff)
    result = client.post(f"/admin/surveys/{survey.pk}/export/", {"format": "csv", field: day})
    assert result.status_code == 200 and MESSAGE in result.content.decode()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "not-a-day"])
def test_the_responses_list_takes_any_day_without_failing(client, staff, survey, day):
    client.force_login(staff)
    for name in ("submitted_on_after", "submitted_on_before"):
        assert client.get(f"/admin/surveys/{survey.pk}/responses/", {name: day}).status_code == 200


@pytest.mark.parametrize("option", ["--split-at", "--since", "--until"])
def test_commands_refuse_implausible_days(survey, option, tmp_path):
    with pytest.raises(CommandError, match="Give a date between"):
        call_command("analyze", survey.slug, option, "0001-01-01")
    if option != "--split-at":
        output = str(tmp_path / "x.csv")
        with pytest.raises(CommandError, match="Give a date between"):
            call_command("export_responses", survey.slug, "-o", output, option, "0001-01-01")
