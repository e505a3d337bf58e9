"""The store on SQLite and on a real PostgreSQL server: migrations, keys, round trips."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, select

from pipeline.receipt import Receipt
from pipeline.storage import open_database
from pipeline.storage.bundesrat import list_procedures, upsert_procedures
from pipeline.storage.conferences import get_conference, list_conferences, save_conference
from pipeline.storage.documents import find_document, load_records, record_document, store_extraction
from pipeline.storage.models import DocumentRow, ExtractionRow
from schemas import ErrorInfo, ExtractionRecord, Source
from schemas.errors import ErrorCode, UsageProblem
from schemas.rules import BundesratProcedure, ConferenceEntry

BERLIN = ZoneInfo("Europe/Berlin")
SHA_A = "a" * 64
SHA_B = "ab" + "0" * 62


def make_receipt(moment: dt.datetime) -> Receipt:
    return Receipt(first_seen=moment, received=moment, source="override", submitted_by="RP")


def make_record(sha: str, title: str) -> ExtractionRecord:
    return ExtractionRecord(source=Source(path="antrag.pdf", sha256=sha, pages=(1, 2)), body="IntMK", title=title)


def test_migrations_create_every_table_and_are_idempotent(database_url):
    first = open_database(database_url)
    second = open_database(database_url)  # running the migrations again changes nothing
    tables = set(inspect(second.engine).get_table_names())
    assert {"conferences", "documents", "extractions", "bundesrat_procedures", "alembic_version"} <= tables
    first.dispose()
    second.dispose()


def test_conference_round_trip_and_unique_key(db):
    entry = ConferenceEntry(body="IntMK", number=23, start=dt.date(2027, 6, 10), end=dt.date(2027, 6, 11),
                            place="Mainz", pre_conference=dt.date(2027, 4, 29))
    with db.session() as session:
        save_conference(session, entry)
    with db.session() as session:
        assert get_conference(session, "IntMK", 23) == entry
        with pytest.raises(UsageProblem, match="schon erfasst"):
            save_conference(session, entry)
    moved = entry.model_copy(update={"place": "Koblenz"})
    with db.session() as session:
        save_conference(session, moved, replace=True)
    with db.session() as session:
        assert [c.place for c in list_conferences(session, "IntMK")] == ["Koblenz"]
        with pytest.raises(UsageProblem) as error:
            get_conference(session, "IntMK", 99)
        assert error.value.code == ErrorCode.NOT_FOUND


def test_receipt_times_keep_the_instant_across_daylight_saving(db):
    summer = dt.datetime(2027, 3, 29, 23, 59, 59, tzinfo=BERLIN)  # CEST, +02:00
    with db.session() as session:
        record_document(session, SHA_A, "antrag.pdf", 10, make_receipt(summer))
    with db.session() as session:
        stored = session.get(DocumentRow, SHA_A).received
    assert stored == summer and stored.utcoffset() == dt.timedelta(0)
    assert stored.astimezone(BERLIN).hour == 23


def test_naive_datetimes_are_refused(db):
    with pytest.raises(Exception, match="naive"), db.session() as session:
        record_document(session, SHA_A, "antrag.pdf", 10, make_receipt(dt.datetime(2027, 1, 1, 12)))


def test_same_bytes_are_one_document(db):
    moment = dt.datetime(2027, 4, 1, 9, tzinfo=BERLIN)
    with db.session() as session:
        _, new = record_document(session, SHA_A, "antrag.pdf", 10, make_receipt(moment))
        assert new
    with db.session() as session:
        row, new = record_document(session, SHA_A, "kopie.pdf", 10, make_receipt(moment + dt.timedelta(hours=1)))
    assert not new and row.original_name == "antrag.pdf" and row.received == moment


def test_extractions_are_keyed_by_hash_and_pipeline_version(db):
    with db.session() as session:
        record_document(session, SHA_A, "antrag.pdf", 10, make_receipt(dt.datetime(2027, 4, 1, tzinfo=BERLIN)))
        store_extraction(session, SHA_A, "0.1.0+x1", [make_record(SHA_A, "Alt")])
        store_extraction(session, SHA_A, "0.1.0+x1", [make_record(SHA_A, "Neu")])  # replaced, not added
        store_extraction(session, SHA_A, "0.2.0+x1", [make_record(SHA_A, "Upgrade")])
    with db.session() as session:
        assert session.scalars(select(ExtractionRow)).all().__len__() == 2
        assert [r.title for r in load_records(session, SHA_A, "0.1.0+x1")] == ["Neu"]
        assert [r.title for r in load_records(session, SHA_A, "0.2.0+x1")] == ["Upgrade"]
        assert load_records(session, SHA_A, "9.9") is None
        assert len(session.scalars(select(DocumentRow)).all()) == 1


def test_failed_extraction_quarantines_the_document_with_its_reason(db):
    with db.session() as session:
        record_document(session, SHA_A, "kaputt.pdf", 3, make_receipt(dt.datetime(2027, 4, 1, tzinfo=BERLIN)))
        store_extraction(session, SHA_A, "v", [], ErrorInfo(code="damaged_file", message="PDF ist beschädigt."))
    with db.session() as session:
        row = session.get(DocumentRow, SHA_A)
        assert (row.state, row.reason_code, row.reason) == ("quarantined", "damaged_file", "PDF ist beschädigt.")


def test_find_document_by_prefix(db):
    with db.session() as session:
        for sha in (SHA_A, SHA_B):
            record_document(session, sha, f"{sha[:3]}.pdf", 1, make_receipt(dt.datetime(2027, 4, 1, tzinfo=BERLIN)))
    with db.session() as session:
        assert find_document(session, "aaaaaa").sha256 == SHA_A
        assert find_document(session, SHA_B.upper()).sha256 == SHA_B
        with pytest.raises(UsageProblem, match="mindestens"):
            find_document(session, "aa")
        with pytest.raises(UsageProblem, match="Kein Dokument"):
            find_document(session, "ffffff")


def test_bundesrat_register_upsert_counts_changes(db):
    first = [BundesratProcedure(drucksache="450/26", title="Entwurf eines Gesetzes zur Änderung des Aufenthaltsgesetzes"),
             BundesratProcedure(drucksache="12/27", title="Verordnung über Integrationskurse", status="Beratung")]
    with db.session() as session:
        counts = upsert_procedures(session, first)
    assert (counts.added, counts.updated, counts.unchanged) == (2, 0, 0)
    changed = [first[0], first[1].model_copy(update={"status": "Zustimmung"})]
    with db.session() as session:
        counts = upsert_procedures(session, changed)
    assert (counts.added, counts.updated, counts.unchanged) == (0, 1, 1)
    with db.session() as session:
        assert [p.status for p in list_procedures(session)] == ["Zustimmung", None]


def test_migrations_build_exactly_the_tables_of_the_models(db):
    """Alembic's autogenerate finds nothing to add or change after ``upgrade head``."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from pipeline.storage.models import Base

    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in differences if d[0] != "remove_table" or d[1].name != "alembic_version"] == []
