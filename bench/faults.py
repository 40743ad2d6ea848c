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

  .venv/bin/python bench/faults.py [--only worker-kill postgres-restart sqlite-locks]
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


def summary(result: dict) -> str:
    return (
        f"{result['ok']} acknowledged, {result['stored']['responses']} stored, "
        f"incomplete {result['stored']['incomplete']}, errors {result['error_kinds']}"
    )


SCENARIOS = {
    "worker-kill": worker_kill,
    "postgres-restart": postgres_restart,
    "sqlite-locks": sqlite_locks,
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
