"""Only a PDF that really needs a user password is ``encrypted`` (issue 19).

An owner password alone restricts printing or copying but opens without a password; a file
whose crypt filters encrypt only its attachments (Acrobat's "encrypt only file attachments",
qpdf's ``unfilterable-with-crypt.pdf`` / ``nontrivial-crypt-filter.pdf``, pdf.js's
``encrypted-attachment.pdf``) has its pages in clear text. Both are read.
"""

from __future__ import annotations

import pikepdf
import pytest
from pypdf import PasswordType, PdfReader

from extractors.pdf import read_pdf
from schemas.errors import ErrorCode, InputError
from tests.fixtures.pdf import write_pdf
from tests.fixtures.pdf_raw import encryption_values, write_attachment_encrypted_pdf
from tests.test_pdf import filler_pages, texts

LINES = ["Beschluss der Integrationsministerkonferenz", "Die Länder begrüßen den Ausbau der Migrationsberatung."]


def test_file_whose_encryption_covers_only_attachments_is_read(tmp_path):
    values, permissions = encryption_values(tmp_path, user_password="attachment", owner_password="owner")
    path = write_attachment_encrypted_pdf(tmp_path / "anhang.pdf", LINES, values, permissions)
    reader = PdfReader(path)
    assert reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED  # a real user password
    assert PdfReader(path).decrypt("attachment") == PasswordType.USER_PASSWORD

    document = read_pdf(path)

    assert texts(document) == LINES
    assert document.problems == []


@pytest.mark.parametrize("revision", [4, 6])
def test_owner_password_only_written_by_qpdf_is_read(tmp_path, revision):
    pages = filler_pages(2)
    plain = write_pdf(tmp_path / "klar.pdf", pages)
    path = tmp_path / "rechte.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="chef", user="", R=revision,
                                                     allow=pikepdf.Permissions(extract=False)))

    document = read_pdf(path)

    assert texts(document) == [line for page in pages for line in page]
    assert document.problems == []


@pytest.mark.parametrize("revision", [4, 6])
def test_user_password_written_by_qpdf_stays_encrypted(tmp_path, revision):
    plain = write_pdf(tmp_path / "klar.pdf", filler_pages(2))
    path = tmp_path / "geheim.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="chef", user="geheim", R=revision))

    with pytest.raises(InputError) as caught:
        read_pdf(path)

    assert caught.value.code is ErrorCode.ENCRYPTED
    assert "Kennwort" in caught.value.message
