"""Prefect's overhead on the inbox pipeline: one pass as plain functions against the same pass as a flow.

    python benchmarks/inbox.py                                  # 200 documents, 3 rounds each
    python benchmarks/inbox.py --documents 50 --rounds 5
    python benchmarks/inbox.py --batch-size 20 --batch-size 100 # several batch sizes in one run

Builds ``--documents`` distinct one-page motions from the sample text once (tests/fixtures), then
for every round and batch size copies them into the inbox of a fresh home (new folders, new SQLite
store) and times one pass, ``wait=False``:

* ``plain``  ``pipeline.inbox.runner.run_inbox_pass``: the stages as plain functions, batches
  spread over ``settings.workers`` threads;
* ``flow``   ``pipeline.flows.run_inbox_flow``: the same stages as a Prefect flow, one task per
  batch, on the local ephemeral Prefect API (``PREFECT_HOME`` is a fresh temporary folder).

The two are interleaved in the same process, alternating which goes first (plain, flow, flow,
plain, …), and the medians count: the machines are shared and noisy, so the ratio is the result.
Every timed pass must have processed every document, or the benchmark stops.

Not timed, reported separately: the ephemeral API's start (once per process, on the first flow
run), the fork server's start (once per process, on the first parse), and the fixed cost of a
pass over an empty inbox.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the test fixtures write the PDFs

# Module level stays this light: every parser child re-imports this script (fork server, like spawn),
# so the pipeline, Prefect and the fixtures are imported inside the functions.

TARGET = 0.10  # Prefect's share of the wall time (issue text)
WARMUP_DOCUMENTS = 4
EMPTY_RUNS = 3


# ----------------------------------------------------------------------------- set-up


def configure_prefect(scratch: Path) -> None:
    """A private, quiet Prefect home; must run before anything imports prefect."""
    os.environ["PREFECT_HOME"] = str(scratch / "prefect")
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"


def make_documents(folder: Path, count: int) -> list[Path]:
    """``count`` distinct one-page motions (each Begründung names its number)."""
    from tests.fixtures.inbox import motion_bytes

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"antrag-{index:04d}.pdf"
        path.write_bytes(motion_bytes(folder / ".scratch", index))
        paths.append(path)
    return paths


def fill_home(scratch: Path, label: str, documents: list[Path]) -> Path:
    """A fresh home whose inbox holds copies of ``documents``."""
    home = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=scratch))
    inbox = home / "inbox"
    inbox.mkdir()
    for path in documents:
        shutil.copyfile(path, inbox / path.name)
    return home


def settings_for(home: Path, batch_size: int):
    """Settings for one pass, identical for both variants.

    ``inbox_flow`` reads ``get_settings()`` (the environment) instead of the ``settings`` given to
    ``run_inbox_flow``, so the same values go into ``INTMK_*`` and the cache is cleared.
    """
    from pipeline.settings import Settings, get_settings

    values = {"home": home, "settle_seconds": 0.0, "batch_size": batch_size}
    for name, value in values.items():
        os.environ[f"INTMK_{name.upper()}"] = str(value)
    get_settings.cache_clear()
    settings = Settings(**values)
    assert get_settings() == settings, "the flow would see other settings than the plain pass"
    return settings


# ----------------------------------------------------------------------------- one pass


def run_plain(settings) -> object:
    from pipeline.inbox.runner import run_inbox_pass

    return run_inbox_pass(settings, wait=False)


def run_flow(settings) -> object:
    from pipeline.flows import run_inbox_flow

    return run_inbox_flow(settings, wait=False)


VARIANTS: dict[str, Callable] = {"plain": run_plain, "flow": run_flow}


def time_pass(variant: str, scratch: Path, documents: list[Path], batch_size: int) -> float:
    """Wall time of one pass over a fresh home; fails unless every document was processed."""
    home = fill_home(scratch, variant, documents)
    settings = settings_for(home, batch_size)
    started = time.perf_counter()
    report = VARIANTS[variant](settings)
    elapsed = time.perf_counter() - started
    check_report(variant, report, len(documents))
    shutil.rmtree(home, ignore_errors=True)
    return elapsed


def check_report(variant: str, report, expected: int) -> None:
    outcomes = [o.outcome for o in report.outcomes]
    if len(outcomes) != expected or any(o != "processed" for o in outcomes):
        counts = {name: outcomes.count(name) for name in sorted(set(outcomes))}
        raise SystemExit(f"{variant}: expected {expected} processed documents, got {counts or 'none'}")


# ----------------------------------------------------------------------------- measurements


def warm_up(scratch: Path, documents: list[Path], batch_size: int) -> dict[str, float]:
    """One-time costs per process, measured once and kept out of the rounds."""
    small = documents[:WARMUP_DOCUMENTS]
    costs = {"plain_first": time_pass("plain", scratch, small, batch_size)}  # fork server + imports
    costs["plain_small"] = time_pass("plain", scratch, small, batch_size)
    costs["flow_first"] = time_pass("flow", scratch, small, batch_size)  # ephemeral Prefect API + imports
    costs["flow_small"] = time_pass("flow", scratch, small, batch_size)
    for variant in ("plain", "flow"):
        costs[f"{variant}_empty"] = statistics.median(
            time_pass(variant, scratch, [], batch_size) for _ in range(EMPTY_RUNS))
    return costs


def measure_rounds(scratch: Path, documents: list[Path], batch_size: int, rounds: int) -> dict[str, list[float]]:
    """Plain and flow interleaved, alternating which goes first (ABBA), so drift hits both alike."""
    times: dict[str, list[float]] = {"plain": [], "flow": []}
    for index in range(rounds):
        order = ("plain", "flow") if index % 2 == 0 else ("flow", "plain")
        for variant in order:
            print(f"batch size {batch_size}, round {index + 1}/{rounds}: {variant} …",
                  file=sys.stderr, flush=True)
            times[variant].append(time_pass(variant, scratch, documents, batch_size))
    return times


def count_tasks(documents: int, batch_size: int) -> int:
    from pipeline.inbox.runner import split_batches
    from pipeline.settings import get_settings

    return len(split_batches(list(range(documents)), batch_size, get_settings().workers))


# ----------------------------------------------------------------------------- output


def print_warm_up(costs: dict[str, float]) -> None:
    print(f"\nOne-time and fixed costs (not in the rounds; {WARMUP_DOCUMENTS} documents, then an empty inbox):")
    print(f"  first plain pass  {costs['plain_first']:6.2f} s, next {costs['plain_small']:5.2f} s "
          f"-> fork server and imports ~{costs['plain_first'] - costs['plain_small']:.2f} s")
    print(f"  first flow run    {costs['flow_first']:6.2f} s, next {costs['flow_small']:5.2f} s "
          f"-> ephemeral Prefect API start ~{costs['flow_first'] - costs['flow_small']:.2f} s (once per process)")
    print(f"  empty inbox       plain {costs['plain_empty']:.2f} s, flow {costs['flow_empty']:.2f} s "
          f"-> fixed cost of a flow run ~{costs['flow_empty'] - costs['plain_empty']:.2f} s (median of {EMPTY_RUNS})")


def print_table(documents: int, results: dict[int, dict[str, list[float]]]) -> None:
    rounds = len(next(iter(results.values()))["plain"])
    print(f"\n{'batch':>5} {'tasks':>5} {'variant':<7} {'rounds (wall s)':<{8 * rounds}} {'median s':>8} "
          f"{'docs/s':>7} {'overhead':>9} {'verdict':>8}")
    for batch_size, times in results.items():
        plain, flow = statistics.median(times["plain"]), statistics.median(times["flow"])
        overhead = (flow - plain) / flow
        verdict = "met" if overhead < TARGET else "MISSED"
        for variant, median in (("plain", plain), ("flow", flow)):
            rounds_text = " ".join(f"{t:7.2f}" for t in times[variant])
            last = f"{overhead:>8.1%} {verdict:>8}" if variant == "flow" else ""
            print(f"{batch_size:>5} {count_tasks(documents, batch_size):>5} {variant:<7} {rounds_text:<{8 * rounds}} "
                  f"{median:>8.2f} {documents / median:>7.1f} {last}")
    print(f"\noverhead: (median flow - median plain) / median flow, Prefect's share of the wall time "
          f"(target < {TARGET:.0%}).")
    print("tasks: Prefect task runs per flow run (batches; at least one per worker).")
    print("Rounds alternate which variant goes first; each pass runs on a fresh home and store.")
    print("The ephemeral API start (first flow run of the process) is excluded: see above.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200, help="documents per pass (default: 200)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes of each variant (default: 3)")
    parser.add_argument("--batch-size", type=int, action="append",
                        help="documents per Prefect task; repeat for several (default: the settings' default)")
    args = parser.parse_args(argv)
    if args.documents < 1 or args.rounds < 1 or any(size < 1 for size in args.batch_size or ()):
        parser.error("--documents, --rounds and --batch-size must be at least 1")
    with tempfile.TemporaryDirectory(prefix="intmk-bench-inbox-") as tmp:
        scratch = Path(tmp)
        configure_prefect(scratch)
        from pipeline.settings import Settings, get_settings

        batch_sizes = args.batch_size or [Settings.model_fields["batch_size"].default]
        print(f"building {args.documents} motions …", file=sys.stderr, flush=True)
        documents = make_documents(scratch / "documents", args.documents)
        print("warming up (fork server, ephemeral Prefect API) …", file=sys.stderr, flush=True)
        costs = warm_up(scratch, documents, batch_sizes[0])
        results = {size: measure_rounds(scratch, documents, size, args.rounds) for size in batch_sizes}
        api = os.environ.get("PREFECT_API_URL") or "ephemeral (local, started by this process)"
        print(f"\n{args.documents} documents, {args.rounds} rounds, workers {get_settings().workers}, Prefect API: {api}")
        print_warm_up(costs)
        print_table(args.documents, results)


if __name__ == "__main__":
    main()
