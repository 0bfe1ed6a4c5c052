"""All the benches, each a ratio measured in one run, the summary printed last.

    python bench/run.py          # short: statements, floor, http, scale to 10 000 files, pool at 5 000 persons,
                                 # page weight
    python bench/run.py --full   # longer runs; scale to 100 000 files (SQLite) and 1 000 000 (PostgreSQL),
                                 # pool at 100 000 persons
"""
import argparse
import platform
import subprocess
from datetime import date

import floor
import http_load
import page_weight
import pool
import scale
import statements
from databases import postgres_available
from project import ROOT


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    full = parser.parse_args().full
    kinds = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    summary = []
    for kind in kinds:  # counted, not timed: the same on a busy machine
        result = statements.measure(kind, 3)
        print(statements.report(result), flush=True)
        summary.append(f"stmts   [{kind}] {result['statements']:.1f} SQL statements/step,"
                       f" {result['calls']:.0f} Python calls/step")
    for kind in kinds:
        result = floor.measure(kind, 60 if full else 15)
        print(floor.report(result), flush=True)
        summary.append(f"floor   [{kind}] {result['ratio']:.1f} (engine {result['engine_ms']:.1f} ms/step)")
    for kind in kinds:
        result = http_load.measure(kind, workers=2, clients=4, offers=10 if full else 3)
        print(http_load.report(result), flush=True)
        summary.append(f"http    [{kind}] {result['ratio']:.2f} ({result['server']:.0f} steps/s served)")
    for kind in kinds:
        sizes = [1000, 10000] + ([100000] if full else []) + ([1000000] if full and kind == "postgresql" else [])
        results = scale.measure(kind, sizes, offers=5, repeats=20)
        print(scale.report(kind, results), flush=True)
        files, last = results[-1]
        first = results[0][1]
        summary.append(f"scale   [{kind}] at {files} files: per step x{last['per step'] / first['per step']:.2f},"
                       f" inbox p95 x{last['inbox dcim'][1] / first['inbox dcim'][1]:.2f}")
    for kind in kinds:
        result = pool.measure(kind, 100000 if full else 5000)
        print(pool.report(result), flush=True)
        summary.append(f"pool    [{kind}] at {result['persons']} persons: search x{result['pool_ratio']:.1f}, names"
                       f" x{result['names_ratio']:.1f} a bare indexed page ({result['pool_ms']:.1f} ms)")
    rows = page_weight.measure(kinds[-1])
    print(page_weight.report(rows), flush=True)
    heaviest = max(rows, key=lambda row: row[3])
    summary.append(f"weight  heaviest page {heaviest[3] / 1024:.1f} KB gzip ({heaviest[0]} {heaviest[1]})")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    print(f"\n== summary ({date.today()}, {commit or 'no commit'}, {platform.node()}, "
          f"{platform.machine()}, python {platform.python_version()}) ==")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
