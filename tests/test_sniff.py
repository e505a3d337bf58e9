"""The format comes from the bytes: renamed files are recognised and rejected with a reason."""

from __future__ import annotations

import io
import zipfile

import pytest

from extractors.sniff import sniff_format
from schemas.errors import ErrorCode, InputError
from tests.fixtures.pdf import write_pdf


def _zip_bytes(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"", ErrorCode.EMPTY_FILE, "leer"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, ErrorCode.UNSUPPORTED_FORMAT, "PNG"),
        (b"<!DOCTYPE html><html><body>Antrag</body></html>", ErrorCode.UNSUPPORTED_FORMAT, "HTML"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ErrorCode.LEGACY_DOC, ".doc"),
        (_zip_bytes(["a.txt"]), ErrorCode.UNSUPPORTED_FORMAT, "ZIP"),
        (_zip_bytes(["[Content_Types].xml", "xl/workbook.xml"]), ErrorCode.UNSUPPORTED_FORMAT, "Excel"),
        (b"PK\x03\x04 truncated", ErrorCode.DAMAGED_FILE, "ZIP"),
        (b"Antragsteller: Bayern", ErrorCode.UNSUPPORTED_FORMAT, "Text"),
    ],
)
def test_non_documents_are_rejected_with_a_reason(tmp_path, content, code, words):
    path = tmp_path / "antrag.pdf"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        sniff_format(path)
    assert caught.value.code == code
    assert words in caught.value.message


def test_pdf_without_extension_and_upper_case_name_is_a_pdf(tmp_path):
    source = write_pdf(tmp_path / "x.pdf", [["TOP 1"]])
    renamed = tmp_path / "ANTRAG"
    source.rename(renamed)
    assert sniff_format(renamed) == "pdf"


def test_docx_renamed_to_pdf_is_read_as_docx(tmp_path):
    path = tmp_path / "antrag.pdf"
    path.write_bytes(_zip_bytes(["[Content_Types].xml", "word/document.xml"]))
    assert sniff_format(path) == "docx"
