"""Start-up cost of the ``intmk`` command line against a bare interpreter, as ratios.

    python benchmarks/cli_start.py               # 15 rounds
    python benchmarks/cli_start.py --rounds 30

Each round runs every variant once as a fresh process, in a new random order, so a noisy
neighbour hits all variants alike; the median wall time per variant counts. The baselines are
``python -c pass`` and ``python -c "import click"`` with the same interpreter; the variants are
``intmk --help``, ``intmk --version`` and ``intmk majority IntMK --yes 11 --no 4 --abstain 1``
(a command that needs the rule profiles but no database, parser or Prefect). They run as
``python -m pipeline.cli`` from this checkout, so the figures are of this tree, not of whatever
checkout the console script was installed from. Target (issue 13): ``--help`` and ``--version``
within 10× ``python -c pass``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

VARIANTS: dict[str, list[str]] = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "python -c 'import click'": [PYTHON, "-c", "import click"],
    "intmk --help": [PYTHON, "-m", "pipeline.cli", "--help"],
    "intmk --version": [PYTHON, "-m", "pipeline.cli", "--version"],
    "intmk majority …": [PYTHON, "-m", "pipeline.cli", "majority", "IntMK", "--yes", "11", "--no", "4", "--abstain", "1"],
}
BASELINES = ("python -c pass", "python -c 'import click'")


def time_once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return elapsed


def measure(rounds: int, seed: int) -> dict[str, list[float]]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    order = list(VARIANTS)
    rng = random.Random(seed)
    for argv in VARIANTS.values():  # warm-up: byte-code caches and the page cache
        time_once(argv, env)
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        rng.shuffle(order)
        for name in order:
            times[name].append(time_once(VARIANTS[name], env))
    return times


def print_table(times: dict[str, list[float]]) -> None:
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{'variant':28} {'median ms':>10} {'p90 ms':>8} " + " ".join(f"{'÷ ' + b:>26}" for b in BASELINES))
    for name, values in times.items():
        p90 = sorted(values)[int(0.9 * (len(values) - 1))]
        ratios = " ".join(f"{medians[name] / medians[b]:>25.1f}x" for b in BASELINES)
        print(f"{name:28} {medians[name] * 1000:>10.0f} {p90 * 1000:>8.0f} {ratios}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print_table(measure(args.rounds, args.seed))


if __name__ == "__main__":
    main()
