"""Load test: C simulated residents answer a survey for D seconds (stdlib HTTP client).

Each resident, in a closed loop: GET the survey page, POST valid answers, and follow
the redirect to the thank-you page. A submission counts only when the thank-you page
has arrived, as a resident would see it; its latency is the POST plus that GET. The
peer (../shared/bench/peer_wagtail_forms) is driven through the same loop: its POST
answers with the thank-you page directly.

The survey asks to confirm a form sent faster than MINIMUM_FILL_SECONDS after it was
shown. Each resident therefore fetches a form-start token before the clock starts and
posts it once it is old enough, as a person who took a few seconds would; nothing is
switched off for the benchmark. The per-client rate limit is the server's
SUBMISSION_RATE_LIMIT, which the benchmark stack raises through the environment (all
simulated residents share 127.0.0.1).

With --submit-only each resident fetches the form once and then only submits (and, for
the project, follows the redirect), the loop of ../shared/bench/submit_load.py that
measured the peer's published figures.

After the run it checks the database: exactly one complete response per acknowledged
submission, every one with all the answer rows that were posted, and no partial rows.

  .venv/bin/python bench/load.py --target project --base http://127.0.0.1:8802 \
      --database-url postgres://postgres@127.0.0.1:55432/confianza_load -c 32 -d 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_survey  # noqa: E402
from load_rows import count_rows  # noqa: E402

MINIMUM_FILL_SECONDS = 3
PEER_PATH = "/survey/"
PEER_CHOICES = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


@dataclass
class Tally:
    ok: int = 0
    rows: int = 0
    errors: dict = field(default_factory=dict)
    submit: list = field(default_factory=list)
    get: list = field(default_factory=list)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def add(self, other: Tally) -> None:
        self.ok += other.ok
        self.rows += other.rows
        self.submit += other.submit
        self.get += other.get
        for kind, n in other.errors.items():
            self.errors[kind] = self.errors.get(kind, 0) + n


class Browser:
    """One resident's connection and cookies."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.host}:{self.port}"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return response.status, response.getheader("Location", ""), content

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found[1] if found else ""


def project_fields(rng: random.Random, page: str, started: str) -> tuple[list, int]:
    answers = load_survey.form_fields(load_survey.answers(rng))
    fields = [
        ("csrfmiddlewaretoken", hidden(page, "csrfmiddlewaretoken")),
        ("revision", hidden(page, "revision")),
        ("page", "0"),
        ("started", started),
        ("website", ""),
        ("action", "submit"),
        *answers,
    ]
    # The neighborhood is stored on the response; every other posted value is an answer row.
    return fields, len(answers) - 1


def peer_fields(rng: random.Random, page: str, started: str) -> tuple[list, int]:
    fields = [("csrfmiddlewaretoken", hidden(page, "csrfmiddlewaretoken"))]
    for i in range(1, 11):
        fields.append((f"radio_question_{i:02d}", rng.choice(PEER_CHOICES)))
        fields.append((f"dropdown_question_{i:02d}", rng.choice(PEER_CHOICES)))
    for i in range(1, 6):
        fields.append((f"number_question_{i}", str(rng.randint(0, 100))))
        fields.append((f"text_question_{i}", " ".join(rng.sample(load_survey.WORDS, 2))))
    return fields, 1


def resident(args, path: str, index: int, start: threading.Event, deadline: list, tally: Tally):
    rng = random.Random(args.seed * 1000 + index)
    host, port = urllib.parse.urlsplit(args.base).hostname, urllib.parse.urlsplit(args.base).port
    browser = Browser(host, port, args.timeout)
    build = project_fields if args.target == "project" else peer_fields
    try:  # the form-start token, shown before the clock starts
        _, _, first = browser.request("GET", path)
        started = hidden(first.decode(), "started")
    except (OSError, http.client.HTTPException):
        first, started = b"", ""
    start.wait()
    while time.perf_counter() < deadline[0]:
        t0 = time.perf_counter()
        try:
            if args.submit_only:  # as ../shared/bench/submit_load.py: the form fetched once
                page = first
            else:
                status, _, page = browser.request("GET", path)
                if status != 200:
                    retry = b"try again" in page
                    tally.error(f"get {status}" + (" retry page" if retry else ""))
                    time.sleep(0.05)
                    continue
                tally.get.append(time.perf_counter() - t0)
            fields, rows = build(rng, page.decode(), started)
            body = urllib.parse.urlencode(fields).encode()
            t1 = time.perf_counter()
            status, location, content = browser.request("POST", path, body)
            stage = "post"
            if status == 302 and args.target == "project":
                # Stored and acknowledged; the resident has yet to see the thank-you page.
                stage = "thanks"
                status, location, content = browser.request("GET", location)
            if status == 200 and b"Thank you" in content:
                tally.ok += 1
                tally.rows += rows
                tally.submit.append(time.perf_counter() - t1)
            else:
                retry = b"try again" in content and status == 503
                tally.error(f"{stage} {status}" + (" retry page" if retry else ""))
        except (OSError, http.client.HTTPException) as exc:
            tally.error(type(exc).__name__)
            time.sleep(0.05)
    browser.close()


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000, 1)


def run(args) -> dict:
    path = args.path or (PEER_PATH if args.target == "peer" else f"/en/{load_survey.SLUG}/")
    before = count_rows(args.target, args.database_url)
    tallies = [Tally() for _ in range(args.concurrency)]
    start, deadline = threading.Event(), [0.0]
    threads = [
        threading.Thread(target=resident, args=(args, path, i, start, deadline, tallies[i]))
        for i in range(args.concurrency)
    ]
    for thread in threads:
        thread.start()
    time.sleep(MINIMUM_FILL_SECONDS + 0.5)  # every form-start token is old enough now
    began = time.perf_counter()
    deadline[0] = began + args.duration
    start.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    total = Tally()
    for tally in tallies:
        total.add(tally)
    after = count_rows(args.target, args.database_url)
    stored = {key: after[key] - before[key] for key in after}
    result = {
        "label": args.label,
        "target": args.target,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "ok": total.ok,
        "ok_per_s": round(total.ok / elapsed, 1),
        "errors": sum(total.errors.values()),
        "error_kinds": total.errors,
        "p50_ms": percentile(total.submit, 50),
        "p95_ms": percentile(total.submit, 95),
        "p99_ms": percentile(total.submit, 99),
        "mean_ms": round(statistics.fmean(total.submit) * 1000, 1) if total.submit else None,
        "get_p50_ms": percentile(total.get, 50),
        "get_p95_ms": percentile(total.get, 95),
        "get_p99_ms": percentile(total.get, 99),
        "stored": stored,
    }
    exact = stored["responses"] == total.ok and stored.get("partial", 0) == 0
    if args.target == "project":
        exact = exact and stored["answers"] == total.rows and stored["incomplete"] == 0
    # Under faults an unacknowledged submission may or may not have been stored, but
    # every acknowledged one must be, whole.
    at_least = stored["responses"] >= total.ok and stored.get("incomplete", 0) == 0
    result["integrity_ok"] = at_least if args.faults else exact
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["project", "peer"], default="project")
    parser.add_argument("--base", default="http://127.0.0.1:8802")
    parser.add_argument("--path", default="")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("-c", "--concurrency", type=int, default=8)
    parser.add_argument("-d", "--duration", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--label", default="")
    parser.add_argument("--faults", action="store_true", help="acknowledged <= stored")
    parser.add_argument(
        "--submit-only",
        action="store_true",
        help="each resident fetches the form once, then only submits (submit_load.py's loop)",
    )
    parser.add_argument("--json", help="append the result line to this file")
    args = parser.parse_args(argv)
    if urllib.parse.urlsplit(args.base).hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("load tests run against this machine only")
    result = run(args)
    line = json.dumps(result)
    print(line, flush=True)
    if args.json:
        with open(args.json, "a") as out:
            out.write(line + "\n")
    return 0 if result["integrity_ok"] else 2


if __name__ == "__main__":
    sys.exit(main())
