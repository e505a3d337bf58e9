"""Search latency and index size over 100,000 resolutions built from the real sample text.

    python benchmarks/search.py                          # 100,000 records, 200 queries
    python benchmarks/search.py --records 20000 --queries 100 --seed 7

Builds minutes documents of 50 agenda items each from the sample (tests/fixtures/sample.py):
titles are the sample's title or runs of 3–7 words of its sentences, decision texts 1–5 of its
five numbered paragraphs in any order, applicants, outcomes, bodies, conferences and years vary,
every tenth item has a Protokollerklärung and every item a Begründung (stored, never indexed).
All from one seed, words from the sample only. They are stored in a fresh SQLite store (not
timed), then ``refresh_index`` builds the search index (timed; index file size reported), and a
second refresh measures the cost when nothing changed (paid by every ``intmk search``).

Queries: 1–3 words drawn from the sample's vocabulary as printed (inflected, with umlauts), a
quarter of them with a filter (year, body, Land, outcome). Each query is timed in three ways,
alternating their order, after one untimed warm-up pass over all queries:

* ``search()``  the service as ``intmk search`` calls it: parse, filters, refresh (no change),
  FTS5 query joined with the records table, snippets; 20 hits;
* ``index``     the same without the refresh;
* ``raw FTS5``  the sqlite3 module alone on the same file: ``MATCH`` over the same stemmed terms,
  ``ORDER BY bm25(...) LIMIT 20`` (joined with the records table only for a filter).

The sample has only about 300 distinct words, so nearly every query word occurs in a large share
of all records (reported as "matches"): ranking must score tens of thousands of rows. Real
archives spread words far wider; these figures are an upper bound for the query part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.receipt import Receipt
from pipeline.search.index_sqlite import FTS_TABLE, TITLE_WEIGHT, SqliteSearchIndex
from pipeline.search.open import open_index
from pipeline.search.text import parse_query, render_fts5
from pipeline.search_service import (
    SearchFilters,
    hit_of,
    refresh_index,
    resolve_filters,
    search,
)
from pipeline.settings import Settings
from pipeline.storage import open_database
from pipeline.storage.documents import record_document, store_extraction
from pipeline.version import PIPELINE_VERSION
from schemas import LAENDER, ExtractionRecord
from tests.fixtures.sample import load_sample

DATA = ROOT / "benchmarks" / ".data"
TARGET_P95_MS = 100.0
ITEMS_PER_DOCUMENT = 50
BODIES = ("IntMK", "IMK", "JFMK", "ASMK")
OUTCOMES = ("einstimmig", "mehrheitlich", "mehrheitlich", "abgelehnt", "zurückgezogen")
WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class Query:
    text: str
    filters: SearchFilters
    raw_where: str  # condition on the records table for the raw query ("" without filter)
    raw_args: tuple


# ----------------------------------------------------------------------------- corpus


def sample_parts() -> tuple[str, list[str], list[str]]:
    """The sample's title, its five paragraphs without their numbers, and its sentences."""
    sample = load_sample()
    paragraphs = [p.split(" ", 1)[1] for p in sample.paragraphs]
    sentences = [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if len(s.split()) > 5]
    return sample.title, paragraphs, sentences


def make_title(rng: random.Random, title: str, sentences: list[str]) -> str:
    if rng.random() < 0.3:
        return title
    words = re.findall(r"[^\W_]+(?:-[^\W_]+)*", rng.choice(sentences))
    length = rng.randint(3, 7)
    start = rng.randrange(0, max(1, len(words) - length))
    run = " ".join(words[start : start + length])
    return run[:1].upper() + run[1:]


def make_record(rng: random.Random, sha: str, index: int, body: str, number: int, year: int, parts) -> ExtractionRecord:
    title, paragraphs, sentences = parts
    chosen = rng.sample(paragraphs, rng.randint(1, 5))
    decision = "\n\n".join(f"{n}. {text}" for n, text in enumerate(chosen, start=1))
    codes = sorted(rng.sample(list(LAENDER), rng.randint(1, 6)), key=list(LAENDER).index)
    statements = [{"by": [rng.choice(list(LAENDER))], "text": rng.choice(sentences)}] if index % 10 == 0 else []
    return ExtractionRecord.model_validate({
        "source": {"path": f"{sha[:12]}.pdf", "sha256": sha, "pages": [1 + index // 3, 1 + index // 3]},
        "body": body, "conference": {"number": number, "year": year}, "document_type": "beschluss",
        "top": f"{1 + index // 10}.{1 + index % 10}", "title": make_title(rng, title, sentences),
        "applicants": codes, "outcome": rng.choice(OUTCOMES), "decision_text": decision,
        "reasoning": rng.choice(paragraphs), "statements": statements,
    })


def store_corpus(db, records: int, seed: int) -> int:
    """Minutes documents of ITEMS_PER_DOCUMENT items each, one conference per document."""
    rng, parts = random.Random(seed), sample_parts()
    moment = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
    documents = -(-records // ITEMS_PER_DOCUMENT)
    for number in range(documents):
        sha = f"{seed:08x}{number:056x}"
        body, conference = BODIES[number % len(BODIES)], 1 + number // len(BODIES)
        year = 1990 + conference * 34 // max(1, documents // len(BODIES))
        count = min(ITEMS_PER_DOCUMENT, records - number * ITEMS_PER_DOCUMENT)
        items = [make_record(rng, sha, i, body, conference, min(year, 2024), parts) for i in range(count)]
        with db.session() as session:
            record_document(session, sha, f"niederschrift-{number}.pdf", 1000, Receipt(moment, moment, "override"))
            store_extraction(session, sha, PIPELINE_VERSION, items)
    return documents


# ----------------------------------------------------------------------------- queries


def make_queries(count: int, seed: int) -> list[Query]:
    rng = random.Random(seed + 1)
    _, paragraphs, _ = sample_parts()
    vocabulary = sorted({w for w in WORD.findall(" ".join(paragraphs))})
    queries = []
    for _ in range(count):
        text = " ".join(rng.sample(vocabulary, rng.choice((1, 1, 2, 2, 3))))
        queries.append(with_filter(rng, text) if rng.random() < 0.25 else Query(text, SearchFilters(), "", ()))
    return queries


def with_filter(rng: random.Random, text: str) -> Query:
    kind = rng.choice(("year", "body", "land", "outcome"))
    if kind == "year":
        year = rng.randint(1991, 2024)
        return Query(text, SearchFilters(year=year), "r.year = ?", (year,))
    if kind == "body":
        body = rng.choice(BODIES)
        return Query(text, SearchFilters(body=body), "lower(r.body) = ?", (body.lower(),))
    if kind == "land":
        land = rng.choice(list(LAENDER))
        return Query(text, SearchFilters(land=land), "r.applicants LIKE ?", (f"%|{land}|%",))
    outcome = rng.choice(OUTCOMES)
    return Query(text, SearchFilters(outcome=outcome), "r.outcome = ?", (outcome,))


def raw_statement(query: Query) -> tuple[str, tuple]:
    rank = f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, 1.0)"
    match = render_fts5(parse_query(query.text))
    if not query.raw_where:
        return f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? ORDER BY {rank} LIMIT 20", (match,)
    sql = (f"SELECT r.id FROM {FTS_TABLE} JOIN search_records r ON r.id = {FTS_TABLE}.rowid "
           f"WHERE {FTS_TABLE} MATCH ? AND {query.raw_where} ORDER BY {rank} LIMIT 20")
    return sql, (match, *query.raw_args)


# ----------------------------------------------------------------------------- timing


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def run_queries(db, settings, queries: list[Query], raw: sqlite3.Connection) -> dict[str, list[float]]:
    index = open_index(db, settings)

    def ours(query: Query):
        return lambda: search(db, settings, query.text, query.filters, 20)

    def indexed(query: Query):
        def run():
            parsed = parse_query(query.text)
            found = index.search(parsed, resolve_filters(query.filters, settings), 20)
            return [hit_of(rank, item, parsed) for rank, item in enumerate(found, start=1)]
        return run

    def raw_fts(query: Query):
        sql, args = raw_statement(query)
        return lambda: raw.execute(sql, args).fetchall()

    variants = {"search()": ours, "index": indexed, "raw FTS5": raw_fts}
    for query in queries:  # warm-up: page cache, statement caches, stemmer cache
        for make in variants.values():
            make(query)()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for number, query in enumerate(queries):
        order = list(variants) if number % 2 == 0 else list(reversed(variants))
        for name in order:
            times[name].append(timed(variants[name](query)))
    return times


def count_matches(raw: sqlite3.Connection, queries: list[Query]) -> list[int]:
    sql = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?"
    return [raw.execute(sql, (render_fts5(parse_query(q.text)),)).fetchone()[0] for q in queries]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe_sizes(path: Path) -> list[str]:
    lines = []
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            rows = connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        except sqlite3.OperationalError:
            rows = []
    fts = sum(size for name, size in rows if name.startswith(FTS_TABLE))
    records = sum(size for name, size in rows if not name.startswith(FTS_TABLE))
    if rows:
        lines.append(f"  of which FTS5 (stemmed terms) {fts / 1e6:7.1f} MB, records table and indexes {records / 1e6:7.1f} MB")
    return lines


# ----------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--keep", action="store_true", help="keep the store and index in benchmarks/.data/")
    args = parser.parse_args()

    DATA.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="search-", dir=DATA))
    try:
        run(args, scratch)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace, scratch: Path) -> None:
    settings = Settings(home=scratch)
    db = open_database(settings.resolved_database_url)
    started = time.perf_counter()
    documents = store_corpus(db, args.records, args.seed)
    stored_s = time.perf_counter() - started
    store_mb = Path(db.engine.url.database).stat().st_size / 1e6

    build_s = timed(lambda: refresh_index(db, settings)) / 1000
    noop_ms = statistics.median(timed(lambda: refresh_index(db, settings)) for _ in range(5))
    index = open_index(db, settings)
    assert isinstance(index, SqliteSearchIndex) and index.path is not None
    assert index.count_rows() == args.records, index.count_rows()
    size_lines = describe_sizes(index.path)
    index_mb = index.size_bytes() / 1e6

    queries = make_queries(args.queries, args.seed)
    raw = sqlite3.connect(index.path)
    matches = count_matches(raw, queries)
    times = run_queries(db, settings, queries, raw)
    raw.close()

    print(f"{args.records} records in {documents} documents (seed {args.seed}), {len(queries)} queries "
          f"({sum(1 for q in queries if q.raw_where)} with a filter), {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[1]:.1f} (5 min)")
    print(f"store (not timed): {stored_s:.1f} s to store, {store_mb:.1f} MB")
    print(f"index build (refresh_index on a fresh store): {build_s:.1f} s, {args.records / build_s:,.0f} records/s")
    print(f"refresh with nothing changed: {noop_ms:.1f} ms (median of 5)")
    print(f"index file: {index_mb:.1f} MB ({index_mb * 1e6 / args.records:,.0f} bytes per record)")
    for line in size_lines:
        print(line)
    share = sorted(m / args.records for m in matches)
    print(f"matches per query: median {statistics.median(share):.0%} of all records, "
          f"p95 {percentile(share, 0.95):.0%}, no match {sum(1 for m in matches if m == 0)} queries")
    print()
    print(f"{'variant':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50/raw':>8} {'p95/raw':>8}")
    raw_p50, raw_p95 = percentile(times["raw FTS5"], 0.5), percentile(times["raw FTS5"], 0.95)
    for name, values in times.items():
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"{name:<10} {p50:8.1f} {p95:8.1f} {max(values):8.1f} {p50 / raw_p50:7.2f}x {p95 / raw_p95:7.2f}x")
    ours_p95 = percentile(times["search()"], 0.95)
    verdict = "met" if ours_p95 < TARGET_P95_MS else "missed"
    print(f"\ntarget: p95 of search() under {TARGET_P95_MS:.0f} ms: {verdict} ({ours_p95:.1f} ms)")
    if args.keep:
        print(f"store and index kept in {scratch}")
    db.dispose()


if __name__ == "__main__":
    main()
