"""`make bench-faults`: the production stack keeps every answer when something dies.

Each scenario runs bench/load.py against a fresh stack for a bounded time:

- worker-kill: PostgreSQL (throwaway cluster), 2 gunicorn workers, 8 residents; a
  worker is killed with SIGKILL mid-run. Every acknowledged response is stored whole,
  nothing partial, and the master has replaced the worker.
- postgres-restart: its own throwaway cluster on port 55433; PostgreSQL is stopped for a
  few seconds mid-run and started again. Residents get the 503 retry page (never a 500),
  every acknowledged response is stored whole, and the service resumes on its own: a
  short run afterwards has no errors.
- sqlite-locks: SQLite, 2 gunicorn workers, 32 residents: no error at all (no "database
  is locked" reaches anyone), exactly one response per acknowledgement.
- export-worker-kill: PostgreSQL, 10,000 responses; the export worker gets SIGKILL while
  it writes an XLSX export. The job is never marked done, no file is in place to serve
  (only the hidden `.part`), the job shows as failed once its heartbeat is stale, the
  stack starts another worker, and the next export completes to a whole workbook.

  .venv/bin/python bench/faults.py [--only worker-kill postgres-restart sqlite-locks
                                           export-worker-kill]
Prints PASS/FAIL per scenario; exits non-zero if any fails.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402
from _setup import ROOT  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PORT = 8803
FAULT_PG_PORT, FAULT_PG_DATA = 55433, "/tmp/pgbench-fault-data"


def load(url: str, clients: int, duration: float, label: str) -> dict:
    command = [
        stack.PY, str(ROOT / "bench" / "load.py"), "--base", f"http://127.0.0.1:{PORT}",
        "--database-url", url, "-c", str(clients), "-d", str(duration), "--faults",
        "--label", label, "--json", str(RESULTS / "faults.jsonl"),
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def later(seconds: float, action) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()))
    thread.start()
    return thread


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def gunicorn_workers(server: subprocess.Popen) -> list[int]:
    for child in children(server.pid):
        if b"gunicorn" in Path(f"/proc/{child}/cmdline").read_bytes():
            return sorted(children(child))
    return []


def unacknowledged_but_stored_ok(result: dict) -> bool:
    """Stored beyond the acknowledged only as many as posts that broke off (connection
    lost) or were acknowledged by the redirect but whose thank-you page failed. A post
    answered with an error page (asking to send again) must have stored nothing."""
    unknown = sum(
        n for kind, n in result["error_kinds"].items() if not kind.startswith(("get ", "post "))
    )
    return result["stored"]["responses"] - result["ok"] <= unknown


def worker_kill() -> tuple[bool, str]:
    stack.pg_start()
    url = stack.prepare_project("postgres", "confianza_faults")
    server = stack.serve_project(url, PORT, workers=2, redis=True, log=RESULTS / "faults.log")
    try:
        before = gunicorn_workers(server)
        killer = later(4, lambda: os.kill(before[0], signal.SIGKILL))
        result = load(url, 8, 12, "fault/worker-kill")
        killer.join()
        time.sleep(2)
        after = gunicorn_workers(server)
    finally:
        stack.stop(server)
        stack.pg_stop()
    replaced = len(after) == len(before) and before[0] not in after
    ok = result["integrity_ok"] and unacknowledged_but_stored_ok(result) and replaced
    return ok, f"workers {before} -> {after}; {summary(result)}"


def postgres_restart() -> tuple[bool, str]:
    stack.pg_start(FAULT_PG_PORT, FAULT_PG_DATA)
    url = stack.prepare_project("postgres", "confianza_faults", FAULT_PG_PORT)
    server = stack.serve_project(url, PORT, workers=2, redis=True, log=RESULTS / "faults.log")
    try:

        def restart():
            stack.pg_stop(FAULT_PG_DATA, force=True)
            time.sleep(3)
            stack.pg_start(FAULT_PG_PORT, FAULT_PG_DATA)

        restarter = later(5, restart)
        result = load(url, 8, 20, "fault/postgres-restart")
        restarter.join()
        after = load(url, 4, 3, "fault/postgres-restart/after")
    finally:
        stack.stop(server)
        stack.pg_stop(FAULT_PG_DATA, force=True)
    kinds = set(result["error_kinds"])
    only_retry_pages = all(kind.endswith("retry page") for kind in kinds)
    ok = (
        result["integrity_ok"]
        and unacknowledged_but_stored_ok(result)
        and only_retry_pages
        and after["errors"] == 0
        and after["ok"] > 0
    )
    return ok, f"{summary(result)}; afterwards {summary(after)}"


def sqlite_locks() -> tuple[bool, str]:
    url = stack.prepare_project("sqlite", "confianza_faults")
    log = RESULTS / "faults-sqlite.log"
    server = stack.serve_project(url, PORT, workers=2, redis=False, log=log)
    try:
        result = load(url, 32, 15, "fault/sqlite-locks")
    finally:
        stack.stop(server)
    locked = "database is locked" in log.read_text()
    ok = result["integrity_ok"] and result["errors"] == 0 and not locked
    exact = result["stored"]["responses"] == result["ok"]
    return ok and exact, f"'database is locked' in server log: {locked}; {summary(result)}"


EXPORT_RESPONSES = 10_000


def django(url: str, code: str) -> dict:
    """Run `code` (which sets `result`) with Django on `url`, as the stack sees it; the
    JSON of `result` is returned."""
    env = {
        **os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": stack.SECRET_KEY, "TASK_QUEUE": "database",
        "EXPORT_ROOT": stack.EXPORT_ROOT,
    }  # fmt: skip
    script = f"import django, json; django.setup()\n{code}\nprint(json.dumps(result))"
    out = subprocess.run([stack.PY, "-c", script], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=600, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


FILL = f"""
import random, sys
sys.path.insert(0, "bench")
import load_survey
from django.utils import timezone
from surveys.models import SurveyPage
from surveys.questionnaire import build_questionnaire
from surveys.submission import ResponseData, record_responses
survey = SurveyPage.objects.get(slug=load_survey.SLUG)
questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
rng = random.Random(3)
rows = [ResponseData(answers=load_survey.answers(rng), submitted_on=timezone.localdate(),
                     language="en") for _ in range({EXPORT_RESPONSES})]
result = record_responses(survey=survey, questionnaire=questionnaire, responses=rows)
"""
START = """
from django.db import transaction
from surveys.exports.jobs import start_export
from surveys.exports.options import ExportOptions
from surveys.models import SurveyPage
with transaction.atomic():
    job = start_export(survey=SurveyPage.objects.get(slug="trust"), user=None,
                       options=ExportOptions(format="xlsx"))
result = str(job.pk)
"""
CHECK = """
import zipfile
from surveys.exports.jobs import STALE_AFTER, ExportJob
job = ExportJob.objects.get(pk="{job}")
later = (job.heartbeat_at or job.created_at) + STALE_AFTER + STALE_AFTER / 10
result = dict(status=job.status, done=job.done, total=job.total, in_place=job.path.exists(),
              parts=len(list(job.path.parent.glob(".*.part"))),
              downloadable=job.is_downloadable(), state_later=job.state(later),
              whole=job.path.is_file() and zipfile.is_zipfile(job.path))
"""


def wait_for(url: str, job: str, ready, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        state = django(url, CHECK.format(job=job))
        if ready(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.5)


def export_worker(server: subprocess.Popen) -> int | None:
    for child in children(server.pid):
        if b"db_worker" in Path(f"/proc/{child}/cmdline").read_bytes():
            return child
    return None


def export_worker_kill() -> tuple[bool, str]:
    stack.pg_start()
    url = stack.prepare_project("postgres", "confianza_faults")
    django(url, FILL)
    server = stack.serve_project(url, PORT, workers=2, redis=True, log=RESULTS / "faults.log")
    try:
        job = django(url, START)
        running = wait_for(url, job, lambda s: s["status"] == "running" and s["done"] > 0, 120)
        killed = export_worker(server)
        os.kill(killed, signal.SIGKILL)
        time.sleep(2)
        after_kill = django(url, CHECK.format(job=job))
        time.sleep(3)
        replacement = export_worker(server)
        second = django(url, START)
        finished = wait_for(url, second, lambda s: s["status"] in ("done", "failed"), 300)
    finally:
        stack.stop(server)
        stack.pg_stop()
    ok = (
        running["status"] == "running"
        and after_kill["status"] == "running"  # never "done"
        and not after_kill["in_place"]
        and not after_kill["downloadable"]
        and after_kill["state_later"] == "failed"
        and replacement not in (None, killed)
        and finished["status"] == "done"
        and finished["downloadable"]
        and finished["whole"]
    )
    return ok, (
        f"killed worker {killed} at {running['done']}/{running['total']} responses; "
        f"the job then: {after_kill['status']}, file in place {after_kill['in_place']}, "
        f"half-written .part files {after_kill['parts']}, downloadable "
        f"{after_kill['downloadable']}, shown after the stale delay as "
        f"{after_kill['state_later']!r}; new worker {replacement}; the next export: "
        f"{finished['status']}, whole workbook {finished['whole']}"
    )


def summary(result: dict) -> str:
    return (
        f"{result['ok']} acknowledged, {result['stored']['responses']} stored, "
        f"incomplete {result['stored']['incomplete']}, errors {result['error_kinds']}"
    )


SCENARIOS = {
    "worker-kill": worker_kill,
    "postgres-restart": postgres_restart,
    "sqlite-locks": sqlite_locks,
    "export-worker-kill": export_worker_kill,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS))
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name in args.only:
        passed, detail = SCENARIOS[name]()
        failed += not passed
        print(f"{'PASS' if passed else 'FAIL'} {name}: {detail}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
