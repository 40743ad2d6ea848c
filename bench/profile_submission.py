"""Where a submission's time goes, in-process: CPU per request and queries, with cProfile.

Runs the production settings (plain HTTP, rate limit raised as in the load benchmark) on a
throwaway database holding the load survey, then drives N survey-page GETs, N POSTs and N
thank-you GETs through Django's test client (no sockets, no gunicorn), and prints the CPU
milliseconds and queries per request. `--profile FILE` writes a cProfile dump of the POSTs
and thank-you pages (`python -m pstats FILE`).

    .venv/bin/python bench/profile_submission.py --engine sqlite -n 200
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from _setup import ROOT, fresh_database

sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--profile", help="write a cProfile dump of the submissions here")
    parser.add_argument(
        "--queries", action="store_true", help="print the SQL of the last request of each kind"
    )
    args = parser.parse_args()

    url = fresh_database(args.engine, "confianza_profile")
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="profile-only-" + "x" * 40,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SUBMISSION_RATE_LIMIT="1000000000",
        ALLOWED_HOSTS="*",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import load
    import load_survey
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    path = load_survey.create()
    client = Client()
    page = client.get(path).content.decode()
    started = load.hidden(page, "started")
    time.sleep(settings.MINIMUM_FILL_SECONDS + 0.1)
    rng = random.Random(1)

    def measure(label, call, profiler=None):
        cpu, queries = [], []
        for _ in range(args.n):
            with CaptureQueriesContext(connection) as captured:
                start = time.process_time()
                if profiler:
                    profiler.enable()
                response = call()
                if profiler:
                    profiler.disable()
                cpu.append(time.process_time() - start)
            queries.append(len(captured))
            if args.queries and len(queries) == args.n:
                print(f"--- {label}")
                for query in captured.captured_queries:
                    print("   ", query["sql"][:150])
            assert response.status_code in (200, 302), (label, response.status_code)
        cpu.sort()
        print(f"{label:<14} CPU median {1000 * cpu[len(cpu) // 2]:6.2f} ms, "
              f"p90 {1000 * cpu[int(len(cpu) * 0.9)]:6.2f} ms, queries {max(queries)}")  # fmt: skip
        return response

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    measure("survey GET", lambda: client.get(path))
    thanks = []

    def post():
        fields, _ = load.project_fields(rng, page, started)
        body = "&".join(f"{k}={v}" for k, v in fields)
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        thanks.append(response["Location"])
        return response

    measure("POST", post, profiler)
    measure("thank-you GET", lambda: client.get(thanks[-1]), profiler)
    if profiler:
        profiler.dump_stats(args.profile)
    reset_queries()
    return 0


if __name__ == "__main__":
    sys.exit(main())
