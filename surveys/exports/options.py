"""What an analyst asks for: which responses, which format, codes or labels."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext

from cms.models import Neighborhood

from ..analysis.counts import Selection
from ..models import Response, SurveyPage

FORMATS = ("xlsx", "csv", "sav", "dta", "r")
# Files for statistics packages: choices travel as value labels, never as label text.
PACKAGE_FORMATS = ("sav", "dta", "r")
EXTENSIONS = {"r": "zip"}  # the R bundle is a zip of CSVs and a script
WEIGHTINGS = ("none", "neighborhood", "rake")  # as the results view offers them


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
    language: str = ""  # SPSS, Stata, R: the labels' language; "" is the survey's own
    # The analysis sheets' choices, as on the results view: periods and weighting.
    split_at: datetime.date | None = None
    compare: tuple[tuple[datetime.date, datetime.date], ...] | None = None
    weighting: str = "none"

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ExportError(gettext("Choose XLSX, CSV, SPSS, Stata or R."))
        if self.format in PACKAGE_FORMATS and self.labels:
            raise ExportError(
                gettext(
                    "SPSS, Stata and R files keep codes and carry each choice's label with "
                    "it: leave “Choices as labels” unticked."
                )
            )
        if self.since and self.until and self.since > self.until:
            raise ExportError(gettext("The start date is after the end date."))
        if self.weighting not in WEIGHTINGS:
            raise ExportError(
                gettext("Unknown weighting '%(weighting)s'; use one of: %(known)s.")
                % {"weighting": self.weighting, "known": ", ".join(WEIGHTINGS)}
            )
        try:
            self.selection(None)  # the periods' own checks
        except ValueError as error:
            raise ExportError(
                gettext("The periods to compare cannot be used: %(why)s") % {"why": error}
            ) from error
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

    def selection(self, survey: SurveyPage | None) -> Selection:
        """The analysis sheets' selection: the export's dates and periods."""
        return Selection(
            survey=survey,
            since=self.since,
            until=self.until,
            include_partial=self.include_partial,
            split_at=self.split_at,
            compare=self.compare,
        )

    def check_weighting(self, survey: SurveyPage) -> None:
        """Refuse raking for a survey without raking margins."""
        if self.weighting == "rake" and not survey.responses_survey.raking_margins:
            raise ExportError(gettext("This survey has no raking margins in its settings."))

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

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.format, self.format)

    def file_name(self, survey: SurveyPage, today: datetime.date) -> str:
        return f"{survey.slug}-responses-{today.isoformat()}.{self.extension}"

    # --- stored with a job --------------------------------------------------------------

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("since", "until", "split_at"):
            data[name] = data[name].isoformat() if data[name] else None
        data["neighborhoods"] = list(self.neighborhoods)
        if self.compare:
            data["compare"] = [[day.isoformat() for day in period] for period in self.compare]
        return data

    @classmethod
    def from_json(cls, data: dict) -> ExportOptions:
        values = dict(data)
        for name in ("since", "until", "split_at"):
            values[name] = datetime.date.fromisoformat(values[name]) if values.get(name) else None
        values["neighborhoods"] = tuple(values.get("neighborhoods") or ())
        if values.get("compare"):
            values["compare"] = tuple(
                tuple(datetime.date.fromisoformat(day) for day in period)
                for period in values["compare"]
            )
        return cls(**values)

    def _periods(self) -> str:
        if self.split_at:
            return f"before / from {self.split_at.isoformat()}"
        if self.compare:
            return " vs ".join(f"{a.isoformat()} to {b.isoformat()}" for a, b in self.compare)
        return "(none)"

    def describe(self) -> list[tuple[str, str]]:
        """The filters in words, for the export's About sheet and the admin."""
        return [
            ("from", self.since.isoformat() if self.since else "(first response)"),
            ("to", self.until.isoformat() if self.until else "(last response)"),
            ("neighborhoods", " ".join(self.neighborhoods) or "(all)"),
            ("channel", self.channel or "(all)"),
            ("responses", "complete and partial" if self.include_partial else "complete only"),
            ("choices as", "labels" if self.labels else "codes"),
            *(
                [("labels in", self.language or "(the survey's language)")]
                if self.format in PACKAGE_FORMATS
                else []
            ),
            ("periods", self._periods()),
            ("weighting", self.weighting),
            (
                "non-substantive answers",
                "blank cells" if self.non_substantive_blank else "their codes (see the Codebook)",
            ),
        ]
