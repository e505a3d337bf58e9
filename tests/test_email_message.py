"""E-mails from Länder ministries: the attachments are the motions, the Date header is the receipt.

Every mail is built by code (``email.message.EmailMessage``) around a motion PDF made from the real
IntMK sample and a Word file with the sample's text; formats are recognised by their bytes.
"""

from __future__ import annotations

import base64
import random
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import encode_rfc2231, format_datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import extractors.email_message as email_message
from extractors.email_message import EmailContent, is_email_file, read_email
from extractors.limits import DEFAULT_LIMITS, ExtractionLimits
from schemas.errors import ErrorCode, InputError
from tests.fixtures.docx import sample_blocks, write_docx
from tests.fixtures.motions import write_motion
from tests.fixtures.sample import load_sample

SENDER = "Max Muster <max.muster@mi.niedersachsen.de>"
RECEIVED = datetime(2027, 4, 28, 16, 42, 5, tzinfo=timezone(timedelta(hours=2)))
HTML_PAGE = b"<!DOCTYPE html><html><body>Sitzung nicht gefunden</body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(scope="module")
def motion_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_motion(tmp_path_factory.mktemp("motion"), "antrag.pdf").read_bytes()


@pytest.fixture(scope="module")
def motion_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_docx(tmp_path_factory.mktemp("docx") / "antrag.docx", sample_blocks()).read_bytes()


def build_mail(*, date: str | None = format_datetime(RECEIVED), sender: str | None = SENDER,
               subject: str | None = None) -> EmailMessage:
    """A mail with the usual headers and a short German text body (no attachment yet)."""
    message = EmailMessage()
    if sender is not None:
        message["From"] = sender
    message["To"] = "geschaeftsstelle@intmk.de"
    if date is not None:
        message["Date"] = date
    message["Subject"] = subject or f"Beschlussvorschlag: {load_sample().title}"
    message["Message-ID"] = "<20270428164205.1@mi.niedersachsen.de>"
    message.set_content("Sehr geehrte Damen und Herren,\n\nanbei unser Beschlussvorschlag.\n")
    return message


def attach(message: EmailMessage, data: bytes, filename: str | None,
           mime: str = "application/pdf", disposition: str = "attachment") -> EmailMessage:
    maintype, subtype = mime.split("/")
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename,
                           disposition=disposition)
    return message


def save(folder: Path, message: EmailMessage | bytes, name: str = "eingang.eml") -> Path:
    path = folder / name
    path.write_bytes(message if isinstance(message, bytes) else message.as_bytes())
    return path


def read(folder: Path, message: EmailMessage | bytes) -> EmailContent:
    return read_email(save(folder, message), DEFAULT_LIMITS)


def raise_input_error(path: Path, limits: ExtractionLimits = DEFAULT_LIMITS) -> InputError:
    with pytest.raises(InputError) as caught:
        read_email(path, limits)
    return caught.value


# --- the normal case ---------------------------------------------------------------------------

def test_pdf_attachment_with_receipt_time_and_sender(tmp_path, motion_pdf):
    content = read(tmp_path, attach(build_mail(), motion_pdf, "Beschlussvorschlag NI.pdf"))

    assert content.date == RECEIVED
    assert content.date.utcoffset() == timedelta(hours=2)
    assert content.sender == SENDER
    assert content.subject == f"Beschlussvorschlag: {load_sample().title}"
    assert content.message_id == "<20270428164205.1@mi.niedersachsen.de>"
    assert [(a.name, a.format) for a in content.attachments] == [("Beschlussvorschlag NI.pdf", "pdf")]
    assert content.attachments[0].data == motion_pdf
    assert content.skipped == []  # the text body is not an attachment and needs no note


def test_pdf_and_docx_are_returned_in_mail_order(tmp_path, motion_pdf, motion_docx):
    message = attach(build_mail(), motion_docx, "Beschlussvorschlag.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    attach(message, motion_pdf, "Beschlussvorschlag.pdf")

    content = read(tmp_path, message)

    assert [(a.name, a.format) for a in content.attachments] == [
        ("Beschlussvorschlag.docx", "docx"), ("Beschlussvorschlag.pdf", "pdf")]
    assert [a.data for a in content.attachments] == [motion_docx, motion_pdf]


def test_sender_with_encoded_umlaut_is_decoded(tmp_path, motion_pdf):
    sender = "Jürgen Müller <juergen.mueller@stk.sachsen-anhalt.de>"
    content = read(tmp_path, attach(build_mail(sender=sender), motion_pdf, "antrag.pdf"))
    assert content.sender == sender


# --- file names --------------------------------------------------------------------------------

def test_umlaut_name_in_rfc2231_encoding(tmp_path, motion_pdf):
    path = save(tmp_path, attach(build_mail(), motion_pdf, "Beschlussvorschlag Förderung.pdf"))
    assert b"filename*=utf-8''Beschlussvorschlag%20F%C3%B6rderung.pdf" in path.read_bytes()

    content = read_email(path, DEFAULT_LIMITS)

    assert content.attachments[0].name == "Beschlussvorschlag Förderung.pdf"


def test_umlaut_name_as_encoded_word_and_nfd_is_normalised(tmp_path, motion_pdf):
    """Outlook writes RFC 2047 encoded words inside the parameter; macOS sends decomposed umlauts."""
    decomposed = unicodedata.normalize("NFD", "Beschlussvorschlag Förderung.pdf")
    encoded = "=?utf-8?B?" + base64.b64encode(decomposed.encode()).decode() + "?="
    message = attach(build_mail(), motion_pdf, "x.pdf")
    message.get_payload()[-1].replace_header("Content-Disposition", f'attachment; filename="{encoded}"')

    content = read(tmp_path, message)

    assert content.attachments[0].name == "Beschlussvorschlag Förderung.pdf"
    assert unicodedata.is_normalized("NFC", content.attachments[0].name)


@pytest.mark.parametrize(
    ("sent_as", "saved_as"),
    [
        ("../../evil.pdf", "evil.pdf"),
        ("..\\..\\Windows\\evil.pdf", "evil.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("...versteckt.pdf", "versteckt.pdf"),
        ("Antrag\u202egpj.pdf", "Antraggpj.pdf"),  # right-to-left override hides the real extension
        ('Antrag: "neu"?.pdf', "Antrag_ _neu__.pdf"),
        ("../..", "anhang-1.pdf"),
        ("CON.pdf", "anhang-1.pdf"),
    ],
)
def test_hostile_names_become_safe_basenames(tmp_path, motion_pdf, sent_as, saved_as):
    message = attach(build_mail(), motion_pdf, "x.pdf")
    message.get_payload()[-1].set_param("filename", sent_as, header="Content-Disposition")

    assert read(tmp_path, message).attachments[0].name == saved_as


def test_long_name_is_cut_to_200_bytes_keeping_the_extension(tmp_path, motion_pdf):
    name = "Beschlussvorschlag zur Förderung der Integration " * 10 + ".pdf"
    saved = read(tmp_path, attach(build_mail(), motion_pdf, name)).attachments[0].name
    assert saved.endswith(".pdf")
    assert len(saved.encode("utf-8")) <= 200
    assert saved.startswith("Beschlussvorschlag zur Förderung")


def test_missing_name_falls_back_and_equal_names_stay_apart(tmp_path, motion_pdf, motion_docx):
    message = attach(build_mail(), motion_pdf, None)
    attach(message, motion_docx, None, "application/octet-stream")
    attach(message, motion_pdf, "Antrag.pdf")
    attach(message, motion_pdf, "antrag.PDF")

    names = [a.name for a in read(tmp_path, message).attachments]

    assert names == ["anhang-1.pdf", "anhang-2.docx", "Antrag.pdf", "antrag (2).PDF"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=300))
def test_any_sent_name_gives_a_safe_name(tmp_path, motion_pdf, name):
    parameter = encode_rfc2231(name, "utf-8").replace('"', "%22")
    raw = (b"From: " + SENDER.encode() + b"\r\nDate: " + format_datetime(RECEIVED).encode()
           + b"\r\nMIME-Version: 1.0\r\nContent-Type: application/pdf\r\n"
           + f"Content-Disposition: attachment; filename*={parameter}\r\n".encode()
           + b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(motion_pdf))

    saved = read(tmp_path, raw).attachments[0].name

    assert "/" not in saved and "\\" not in saved
    assert not saved.startswith(".")
    assert not any(unicodedata.category(char) in ("Cc", "Cf", "Cs") for char in saved)
    assert unicodedata.is_normalized("NFC", saved)
    assert len(saved.encode("utf-8")) <= 200
    assert saved.lower().endswith(".pdf")


# --- formats by their bytes --------------------------------------------------------------------

def test_pdf_as_octet_stream_without_extension_is_detected(tmp_path, motion_pdf):
    content = read(tmp_path, attach(build_mail(), motion_pdf, "antrag", "application/octet-stream"))
    assert [(a.name, a.format) for a in content.attachments] == [("antrag.pdf", "pdf")]
    assert content.attachments[0].data == motion_pdf


def test_pdf_sent_inline_is_still_a_motion(tmp_path, motion_pdf):
    """Apple Mail sends PDFs with ``Content-Disposition: inline``."""
    content = read(tmp_path, attach(build_mail(), motion_pdf, "antrag.pdf", disposition="inline"))
    assert content.attachments[0].data == motion_pdf


def test_html_named_pdf_is_skipped_with_a_note(tmp_path, motion_pdf):
    message = attach(build_mail(), HTML_PAGE, "Beschluss.pdf")
    attach(message, motion_pdf, "Antrag.pdf")

    content = read(tmp_path, message)

    assert [a.name for a in content.attachments] == ["Antrag.pdf"]
    assert content.skipped == [
        "Anhang Beschluss.pdf ignoriert (kein PDF oder Word-Dokument, sondern eine HTML-Seite)."]


def test_inline_image_and_legacy_doc_are_noted(tmp_path, motion_pdf):
    message = attach(build_mail(), PNG, "image001.png", "image/png", disposition="inline")
    attach(message, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Antrag.doc", "application/msword")
    attach(message, motion_pdf, "Antrag.pdf")

    content = read(tmp_path, message)

    assert [a.name for a in content.attachments] == ["Antrag.pdf"]
    assert content.skipped[0] == "Eingebettetes Bild image001.png ignoriert."
    assert "Antrag.doc" in content.skipped[1] and "altes Word-Dokument (.doc)" in content.skipped[1]


def test_broken_base64_is_skipped_with_a_note(tmp_path, motion_pdf):
    message = attach(build_mail(), motion_pdf, "kaputt.pdf")
    attach(message, motion_pdf, "Antrag.pdf")
    raw = message.as_bytes()
    good = base64.encodebytes(motion_pdf[:57]).strip()  # first encoded line of kaputt.pdf
    raw = raw.replace(good, good[:30] + b"!!!" + good[33:-1], 1)

    content = read(tmp_path, raw)

    assert [(a.name, a.data) for a in content.attachments] == [("Antrag.pdf", motion_pdf)]
    assert content.skipped == ["Anhang kaputt.pdf übersprungen (Kodierung beschädigt, nicht lesbar)."]


# --- forwarded mails ---------------------------------------------------------------------------

def test_attachment_of_a_forwarded_mail_is_found(tmp_path, motion_pdf):
    original = attach(build_mail(sender="Referat 23 <ref23@mi.niedersachsen.de>"), motion_pdf,
                      "Beschlussvorschlag Förderung.pdf")
    outer = build_mail(subject="WG: Beschlussvorschlag")
    outer.add_attachment(original)  # message/rfc822
    path = save(tmp_path, outer)
    assert b"message/rfc822" in path.read_bytes()

    content = read_email(path, DEFAULT_LIMITS)

    assert content.sender == SENDER  # who sent it to us, not the original author
    assert [(a.name, a.data) for a in content.attachments] == [("Beschlussvorschlag Förderung.pdf", motion_pdf)]


def test_forwarded_mail_sent_as_eml_file_is_opened(tmp_path, motion_pdf):
    original = attach(build_mail(), motion_pdf, "Antrag.pdf")
    outer = attach(build_mail(), original.as_bytes(), "Weiterleitung.eml", "application/octet-stream")

    assert [a.data for a in read(tmp_path, outer).attachments] == [motion_pdf]


def test_forwarding_depth_is_bounded(tmp_path, motion_pdf):
    message = attach(build_mail(), motion_pdf, "tief.pdf")
    for _ in range(8):
        outer = build_mail(subject="WG: WG: Antrag")
        outer.add_attachment(message)
        message = outer

    error = raise_input_error(save(tmp_path, message))

    assert error.code == ErrorCode.UNSUPPORTED_FORMAT
    assert "zu großer Verschachtelungstiefe" in error.message


# --- headers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("date", [None, "", "gestern Nachmittag", "Mon, 31 Feb 2027 25:61:00 +0200"])
def test_missing_or_unreadable_date_is_none(tmp_path, motion_pdf, date):
    message = attach(build_mail(date=None), motion_pdf, "antrag.pdf")
    raw = message.as_bytes()
    if date is not None:
        raw = f"Date: {date}\r\n".encode() + raw
    assert read(tmp_path, raw).date is None


def test_date_without_zone_counts_as_utc(tmp_path, motion_pdf):
    content = read(tmp_path, attach(build_mail(date="Wed, 28 Apr 2027 14:42:05 -0000"), motion_pdf, "a.pdf"))
    assert content.date == datetime(2027, 4, 28, 14, 42, 5, tzinfo=timezone.utc)
    assert content.date.tzinfo is not None


# --- errors ------------------------------------------------------------------------------------

def test_mail_without_motion_is_rejected_listing_ignored_parts(tmp_path):
    message = attach(build_mail(), PNG, "bild.png", "image/png")

    error = raise_input_error(save(tmp_path, message))

    assert error.code == ErrorCode.UNSUPPORTED_FORMAT
    assert error.message.startswith("Die E-Mail enthält keinen PDF- oder Word-Anhang.")
    assert "bild.png" in error.message and "PNG-Bild" in error.message


def test_mail_with_text_only_is_rejected(tmp_path):
    error = raise_input_error(save(tmp_path, build_mail()))
    assert error.code == ErrorCode.UNSUPPORTED_FORMAT
    assert error.message == "Die E-Mail enthält keinen PDF- oder Word-Anhang."


@pytest.mark.parametrize("kind", ["pdf", "random", "text"])
def test_files_that_are_no_mail_are_rejected(tmp_path, motion_pdf, kind):
    content = {"pdf": motion_pdf, "random": random.Random(7).randbytes(5000),
               "text": "\n".join(load_sample().lines).encode()}[kind]
    path = save(tmp_path, content, "eingang.eml")

    assert not is_email_file(path)
    error = raise_input_error(path)
    assert error.code == ErrorCode.UNSUPPORTED_FORMAT
    assert "keine E-Mail" in error.message


def test_empty_file_is_rejected(tmp_path):
    path = save(tmp_path, b"")
    assert not is_email_file(path)
    assert raise_input_error(path).code == ErrorCode.EMPTY_FILE


def test_oversized_mail_is_rejected_before_parsing(tmp_path, motion_pdf, monkeypatch):
    path = save(tmp_path, attach(build_mail(), motion_pdf, "antrag.pdf"))
    parsed: list[bytes] = []
    monkeypatch.setattr(email_message, "_parse", parsed.append)

    error = raise_input_error(path, ExtractionLimits(max_file_bytes=1000))

    assert error.code == ErrorCode.LIMIT_EXCEEDED
    assert parsed == []


# --- sniffing ----------------------------------------------------------------------------------

MAILS: dict[str, Callable[[bytes], bytes]] = {
    "plain": lambda pdf: attach(build_mail(), pdf, "a.pdf").as_bytes(),
    "crlf": lambda pdf: attach(build_mail(), pdf, "a.pdf").as_bytes().replace(b"\n", b"\r\n"),
    "without date and sender": lambda pdf: attach(build_mail(date=None, sender=None), pdf, "a.pdf").as_bytes(),
    "thunderbird mbox line": lambda pdf: b"From - Wed Apr 28 16:42:05 2027\n" + attach(build_mail(), pdf, "a.pdf").as_bytes(),
    "received chain": lambda pdf: b"".join(
        b"Received: from relay%d.niedersachsen.de (relay%d [10.0.0.%d])\n\tby mx.intmk.de; Wed, 28 Apr 2027\n"
        % (n, n, n) for n in range(60)) + attach(build_mail(), pdf, "a.pdf").as_bytes(),
}


@pytest.mark.parametrize("kind", MAILS)
def test_built_mails_are_recognised_and_read(tmp_path, motion_pdf, kind):
    path = save(tmp_path, MAILS[kind](motion_pdf), "ohne-endung")
    assert is_email_file(path)
    assert read_email(path, DEFAULT_LIMITS).attachments[0].data == motion_pdf


def test_single_known_header_is_not_enough(tmp_path):
    assert not is_email_file(save(tmp_path, b"Subject: Antrag\n\nBitte beachten.\n"))
    assert not is_email_file(save(tmp_path, b"Antragsteller: Bayern\nBetreff: Antrag\n"))
    assert not is_email_file(tmp_path / "gibt-es-nicht.eml")
