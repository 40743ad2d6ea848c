"""Access logs hold no client address, agent, referrer, query or code (cms/access_log.py).

The gunicorn test starts the real server with the project's own configuration and an
access log asked for with the widest format gunicorn knows, then reads the file.
"""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cms.access_log import RedactCodes, redact_path, redact_request_line

ROOT = Path(__file__).resolve().parents[2]
CODE = "7KQ4-MX2P"
RESUME = "ABCD-EFGH-JKMN"
AGENT = "DistinctiveAgent/9.9"
ADDRESS = "203.0.113.77"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/en/survey/invite/?code={CODE}", "/en/survey/invite/"),
        (f"/en/survey/invite/{CODE}/", "/en/survey/invite/…/"),
        (f"/es/encuesta/resume/{RESUME}/", "/es/encuesta/resume/…/"),
        ("/accounts/2fa/enrol/eyJ1c2VyIjo5fQ:1vS/", "/accounts/2fa/enrol/…/"),
        ("/en/results/?q=1", "/en/results/"),
        ("/en/", "/en/"),
    ],
)
def test_paths_lose_their_query_and_codes(path, expected):
    assert redact_path(path) == expected


def test_the_development_servers_request_lines_are_redacted():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /en/s/invite/{CODE}/?code={CODE} HTTP/1.1", "302", "0"),
        None,
    )
    assert RedactCodes().filter(record)
    assert CODE not in record.getMessage()
    assert redact_request_line(f"GET /en/s/resume/?code={RESUME} HTTP/1.1") == (
        "GET /en/s/resume/ HTTP/1.1"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_logs_no_address_agent_referrer_query_or_code(tmp_path):
    port, log = free_port(), tmp_path / "access.log"
    widest = '%(h)s %(t)s "%(r)s" %(U)s %(q)s %(s)s "%(f)s" "%(a)s" %({x-forwarded-for}i)s'
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "cms" / "gunicorn.conf.py"),
            "--access-logformat",
            widest,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        paths = [f"/en/survey/invite/?code={CODE}", f"/en/survey/resume/{RESUME}/"]
        for path in paths:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={
                    "User-Agent": AGENT,
                    "Referer": f"https://elsewhere.example/?code={CODE}",
                    "X-Forwarded-For": ADDRESS,
                },
            )
            for _attempt in range(100):
                try:
                    urllib.request.urlopen(request, timeout=5)  # noqa: S310 (our own server)
                    break
                except urllib.error.HTTPError:
                    break  # an error page is logged like any other
                except OSError:
                    time.sleep(0.2)  # not listening yet
        for _attempt in range(50):
            if log.exists() and log.read_text().count("\n") >= len(paths):
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    written = log.read_text()
    assert written.count("\n") == 2, written
    assert "/en/survey/invite/" in written and "/en/survey/resume/…/" in written
    for secret in (CODE, RESUME, AGENT, ADDRESS, "127.0.0.1", "elsewhere.example"):
        assert secret not in written, secret


def test_djangos_own_warnings_name_no_code(client, caplog, survey):
    """ "Not Found: /…/invite/<code>/" and the like, logged through the settings'
    handlers, lose the code like the access log does."""
    [configured] = [
        found
        for handler in logging.getLogger().handlers
        for found in handler.filters
        if isinstance(found, RedactCodes)
    ]
    caplog.handler.addFilter(configured)
    with caplog.at_level(logging.WARNING):
        client.get(f"/en/no-such-page/invite/{CODE}/")
        client.get(f"/accounts/2fa/enrol/{RESUME}-token/")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "invite/…/" in logged
    assert CODE not in logged and RESUME not in logged
