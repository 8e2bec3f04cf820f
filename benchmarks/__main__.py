"""``python -m benchmarks [--quick] [--json]``: run every benchmark and print the table."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict

from benchmarks.suite import DEFAULT, QUICK, environment, report, run_all


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmarks; prints a table, or JSON with ``--json``. Returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time themabot against honest references, side by side; report medians.",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else DEFAULT
    # Progress on stderr keeps stdout clean for --json.
    results = asyncio.run(run_all(sizes, progress=sys.stderr))
    env = environment()
    if args.json:
        payload = {
            "environment": env,
            "sizes": asdict(sizes),
            "results": [c.as_json() for c in results],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(report(results, sizes, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
