"""What an analyst asks for: which responses, which format, codes or labels."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext

from cms.models import Neighborhood

from ..models import Response, SurveyPage

FORMATS = ("xlsx", "csv")


class ExportError(ValueError):
    """A request for an export that cannot be met; the message says why, plainly."""


@dataclass(frozen=True)
class ExportOptions:
    """Filters and form of one export. Plain data: it is stored with a job as JSON."""

    format: str = "xlsx"
    since: datetime.date | None = None
    until: datetime.date | None = None
    neighborhoods: tuple[str, ...] = ()  # codes; none means all
    channel: str = ""  # "" means every channel
    include_partial: bool = False
    labels: bool = False  # single choices as labels instead of codes
    # "Don't know", "prefer not to say"... as blank cells instead of their codes (98, 99).
    non_substantive_blank: bool = False
    bom: bool = False  # CSV: a byte-order mark, so that Excel reads UTF-8

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ExportError(gettext("Choose XLSX or CSV."))
        if self.since and self.until and self.since > self.until:
            raise ExportError(gettext("The start date is after the end date."))
        if self.channel and self.channel not in Response.Channel.values:
            raise ExportError(
                gettext("Unknown channel '%(channel)s'; use one of: %(known)s.")
                % {"channel": self.channel, "known": ", ".join(Response.Channel.values)}
            )

    def check_neighborhoods(self) -> None:
        """Refuse a filter naming a neighborhood that does not exist."""
        if not self.neighborhoods:
            return
        known = set(
            Neighborhood.objects.filter(code__in=self.neighborhoods).values_list("code", flat=True)
        )
        missing = [code for code in self.neighborhoods if code not in known]
        if missing:
            raise ExportError(
                gettext("No neighborhood has the code: %(codes)s.") % {"codes": ", ".join(missing)}
            )

    def responses(self, survey: SurveyPage) -> QuerySet[Response]:
        """The responses this export covers (unordered): released ones only."""
        queryset = Response.objects.filter(survey=survey.responses_survey, released=True)
        if not self.include_partial:
            queryset = queryset.filter(status=Response.Status.COMPLETE)
        if self.since:
            queryset = queryset.filter(submitted_on__gte=self.since)
        if self.until:
            queryset = queryset.filter(submitted_on__lte=self.until)
        if self.neighborhoods:
            queryset = queryset.filter(neighborhood__code__in=self.neighborhoods)
        if self.channel:
            queryset = queryset.filter(channel=self.channel)
        return queryset

    def file_name(self, survey: SurveyPage, today: datetime.date) -> str:
        return f"{survey.slug}-responses-{today.isoformat()}.{self.format}"

    # --- stored with a job --------------------------------------------------------------

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("since", "until"):
            data[name] = data[name].isoformat() if data[name] else None
        data["neighborhoods"] = list(self.neighborhoods)
        return data

    @classmethod
    def from_json(cls, data: dict) -> ExportOptions:
        values = dict(data)
        for name in ("since", "until"):
            values[name] = datetime.date.fromisoformat(values[name]) if values.get(name) else None
        values["neighborhoods"] = tuple(values.get("neighborhoods") or ())
        return cls(**values)

    def describe(self) -> list[tuple[str, str]]:
        """The filters in words, for the export's About sheet and the admin."""
        return [
            ("from", self.since.isoformat() if self.since else "(first response)"),
            ("to", self.until.isoformat() if self.until else "(last response)"),
            ("neighborhoods", " ".join(self.neighborhoods) or "(all)"),
            ("channel", self.channel or "(all)"),
            ("responses", "complete and partial" if self.include_partial else "complete only"),
            ("choices as", "labels" if self.labels else "codes"),
            (
                "non-substantive answers",
                "blank cells" if self.non_substantive_blank else "their codes (see the Codebook)",
            ),
        ]
