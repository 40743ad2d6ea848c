"""Interventions: the events an impact analysis compares before and after.

An organizer records an enforcement change (a 287(g) agreement, a task force, a new
policy) as data: its name, when it was announced, when it started (and ended, if it
has), which survey it concerns (or every survey) and which neighborhoods it covers (all
of them, or some). `analyze SLUG --intervention NAME` and the admin's "Trends & impact"
read it (surveys/analysis/impact_report.py); the statistics are in
surveys/analysis/impact.py. Analysts may read interventions, organizers edit them
(surveys/migrations/0011_interventions.py grants the permissions).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import Neighborhood


def date_errors(announced_on, starts_on, ends_on) -> dict[str, str]:
    """Field errors for the three dates, in plain words (empty when they are in order)."""
    errors = {}
    if announced_on and starts_on and starts_on < announced_on:
        errors["starts_on"] = gettext("The start cannot be before the announcement.")
    if starts_on and ends_on and ends_on <= starts_on:
        errors["ends_on"] = gettext("The end must be after the start.")
    return errors


class InterventionForm(WagtailAdminModelForm):
    """Dates in order, and some neighborhoods chosen unless it covers them all."""

    def clean(self):
        data = super().clean()
        for name, message in date_errors(
            data.get("announced_on"), data.get("starts_on"), data.get("ends_on")
        ).items():
            self.add_error(name, message)
        if not data.get("covers_all") and not data.get("neighborhoods"):
            self.add_error(
                "neighborhoods",
                gettext("Choose the neighborhoods it covers, or tick “covers every neighborhood”."),
            )
        if data.get("covers_all") and data.get("neighborhoods"):
            self.add_error(
                "neighborhoods",
                gettext(
                    "It covers every neighborhood: leave the list empty, or untick "
                    "“covers every neighborhood”."
                ),
            )
        return data


class Intervention(models.Model):
    name = models.CharField(
        _("name"),
        max_length=120,
        unique=True,
        help_text=_("For example “County 287(g) task-force agreement”."),
    )
    description = models.TextField(_("description"), blank=True)
    announced_on = models.DateField(_("announced on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Leave empty if it is still in force.")
    )
    survey = models.ForeignKey(
        "surveys.SurveyPage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey"),
        help_text=_("Leave empty for an event that concerns every survey."),
    )
    public = models.BooleanField(
        _("mark on public results pages"),
        default=False,
        help_text=_(
            "Show its name and dates on the trend charts of public results pages. Leave "
            "unticked for an event you track for analysis only."
        ),
    )
    covers_all = models.BooleanField(_("covers every neighborhood"), default=False)
    neighborhoods = models.ManyToManyField(
        Neighborhood,
        blank=True,
        related_name="+",
        verbose_name=_("neighborhoods covered"),
        help_text=_(
            "Where it applies. The others are the comparison neighborhoods of the "
            "difference-in-differences."
        ),
    )

    base_form_class = InterventionForm
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("announced_on"), FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("survey"),
        FieldPanel("public"),
        FieldPanel("covers_all"),
        FieldPanel("neighborhoods", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta:
        ordering = ["starts_on", "name"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__gte=models.F("announced_on")),
                name="intervention_starts_after_announcement",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gt=models.F("starts_on")),
                name="intervention_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = date_errors(self.announced_on, self.starts_on, self.ends_on)
        if errors:
            raise ValidationError(errors)

    def covered_codes(self) -> set[str] | None:
        """The codes of the neighborhoods covered; None when it covers every one."""
        if self.covers_all:
            return None
        return set(self.neighborhoods.values_list("code", flat=True))


class InterventionViewSet(SnippetViewSet):
    model = Intervention
    icon = "date"
    menu_label = _("Interventions")
    menu_order = 270
    add_to_admin_menu = True
    list_display = ["name", "announced_on", "starts_on", "ends_on", "survey"]
    search_fields = ["name", "description"]
