"""`make bench-load`: the project and the peer under the same load, alternated, per database.

For each database (SQLite, then PostgreSQL on a throwaway cluster) both are set up
afresh and served side by side; then for each concurrency, run after run, the peer and
the project take turns under bench/load.py, so that both see the same machine. A
warm-up run of each precedes the measured ones. Prints the medians as a Markdown table
for docs/BENCHMARKS.md; every run is appended to bench/results/load.jsonl.

  .venv/bin/python bench/load_matrix.py [--databases sqlite postgres] [--clients 8 32]
      [--runs 3] [--duration 20] [--workers 4] [--submit-only]
Short smoke run: --databases sqlite --clients 4 --runs 1 --duration 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402
from _setup import ROOT, machine  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PROJECT_PORT, PEER_PORT = 8802, 8801
SUBMIT_ONLY = "--submit-only" in sys.argv


def load(target: str, base: str, url: str, clients: int, duration: float, label: str) -> dict:
    command = [
        stack.PY, str(ROOT / "bench" / "load.py"), "--target", target, "--base", base,
        "--database-url", url, "-c", str(clients), "-d", str(duration), "--label", label,
        "--json", str(RESULTS / "load.jsonl"),
    ]  # fmt: skip
    if SUBMIT_ONLY:
        command.append("--submit-only")
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if not out.stdout.strip():
        raise RuntimeError(out.stderr)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {label}: {result['ok_per_s']}/s p95 {result['p95_ms']} ms, "
          f"GET p95 {result['get_p95_ms']} ms, errors {result['errors']}, "
          f"integrity {result['integrity_ok']}", flush=True)  # fmt: skip
    return result


def measure(database: str, args) -> list[tuple]:
    if database == "postgres":
        stack.pg_start()
    project_url = stack.prepare_project(database, "confianza_load")
    peer_url = stack.prepare_peer(database, "/tmp/peer_load.sqlite3")
    project = stack.serve_project(
        project_url, PROJECT_PORT, workers=args.workers, redis=database == "postgres",
        log=RESULTS / f"project-{database}.log",
    )  # fmt: skip
    peer = stack.serve_peer(database, "/tmp/peer_load.sqlite3", PEER_PORT, RESULTS / "peer.log")
    bases = {
        "peer": (f"http://127.0.0.1:{PEER_PORT}", peer_url),
        "project": (f"http://127.0.0.1:{PROJECT_PORT}", project_url),
    }
    rows = []
    try:
        for target, (base, url) in bases.items():
            load(target, base, url, 4, 3, f"warm-up/{target}/{database}")
        for clients in args.clients:
            results = {"peer": [], "project": []}
            for run in range(1, args.runs + 1):
                for target, (base, url) in bases.items():
                    label = f"{target}/{database}/c{clients}/run{run}"
                    results[target].append(load(target, base, url, clients, args.duration, label))
            rows.append((database, clients, results))
    finally:
        stack.stop(project)
        stack.stop(peer)
        if database == "postgres":
            stack.pg_stop()
    return rows


def median(results: list[dict], key: str):
    values = [r[key] for r in results if r[key] is not None]
    return statistics.median(values) if values else None


def table(rows: list[tuple]) -> str:
    lines = [
        "| database | clients | target | subm/s (median; runs) | p50 ms | p95 ms | p99 ms "
        "| GET p95 ms | errors | stored == acknowledged |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for database, clients, results in rows:
        for target in ("peer", "project"):
            runs = results[target]
            rates = ", ".join(str(r["ok_per_s"]) for r in runs)
            lines.append(
                f"| {database} | {clients} | {target} | {median(runs, 'ok_per_s')} ({rates}) "
                f"| {median(runs, 'p50_ms')} | {median(runs, 'p95_ms')} "
                f"| {median(runs, 'p99_ms')} | {median(runs, 'get_p95_ms')} "
                f"| {sum(r['errors'] for r in runs)} "
                f"| {all(r['integrity_ok'] for r in runs)} ({sum(r['ok'] for r in runs)}) |"
            )
        ratio = median(results["project"], "ok_per_s") / max(
            median(results["peer"], "ok_per_s"), 0.1
        )
        lines.append(f"| {database} | {clients} | **project ÷ peer** | **{ratio:.2f}×** |||||||")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--clients", nargs="+", type=int, default=[8, 32])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", 4)))
    parser.add_argument("--submit-only", action="store_true", help="see bench/load.py")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    rows = []
    for database in args.databases:
        rows += measure(database, args)
    after = os.getloadavg()[0]
    print(f"\n{machine()}; project: {args.workers} gunicorn workers, peer: 2; "
          f"load average before {load_before[0]:.2f}, after {after:.2f}\n")  # fmt: skip
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
