"""Urgency statements (Regularien 4.3) and where a receipt time comes from."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from extractors.fields.urgency import find_urgency_statement
from pipeline.receipt import EmailFacts, Sidecar, is_sidecar, read_sidecar, resolve_receipt, sidecar_path
from pipeline.inbox.claim import scan_inbox
from schemas.errors import UsageProblem
from tests.fixtures.sample import load_sample

BERLIN = ZoneInfo("Europe/Berlin")
SEEN = dt.datetime(2027, 4, 9, 8, 0, tzinfo=dt.UTC)


def sample_text() -> str:
    return "\n\n".join(load_sample().paragraphs)


URGENT = [
    ("Die besondere, aktuelle Dringlichkeit ergibt sich aus dem Inkrafttreten des Gesetzes am 1. Mai 2027.",
     "Die besondere, aktuelle Dringlichkeit ergibt sich aus dem Inkrafttreten des Gesetzes am 1. Mai 2027."),
    ("Der Antrag ist eilbedürftig, weil der Bundesrat am 14. Mai berät.", "Der Antrag ist eilbedürftig, weil der Bundesrat am 14. Mai berät."),
    ("Begründung der Dringlichkeit: z. B. die Kürzung der Mittel im Haushaltsentwurf.",
     "Begründung der Dringlichkeit: z. B. die Kürzung der Mittel im Haushaltsentwurf."),
    ("Es handelt sich um einen dringlichen Antrag.", "Es handelt sich um einen dringlichen Antrag."),
]
NOT_URGENT = [
    "Die Mittel sind dringend erforderlich.",  # emphasis, not a justification
    "Eine besondere Dringlichkeit besteht nicht.",
    "Eine Eilbedürftigkeit liegt nicht vor.",
    "Es besteht keine besondere Dringlichkeit.",
    "",
]


@pytest.mark.parametrize(("statement", "evidence"), URGENT)
def test_urgency_is_found_in_a_real_motion_with_its_sentence(statement, evidence):
    text = sample_text() + "\n\n" + statement + " Weitere Ausführungen folgen."
    assert find_urgency_statement(text) == evidence


@pytest.mark.parametrize("sentence", NOT_URGENT)
def test_emphasis_and_negation_are_not_urgency(sentence):
    assert find_urgency_statement(sample_text() + "\n\n" + sentence) is None


def test_the_real_sample_states_no_urgency():
    assert find_urgency_statement(sample_text()) is None


def test_receipt_priority_override_sidecar_email_inbox():
    sidecar = Sidecar(received=dt.datetime(2027, 4, 8, 23, 59), land="RP")
    email = EmailFacts(date=dt.datetime(2027, 4, 8, 20, 0, tzinfo=dt.UTC), sender="gs@mffki.rlp.de")
    override = dt.datetime(2027, 4, 7, 9, 0, tzinfo=BERLIN)
    assert resolve_receipt(first_seen=SEEN, override=override, sidecar=sidecar, email=email).source == "override"
    by_sidecar = resolve_receipt(first_seen=SEEN, sidecar=sidecar, email=email)
    assert by_sidecar.source == "sidecar"
    assert by_sidecar.received == dt.datetime(2027, 4, 8, 23, 59, tzinfo=BERLIN)  # local time without offset
    assert (by_sidecar.submitted_by, by_sidecar.sender) == ("RP", "gs@mffki.rlp.de")
    by_email = resolve_receipt(first_seen=SEEN, email=email)
    assert (by_email.source, by_email.received) == ("email", email.date)
    by_inbox = resolve_receipt(first_seen=SEEN)
    assert (by_inbox.source, by_inbox.received, by_inbox.first_seen) == ("inbox", SEEN, SEEN)


def test_sidecar_is_read_beside_the_document_and_skipped_as_input(tmp_path):
    document = tmp_path / "antrag-rp.pdf"
    document.write_bytes(b"%PDF-1.7\n")
    sidecar_path(document).write_text('received = 2027-04-08T16:30:00+02:00\nland = "RP"\nconference = "IntMK 23"\n', encoding="utf-8")
    sidecar = read_sidecar(document)
    assert sidecar.received == dt.datetime(2027, 4, 8, 16, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert (sidecar.land, sidecar.conference) == ("RP", "IntMK 23")
    assert is_sidecar(sidecar_path(document))
    assert scan_inbox(tmp_path, settle_seconds=0).ready == [document]


def test_a_broken_sidecar_names_the_file(tmp_path):
    document = tmp_path / "antrag.pdf"
    document.write_bytes(b"%PDF-1.7\n")
    sidecar_path(document).write_text('land = "XX"\n', encoding="utf-8")
    with pytest.raises(UsageProblem, match="antrag.pdf.toml"):
        read_sidecar(document)
    assert read_sidecar(tmp_path / "ohne-begleitdatei.pdf") is None
