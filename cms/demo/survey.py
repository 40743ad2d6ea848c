"""The demo "Community Trust & Safety" survey, in two published revisions.

Revision 1 ran from the start; revision 2 (published a few months in) rewords one
question and adds one about places avoided, so the demo shows responses to two
revisions side by side.
"""

from __future__ import annotations

from wagtail.models import PageLogEntry, Revision

from cms.models import HomePage
from surveys import logic
from surveys.builders import choices, keep_block_ids, likert as agreement, note, question, section
from surveys.condition_blocks import condition_value
from surveys.models import SurveyPage

SLUG = "community-trust-and-safety"


def likert(key: str, label: str, **options) -> dict:
    return agreement(key, label, points=5, **options)


YES_NO_PNTS = choices(
    ("1", "Yes"), ("2", "No"), ("99", "Prefer not to say"), non_substantive=("99",)
)


def questions(revision: int) -> list[dict]:
    """The survey body of demo revision 1 or 2."""
    fairness_label = (
        "The local police treat people in my neighborhood fairly, whatever their background."
        if revision == 1
        else "The local police treat everyone in my neighborhood fairly, whatever their "
        "background or language."
    )
    body = [
        note(
            "<p>This survey takes about five minutes. Every question except your "
            "neighborhood is optional. Please do not write names, addresses or phone "
            "numbers in your answers.</p>"
        ),
        section("Where you live"),
        question("neighborhood", "area", "Which neighborhood do you live in?", required=True),
        question(
            "number",
            "years_here",
            "How many years have you lived in this neighborhood?",
            min_value=0,
            max_value=99,
            integer=True,
            help_text="Write 0 if less than one year.",
        ),
        section("Trust in the local police"),
        likert(
            "trust_do_right", "I trust the local police to do what is right for my neighborhood."
        ),
        likert("police_fair", fairness_label),
        likert("police_explain", "When the police stop someone here, they explain why and listen."),
        likert("police_respect", "The local police treat residents with respect."),
        question(
            "rating",
            "trust_overall",
            "Overall, how much do you trust the local police?",
            min_label="Not at all",
            max_label="Completely",
        ),
        section("Reporting crime and calling for help"),
        likert(
            "would_report", "If I saw a crime in my neighborhood, I would report it to the police."
        ),
        likert("would_call", "If I or my family needed help, I would call the police."),
        question(
            "single_choice",
            "needed_not_called",
            "In the last 12 months, was there a time you needed help but did not call the police?",
            choices=YES_NO_PNTS,
            widget="radio",
            favorable="2",
        ),
        likert(
            "worry_stop_ice",
            "I worry that a routine traffic stop could lead to someone I know being "
            "handed over to immigration enforcement.",
            favorable="1 2",  # disagreeing is the good news here
        ),
    ]
    if revision >= 2:
        body.append(
            question(
                "multiple_choice",
                "avoided",
                "In the last 12 months, have you or your family avoided any of these "
                "because of fear of immigration enforcement?",
                help_text="Choose all that apply.",
                choices=choices(
                    ("driving", "Driving"),
                    ("police", "Going to the police station"),
                    ("clinic", "A hospital or clinic"),
                    ("school", "School events"),
                    ("court", "Court"),
                    ("none", "None of these"),
                ),
                max_selections=None,
            )
        )
    body += [
        section("Contact with the police"),
        question(
            "single_choice",
            "police_contact",
            "In the last 12 months, have you had contact with the local police?",
            choices=choices(
                ("none", "No contact"),
                ("asked_help", "Yes, I asked them for help"),
                ("traffic_stop", "Yes, I was stopped while driving"),
                ("stopped_foot", "Yes, I was stopped on foot"),
                ("other", "Yes, another kind of contact"),
            ),
            widget="radio",
        ),
        contact_fair(revision),
        section("About you (optional)", "These help us check that every group is heard."),
        question(
            "single_choice",
            "age_group",
            "How old are you?",
            choices=choices(
                ("18_24", "18–24"),
                ("25_34", "25–34"),
                ("35_49", "35–49"),
                ("50_64", "50–64"),
                ("65_plus", "65 or older"),
                ("99", "Prefer not to say"),
                non_substantive=("99",),
            ),
            widget="dropdown",
            about_respondent=True,
        ),
        question(
            "single_choice",
            "home_language",
            "Which language do you speak most at home?",
            choices=choices(
                ("en", "English"),
                ("es", "Spanish"),
                ("both", "English and Spanish equally"),
                ("other", "Another language"),
            ),
            widget="radio",
            about_respondent=True,
        ),
        question(
            "long_text",
            "comments",
            "Is there anything else you want the coalition to know?",
            max_length=1000,
            help_text="Please leave out names, addresses and phone numbers.",
        ),
    ]
    return body


def contact_fair(revision: int) -> dict:
    """Asked of everyone in revision 1; from revision 2 only after a contact (display logic)."""
    if revision == 1:
        return likert(
            "contact_fair",
            "If you had contact: I was treated fairly.",
            help_text="Skip this if you had no contact with the police.",
        )
    had_contact = logic.All(
        (
            logic.Rule("police_contact", "answered"),
            logic.Rule("police_contact", "not_equals", ("none",)),
        )
    )
    return likert(
        "contact_fair",
        "In that contact, I was treated fairly.",
        show_if=condition_value(had_contact, CONTACT_HINT),
    )


# What residents without JavaScript read instead of a sentence made from the rules.
CONTACT_HINT = "Answer this if you had contact with the police in the last 12 months."


INDICES = [
    {
        "type": "index",
        "value": {
            "label": "Trust in the local police",
            "key": "trust_index",
            "items": "trust_do_right police_fair police_explain police_respect",
            "reversed_items": "",
            "favorable_at_least": 4.0,
        },
    },
    {
        "type": "index",
        "value": {
            "label": "Willingness to report and call for help",
            "key": "reporting_index",
            "items": "would_report would_call worry_stop_ice",
            "reversed_items": "worry_stop_ice",
            "favorable_at_least": 4.0,
        },
    },
]


def ensure_survey(home: HomePage) -> tuple[SurveyPage, list[Revision]]:
    """The demo survey and its two published revisions, oldest first."""
    survey = SurveyPage.objects.child_of(home).filter(slug=SLUG).first()
    if survey is None:
        survey = SurveyPage(
            title="Community Trust & Safety Survey",
            slug=SLUG,
            intro=(
                "<p>How safe do you feel with the local police? Would you call them if "
                "you needed help? Your answers, pooled by neighborhood, show the city "
                "council what is really happening.</p>"
            ),
            thank_you=(
                "<p>Results are published by neighborhood once enough people have "
                "answered, never for groups so small that someone could be recognised.</p>"
            ),
            body=questions(1),
            indices=INDICES,
            neighborhood_required=True,
            search_description="About five minutes. Anonymous: no account, no name.",
        )
        home.add_child(instance=survey)
        survey.save_revision().publish()
        survey.refresh_from_db()
        survey.body = keep_block_ids(survey.body, questions(2))
        survey.save_revision().publish()
        survey.refresh_from_db()
    published = Revision.objects.filter(
        pk__in=PageLogEntry.objects.filter(page=survey, action="wagtail.publish").values(
            "revision_id"
        )
    ).order_by("pk")
    return survey, list(published)
