"""Exports as background jobs: queued, run by a task worker, downloaded, expired.

The admin asks for an export; a job row records who asked, the filters and its
progress; the task (Django's tasks API, backend "exports") writes the file under
EXPORT_ROOT, outside public media, and marks the job done only once the file is
complete and in place. With no worker (the embedded default and tests) the task runs
at once in the request. While a job runs, a thread of its worker beats its heartbeat
every HEARTBEAT_EVERY (besides each page of progress), also through the long silent
parts: the analysis sheets, and xlsxwriter zipping a big file at the end. A worker
killed mid-export stops beating, and so does an export stuck for STUCK_AFTER: after
STALE_AFTER without a beat the job counts as failed, its partial file is never served,
and the analyst can start it again. Files expire after EXPIRES_AFTER.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from cms.private_files import private_directory

from .options import ExportError, ExportOptions

logger = logging.getLogger(__name__)

EXPIRES_AFTER = datetime.timedelta(hours=24)
STALE_AFTER = datetime.timedelta(minutes=2)
HEARTBEAT_EVERY = 30  # seconds, well inside STALE_AFTER
# No page of progress for this long (the analysis sheets and a big XLSX's closing zip
# take a minute or two at most): the export is stuck, and its heartbeat stops.
STUCK_AFTER = datetime.timedelta(minutes=20)


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        "surveys.SurveyPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("survey")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    options = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"

    @property
    def export_options(self) -> ExportOptions:
        return ExportOptions.from_json(self.options)

    @property
    def path(self) -> Path:
        return export_root() / f"{self.pk}.{self.export_options.extension}"

    @property
    def expires_at(self) -> datetime.datetime | None:
        return self.finished_at + EXPIRES_AFTER if self.finished_at else None

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def is_stale(self, now=None) -> bool:
        """A running job whose worker stopped reporting: killed, or the machine went down.
        (A queued job waits for a worker however long that takes.)"""
        if self.status != self.Status.RUNNING:
            return False
        last = self.heartbeat_at or self.created_at
        return (now or timezone.now()) - last > STALE_AFTER

    def is_downloadable(self, now=None) -> bool:
        return (
            self.status == self.Status.DONE
            and (now or timezone.now()) < self.expires_at
            and self.path.is_file()
        )

    def state(self, now=None) -> str:
        """The status as shown: a stalled job is failed, an expired one gone."""
        if self.is_stale(now):
            return "failed"
        if self.status == self.Status.DONE and not self.is_downloadable(now):
            return "expired"
        return self.status


def export_root() -> Path:
    """The folder of finished exports: readable by the site's own user only."""
    return private_directory(Path(settings.EXPORT_ROOT))


def start_export(*, survey, user, options: ExportOptions) -> ExportJob:
    """Record a job for `survey` and queue it (it runs at once with no worker)."""
    from .build import count_responses

    options.check_neighborhoods()
    options.check_weighting(survey)
    job = ExportJob.objects.create(
        survey=survey.responses_survey,
        requested_by=user,
        options=options.to_json(),
        total=count_responses(survey, options),
    )
    transaction.on_commit(lambda: run_export.enqueue(str(job.pk)))
    return job


@task(backend="exports")
def run_export(job_id: str) -> str:
    """Write a job's file; the job records progress, then done or failed."""
    from feedback.models import MODERATE

    from .build import feedback_sheet, write_export

    job = ExportJob.objects.select_related("survey").get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:
        return job.status  # a retry of a job that already ran
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, heartbeat_at=now)

    beating = _Heartbeat(job.pk)

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=done, heartbeat_at=timezone.now())
        beating.moved()

    try:
        moderator = job.requested_by is not None and job.requested_by.has_perm(MODERATE)
        with beating:
            write_export(
                job.survey.specific,
                job.export_options,
                job.path,
                progress=progress,
                extra_sheets=lambda: [feedback_sheet(include_original=moderator)],
            )
    except ExportError as error:
        _fail(job, str(error))
        return "failed"
    except Exception:
        logger.exception("Export %s failed", job.pk)
        _fail(job, gettext("The export failed. Try again; if it fails again, tell an admin."))
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        file_name=job.export_options.file_name(job.survey, timezone.localdate()),
    )
    return "done"


def _beat(job_id: uuid.UUID) -> None:
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )


class _Heartbeat:
    """While its block runs, a thread (with its own database connection) beats the job's
    heartbeat every HEARTBEAT_EVERY seconds: the worker is alive. It dies with the
    process, which is the point, and it stops beating once the export has not moved for
    STUCK_AFTER (`moved` is called with each page of progress): a hung export shows as
    failed, as a dead one does. A failed beat (the database restarting) is retried at
    the next one on a fresh connection."""

    def __init__(self, job_id: uuid.UUID, beat: Callable[[uuid.UUID], None] | None = None):
        self.job_id, self.beat = job_id, beat or _beat
        self.stop = threading.Event()
        self.last_moved = time.monotonic()

    def moved(self) -> None:
        self.last_moved = time.monotonic()

    def _run(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT_EVERY):
                if time.monotonic() - self.last_moved > STUCK_AFTER.total_seconds():
                    continue
                try:
                    self.beat(self.job_id)
                except DatabaseError:
                    logger.warning("Export %s: heartbeat not recorded", self.job_id)
                    connection.close()
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        self.thread = threading.Thread(
            target=self._run, name=f"export-heartbeat-{self.job_id}", daemon=True
        )
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def _fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def delete_expired_exports(now=None) -> int:
    """Delete expired jobs' files and rows, stale jobs' leftovers; return how many files
    and folders were deleted."""
    now = now or timezone.now()
    deleted = 0
    expired = ExportJob.objects.filter(finished_at__lt=now - EXPIRES_AFTER)
    for job in expired:
        if job.path.exists():
            job.path.unlink()
            deleted += 1
    expired.delete()
    # Half-written files of jobs whose worker died (the writer renames complete ones):
    # stale once not written for STALE_AFTER. The XLSX writer's folders of temporary
    # files (writers.write_xlsx) of those jobs: after EXPIRES_AFTER, as finished files,
    # since while xlsxwriter zips a big sheet nothing in its folder changes.
    for leftover in export_root().glob(".*.part*"):
        try:
            folder = leftover.is_dir()
            if now - _last_written(leftover) <= (EXPIRES_AFTER if folder else STALE_AFTER):
                continue
            if folder:
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
        except FileNotFoundError:  # its writer finished (or removed it) meanwhile
            continue
        deleted += 1
    return deleted


def _last_written(path: Path) -> datetime.datetime:
    """When `path`, or for a folder anything in it, was last written."""
    times = [path.stat().st_mtime]
    if path.is_dir():
        times += [child.stat().st_mtime for child in path.iterdir()]
    return datetime.datetime.fromtimestamp(max(times), tz=datetime.UTC)
