"""Prefect's overhead on the inbox pipeline: one pass as plain functions against the same pass as a flow.

    python benchmarks/inbox.py                                  # 200 documents, 3 rounds each
    python benchmarks/inbox.py --documents 50 --rounds 5

Builds ``--documents`` distinct one-page motions from the sample text once (tests/fixtures), then
for every round copies them into the inbox of a fresh home (new folders, new SQLite
store) and times one pass, ``wait=False``:

* ``plain``  ``pipeline.inbox.runner.run_inbox_pass``: the stages as plain functions,
  ``settings.workers`` threads taking the files from one queue;
* ``flow``   ``pipeline.flows.run_inbox_flow``: the same stages as a Prefect flow, one task per
  worker taking the files from one queue, on the local ephemeral Prefect API (``PREFECT_HOME`` is a
  fresh temporary folder).

The two are interleaved in the same process, alternating which goes first (plain, flow, flow,
plain, …), and the medians count: the machines are shared and noisy, so the ratio is the result.
Every timed pass must have processed every document, or the benchmark stops. Besides the wall
time, the CPU seconds of the whole process tree are read from /proc (Linux), split into this
process, the parser children and the Prefect API server: where the time goes.

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
from dataclasses import dataclass
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


def settings_for(home: Path):
    """Settings for one pass, identical for both variants.

    ``inbox_flow`` reads ``get_settings()`` (the environment) instead of the ``settings`` given to
    ``run_inbox_flow``, so the same values go into ``INTMK_*`` and the cache is cleared.
    """
    from pipeline.settings import Settings, get_settings

    values = {"home": home, "settle_seconds": 0.0}
    for name, value in values.items():
        os.environ[f"INTMK_{name.upper()}"] = str(value)
    get_settings.cache_clear()
    settings = Settings(**values)
    assert get_settings() == settings, "the flow would see other settings than the plain pass"
    return settings


# ----------------------------------------------------------------------------- CPU of the process tree

CPU_PARTS = ("main", "parsers", "api")  # this process; fork server and parser children; Prefect API server
TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def read_processes() -> dict[int, tuple[int, float, float]]:
    """pid -> (parent pid, own CPU s, CPU s of reaped children) from /proc (Linux)."""
    processes = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        ticks = [int(value) for value in fields[11:15]]  # utime stime cutime cstime
        processes[int(entry.name)] = (int(fields[1]), (ticks[0] + ticks[1]) * TICK_S, (ticks[2] + ticks[3]) * TICK_S)
    return processes


def read_tree_cpu() -> dict[str, float]:
    """CPU seconds so far of this process and of its descendants, by part.

    A parser child's CPU counts in the fork server's once it is reaped, so nothing is lost or doubled.
    """
    processes, me = read_processes(), os.getpid()
    cpu = dict.fromkeys(CPU_PARTS, 0.0)
    cpu["main"] = processes.get(me, (0, 0.0, 0.0))[1]
    for pid, (_, own, reaped) in processes.items():
        top = top_child(pid, me, processes)
        if top is None:
            continue
        part = "api" if b"prefect.server" in read_cmdline(top) else "parsers"
        cpu[part] += own + reaped
    return cpu


def top_child(pid: int, me: int, processes: dict[int, tuple[int, float, float]]) -> int | None:
    """The child of ``me`` that ``pid`` descends from (None if it does not)."""
    while pid in processes and processes[pid][0] not in (me, 0, 1):
        pid = processes[pid][0]
    return pid if pid in processes and processes[pid][0] == me else None


def read_cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


# ----------------------------------------------------------------------------- one pass


@dataclass(frozen=True)
class Pass:
    """One timed pass: wall seconds and CPU seconds of the process tree by part."""

    wall: float
    cpu: dict[str, float]

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu.values())


def run_plain(settings) -> object:
    from pipeline.inbox.runner import run_inbox_pass

    return run_inbox_pass(settings, wait=False)


def run_flow(settings) -> object:
    from pipeline.flows import run_inbox_flow

    return run_inbox_flow(settings, wait=False)


VARIANTS: dict[str, Callable] = {"plain": run_plain, "flow": run_flow}


def time_pass(variant: str, scratch: Path, documents: list[Path]) -> Pass:
    """One pass over a fresh home; fails unless every document was processed."""
    home = fill_home(scratch, variant, documents)
    settings = settings_for(home)
    cpu_before = read_tree_cpu()
    started = time.perf_counter()
    report = VARIANTS[variant](settings)
    wall = time.perf_counter() - started
    cpu_after = read_tree_cpu()
    check_report(variant, report, len(documents))
    shutil.rmtree(home, ignore_errors=True)
    return Pass(wall, {part: cpu_after[part] - cpu_before[part] for part in CPU_PARTS})


def check_report(variant: str, report, expected: int) -> None:
    outcomes = [o.outcome for o in report.outcomes]
    if len(outcomes) != expected or any(o != "processed" for o in outcomes):
        counts = {name: outcomes.count(name) for name in sorted(set(outcomes))}
        raise SystemExit(f"{variant}: expected {expected} processed documents, got {counts or 'none'}")


# ----------------------------------------------------------------------------- measurements


def warm_up(scratch: Path, documents: list[Path]) -> dict[str, float]:
    """One-time costs per process, measured once and kept out of the rounds (wall seconds)."""
    small = documents[:WARMUP_DOCUMENTS]
    costs = {"plain_first": time_pass("plain", scratch, small).wall}  # fork server + imports
    costs["plain_small"] = time_pass("plain", scratch, small).wall
    costs["flow_first"] = time_pass("flow", scratch, small).wall  # ephemeral Prefect API + imports
    costs["flow_small"] = time_pass("flow", scratch, small).wall
    for variant in VARIANTS:
        costs[f"{variant}_empty"] = statistics.median(
            time_pass(variant, scratch, []).wall for _ in range(EMPTY_RUNS))
    return costs


def measure_rounds(scratch: Path, documents: list[Path], rounds: int) -> dict[str, list[Pass]]:
    """The variants interleaved, the order rotating every round (plain, flow, flow, plain, …)."""
    variants = list(VARIANTS)
    passes: dict[str, list[Pass]] = {variant: [] for variant in variants}
    for index in range(rounds):
        order = variants[index % len(variants):] + variants[:index % len(variants)]
        for variant in order:
            print(f"round {index + 1}/{rounds}: {variant} …", file=sys.stderr, flush=True)
            passes[variant].append(time_pass(variant, scratch, documents))
    return passes


def compare(plain: list[Pass], flow: list[Pass]) -> dict[str, float]:
    """Prefect's share of the wall time, three ways (see the notes under the table)."""
    median_plain, median_flow = statistics.median(p.wall for p in plain), statistics.median(p.wall for p in flow)
    added = statistics.median(f.wall - p.wall for p, f in zip(plain, flow))
    fastest = min(p.wall for p in plain)
    return {
        "added": added,
        "overhead": (median_flow - median_plain) / median_flow,
        "paired": statistics.median((f.wall - p.wall) / f.wall for p, f in zip(plain, flow)),
        "quiet": added / (fastest + added),
    }


def count_flow_tasks(documents: int) -> int:
    """Prefect task runs per flow run: one per worker."""
    from pipeline.inbox.runner import count_tasks
    from pipeline.settings import get_settings

    return count_tasks(documents, get_settings().workers)


# ----------------------------------------------------------------------------- output


def print_warm_up(costs: dict[str, float]) -> None:
    print(f"\nOne-time and fixed costs, wall s (not in the rounds; {WARMUP_DOCUMENTS} documents, then an empty inbox):")
    print(f"  first plain pass  {costs['plain_first']:6.2f}, next {costs['plain_small']:5.2f} "
          f"-> fork server and imports ~{costs['plain_first'] - costs['plain_small']:.2f} (once per process)")
    print(f"  first flow run    {costs['flow_first']:6.2f}, next {costs['flow_small']:5.2f} "
          f"-> ephemeral Prefect API start ~{costs['flow_first'] - costs['flow_small']:.2f} (once per process)")
    print(f"  empty inbox       plain {costs['plain_empty']:.2f}, flow {costs['flow_empty']:.2f} (medians of {EMPTY_RUNS})"
          f" -> fixed cost of a flow run ~{costs['flow_empty'] - costs['plain_empty']:.2f}")


def print_table(documents: int, passes: dict[str, list[Pass]]) -> None:
    width = 8 * len(passes["plain"])
    print(f"\n{'tasks':>5} {'variant':<7} {'rounds, wall s':<{width}} {'median':>7} {'docs/s':>7} "
          f"{'CPU s':>6} {'added s':>7} {'overhead':>8} {'paired':>7} {'quiet':>6} {'verdict':>7}")
    for variant, runs in passes.items():
        median = statistics.median(p.wall for p in runs)
        walls = " ".join(f"{p.wall:7.2f}" for p in runs)
        tasks = count_flow_tasks(documents) if variant == "flow" else "-"
        line = (f"{tasks:>5} {variant:<7} {walls:<{width}} {median:>7.2f} {documents / median:>7.1f} "
                f"{statistics.median(p.cpu_total for p in runs):>6.1f}")
        if variant != "plain":
            share = compare(passes["plain"], runs)
            verdict = "met" if share["overhead"] < TARGET else "MISSED"
            line += (f" {share['added']:>7.2f} {share['overhead']:>8.1%} {share['paired']:>7.1%} "
                     f"{share['quiet']:>6.1%} {verdict:>7}")
        print(line)
    print(f"""
overhead: (median flow - median plain) / median flow: Prefect's share of the wall time, the
          verdict (target < {TARGET:.0%}).
added s:  median over the rounds of flow - plain (each round runs them back to back).
paired:   median over the rounds of (flow - plain) / flow.
quiet:    added s / (fastest plain pass + added s): the share on the least loaded round; the
          added cost is mostly fixed per flow run, so it weighs more the faster the machine.
tasks:    Prefect task runs per flow run: one per worker, each taking files from the pass's queue.
Every pass runs on a fresh home and store; the order of the variants alternates every round.""")


def print_cpu_parts(passes: dict[str, list[Pass]]) -> None:
    print("\nWhere the CPU goes, median CPU s per pass (main: this process; parsers: fork server and its")
    print("children; api: the ephemeral Prefect API server, which also idles along during plain passes):")
    print(f"{'variant':<7} " + " ".join(f"{part:>8}" for part in CPU_PARTS))
    for variant, runs in passes.items():
        parts = [statistics.median(p.cpu[part] for p in runs) for part in CPU_PARTS]
        print(f"{variant:<7} " + " ".join(f"{value:>8.2f}" for value in parts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200, help="documents per pass (default: 200)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes of each variant (default: 3)")
    args = parser.parse_args(argv)
    if args.documents < 1 or args.rounds < 1:
        parser.error("--documents and --rounds must be at least 1")
    with tempfile.TemporaryDirectory(prefix="intmk-bench-inbox-") as tmp:
        scratch = Path(tmp)
        configure_prefect(scratch)
        from pipeline.settings import get_settings

        print(f"building {args.documents} motions …", file=sys.stderr, flush=True)
        documents = make_documents(scratch / "documents", args.documents)
        print("warming up (fork server, ephemeral Prefect API) …", file=sys.stderr, flush=True)
        costs = warm_up(scratch, documents)
        passes = measure_rounds(scratch, documents, args.rounds)
        api = os.environ.get("PREFECT_API_URL") or "ephemeral (local, started by this process)"
        print(f"\n{args.documents} documents, {args.rounds} rounds, workers {get_settings().workers}, "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[1]:.1f} (5 min), Prefect API: {api}")
        print_warm_up(costs)
        print_table(args.documents, passes)
        print_cpu_parts(passes)


if __name__ == "__main__":
    main()
