"""`make serve`: the production stack on this machine, as on a server.

gunicorn (cms.settings.production, several workers) and one export worker
(`manage.py db_worker --backend exports`; started again if it dies), after
`compile_catalogues`, `collectstatic` and `migrate`; `manage.py upkeep` runs at the
start and every hour (releases of new responses, expired sessions and partial answers).
PostgreSQL and Redis are used when DATABASE_URL and REDIS_URL say so, or when they are
found on this machine (a PostgreSQL database named `confianza` on 127.0.0.1:5432; Redis
on 127.0.0.1:6379); SQLite and per-process memory otherwise.

A secret key comes from SECRET_KEY, or is generated once into var/secret_key. On
127.0.0.1 (the default HOST) the site is served over plain HTTP, so the HTTPS redirect,
secure cookies and HSTS are switched off through the environment unless you set them;
on any other HOST they stay on (put a TLS proxy in front). COLLECTSTATIC=0 skips
collecting static files that are collected already. Ctrl-C stops everything.
Runs before Django is set up, with the standard library only.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
UPKEEP_SECONDS = 60 * 60
PLAIN_HTTP = {
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
}


def secret_key() -> str:
    """SECRET_KEY, or one generated once and kept in var/secret_key (readable by you only)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR / "secret_key"
    if not path.exists():
        VAR.mkdir(exist_ok=True, mode=0o700)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
        print(f"Generated a secret key in {path} (keep it; set SECRET_KEY to use your own).")
    return path.read_text().strip()


def answers(host: str, port: int, probe: bytes = b"") -> bytes | None:
    """What a local server at host:port says to `probe` within a second (None: nothing)."""
    try:
        with socket.create_connection((host, port), timeout=1) as conn:
            if probe:
                conn.sendall(probe)
                return conn.recv(64)
            return b""
    except OSError:
        return None


def local_redis() -> str:
    reply = answers("127.0.0.1", 6379, b"PING\r\n")
    return "redis://127.0.0.1:6379/0" if reply and reply.startswith(b"+PONG") else ""


def local_postgresql() -> str:
    """A `confianza` database on 127.0.0.1:5432, if one was created there (never creates)."""
    if answers("127.0.0.1", 5432) is None:
        return ""
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=confianza", connect_timeout=1
        ):
            return "postgres://postgres@127.0.0.1:5432/confianza"
    except Exception:  # noqa: BLE001 (any failure means: not there, use SQLite)
        return ""


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    env["SECRET_KEY"] = secret_key()
    env.setdefault("TASK_QUEUE", "database")
    if "DATABASE_URL" not in env and (found := local_postgresql()):
        env["DATABASE_URL"] = found
    if "REDIS_URL" not in env and (found := local_redis()):
        env["REDIS_URL"] = found
    if env.get("HOST", "127.0.0.1") in LOCAL_HOSTS:
        for name, value in PLAIN_HTTP.items():
            env.setdefault(name, value)
    return env


def main() -> int:
    env = environment()
    manage = [sys.executable, str(ROOT / "manage.py")]
    database = env.get("DATABASE_URL", "SQLite in var/").split("@")[-1]
    print(f"Database: {database}; cache: {env.get('REDIS_URL') or 'per-process memory'}")
    commands = [["compile_catalogues"], ["migrate", "--noinput", "-v0"]]
    if env.get("COLLECTSTATIC") != "0":  # "0": collected already (benchmarks restart often)
        commands.insert(1, ["collectstatic", "--noinput", "-v0"])
    for command in commands:
        subprocess.run([*manage, *command], env=env, check=True, cwd=ROOT)  # noqa: S603
    worker_command = [*manage, "db_worker", "--backend", "exports", "--no-startup-delay"]
    worker = subprocess.Popen(worker_command, env=env, cwd=ROOT)  # noqa: S603 (our own command)
    web = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "cms" / "gunicorn.conf.py")],
        env=env,
        cwd=ROOT,
    )
    host, port = env.get("HOST", "127.0.0.1"), env.get("PORT", "8000")
    print(f"Serving on http://{host}:{port}/ with an export worker. Ctrl-C stops both.")
    stopping = False
    # `manage.py upkeep` every hour, as cron would run it on a server (cms/upkeep.py).
    upkeep, next_upkeep = None, time.monotonic()

    def stop(*_):
        nonlocal stopping
        stopping = True
        for process in (web, worker):
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while (code := web.poll()) is None:
            if worker.poll() is not None and not stopping:
                # As gunicorn's master replaces a dead web worker: an export it was writing
                # is left unfinished (shown as failed once its heartbeat is stale), never
                # served half-written.
                print(f"The export worker stopped ({worker.returncode}); starting another.")
                worker = subprocess.Popen(worker_command, env=env, cwd=ROOT)  # noqa: S603
            if time.monotonic() >= next_upkeep and (upkeep is None or upkeep.poll() is not None):
                upkeep = subprocess.Popen([*manage, "upkeep"], env=env, cwd=ROOT)  # noqa: S603
                next_upkeep = time.monotonic() + UPKEEP_SECONDS
            with contextlib.suppress(subprocess.TimeoutExpired):
                web.wait(timeout=1)
    finally:
        stop()
        worker.wait(timeout=30)
    return code


if __name__ == "__main__":
    sys.exit(main())
