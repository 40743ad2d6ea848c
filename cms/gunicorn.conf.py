"""gunicorn for Confianza (`make serve`, and production behind a proxy).

Everything here can be overridden from the environment: WEB_CONCURRENCY (workers),
HOST/PORT or GUNICORN_BIND, GUNICORN_TIMEOUT. Sync workers: a request is a few
milliseconds of CPU, so a worker per core or two keeps the cores busy, and a worker that
dies (or is killed) takes down only the request it was serving; the master replaces it.
"""

import multiprocessing
import os

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
# A slow phone on a bad connection uploads slowly: behind a buffering proxy (nginx) this
# never ties up a worker; without one, keep the timeout generous.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
backlog = 2048
# Recycle workers now and then, so that no slow leak can build up over a long launch.
# Spread widely: workers start together and share the load evenly, so with a narrow
# spread all of them restarted within seconds of each other, and under 32 clients a
# 20-second window that held those restarts lost a sixth of its throughput and doubled
# its p95 (docs/BENCHMARKS.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests
# Django and Wagtail are imported once, in the master, before the workers are forked: a
# recycled or replaced worker starts in milliseconds instead of re-importing everything
# (about two seconds of CPU each), and the workers share those pages of memory. New code
# therefore needs a restart of gunicorn itself, not a HUP (`make serve` restarts all).
preload_app = True
wsgi_app = "cms.wsgi:application"
# No access log unless GUNICORN_ACCESS_LOG names a file ("-": standard output). Its
# lines never hold a client address, user agent, referrer, query string or code,
# whatever the format says (cms.access_log.RedactingLogger).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
logger_class = "cms.access_log.RedactingLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")


def post_worker_init(worker):
    """Everything a worker loaded to start lives as long as it does: keep it out of the
    cyclic garbage collector's sight, which otherwise walks all of Django and Wagtail
    again and again under load."""
    import gc

    gc.freeze()
