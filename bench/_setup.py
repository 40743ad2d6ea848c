"""Shared set-up for the benchmarks: a Django environment on a throwaway database."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(engine: str, name: str) -> str:
    if engine == "sqlite":
        return f"sqlite:////tmp/{name}.sqlite3"
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def fresh_database(engine: str, name: str) -> str:
    """Drop and recreate the benchmark database; return its URL."""
    url = database_url(engine, name)
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"/tmp/{name}.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect(
            PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    return url


def django_on(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(function, runs: int = 3) -> tuple[float, list[float]]:
    """Median and all of `runs` wall-clock timings of `function()`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], times


def machine() -> str:
    import platform

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
