"""Start and stop what the load and fault benchmarks measure, all on this machine.

- a throwaway PostgreSQL cluster (../shared/bench/pg_start.sh: trust auth, data under
  /tmp), never the shared server on 5432;
- the project's production stack (`python -m cms.serve`: gunicorn on
  cms.settings.production and an export worker) on a fresh database holding the
  30-question survey of load_survey.py, with SUBMISSION_RATE_LIMIT raised through the
  environment (every simulated resident comes from 127.0.0.1) and plain HTTP on
  127.0.0.1; the production defaults are not touched;
- the peer, ../shared/bench/peer_wagtail_forms (gunicorn, 2 sync workers).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from _setup import ROOT

SHARED = ROOT.parent / "shared" / "bench"
PY = sys.executable
BENCH_PG_PORT = int(os.environ.get("BENCH_PG_PORT", 55432))
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
RATE_LIMIT_FOR_LOAD = "1000000000"
SECRET_KEY = "benchmark-only-" + "x" * 40
EXPORT_ROOT = "/tmp/confianza-bench-exports"


def pg_url(name: str, port: int = BENCH_PG_PORT) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{name}"


_STARTED_HERE: set[str] = set()


def pg_start(port: int = BENCH_PG_PORT, data: str = "/tmp/pgbench-data") -> None:
    env = {**os.environ, "PGPORT": str(port), "PGDATA_DIR": data}
    for attempt in range(3):
        out = subprocess.run([str(SHARED / "pg_start.sh")], env=env,
                             capture_output=True, text=True)  # fmt: skip
        if out.returncode == 0:
            break
        # Seen once right after the previous run stopped its cluster: "could not bind
        # … Address already in use" (server.log). The port frees itself in seconds.
        if attempt == 2:
            raise subprocess.CalledProcessError(out.returncode, out.args, out.stdout, out.stderr)
        time.sleep(5)
    if "already running" not in out.stdout:
        _STARTED_HERE.add(data)


def pg_stop(data: str = "/tmp/pgbench-data", *, force: bool = False) -> None:
    """Stop the cluster in `data` if this run started it (or `force`: the restart test)."""
    if data in _STARTED_HERE or force:
        env = {**os.environ, "PGDATA_DIR": data}
        subprocess.run([str(SHARED / "pg_stop.sh")], env=env, check=False, capture_output=True)
        _STARTED_HERE.discard(data)


def prepare_project(engine: str, name: str, port: int = BENCH_PG_PORT) -> str:
    """A fresh database with the load survey; returns its URL."""
    env = {**os.environ, "BENCH_PG_URL": pg_url("postgres", port)}
    code = (
        "import sys; sys.path.insert(0, 'bench');"
        "from _setup import fresh_database, django_on;"
        f"url = fresh_database({engine!r}, {name!r}); django_on(url);"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "import load_survey; load_survey.create(); print(url)"
    )
    out = subprocess.run([PY, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True)
    return out.stdout.decode().strip().splitlines()[-1]


def serve_project(url: str, port: int, *, workers: int, redis: bool, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": BENCH_REDIS_URL if redis else "",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(workers),
        "SECRET_KEY": SECRET_KEY,
        "SUBMISSION_RATE_LIMIT": RATE_LIMIT_FOR_LOAD,
        "EXPORT_ROOT": EXPORT_ROOT,
        "COLLECTSTATIC": os.environ.get("COLLECTSTATIC", "1"),
    }
    return _start([PY, "-m", "cms.serve"], env, log, f"http://127.0.0.1:{port}/en/trust/")


def prepare_peer(database: str, sqlite_path: str) -> str:
    env = _peer_env(database, sqlite_path)
    subprocess.run([str(SHARED / "peer_wagtail_forms" / "setup.sh")], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    if database == "sqlite":
        return f"sqlite:///{sqlite_path}"
    return pg_url("peerforms")


def serve_peer(database: str, sqlite_path: str, port: int, log: Path) -> subprocess.Popen:
    env = {**_peer_env(database, sqlite_path), "PORT": str(port)}
    script = str(SHARED / "peer_wagtail_forms" / "serve.sh")
    return _start([script], env, log, f"http://127.0.0.1:{port}/survey/")


def _peer_env(database: str, sqlite_path: str) -> dict:
    return {
        **os.environ,
        "DATABASE": database,
        "SQLITE_PATH": sqlite_path,
        "PGPORT": str(BENCH_PG_PORT),
        "PGDATABASE": "peerforms",
        "PY": PY,
        "VENV": str(Path(PY).parent.parent),
    }


def _start(command: list[str], env: dict, log: Path, ready_url: str) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} stopped; see {log}")
        try:
            with urllib.request.urlopen(ready_url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"{ready_url} did not answer; see {log}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server started here and everything it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
