"""Checks on a DOCX container before any XML parser sees it (RELIABILITY.md rule 6).

A DOCX is a ZIP archive of XML parts. Everything here works on the raw archive with the
``zipfile`` module only: format sniffing (legacy ``.doc``, encrypted Word files), zip bombs
(declared sizes, compression ratios, member count), unsafe member names, and a byte scan of every
XML part for a document type declaration (``<!DOCTYPE`` / ``<!ENTITY``: external entities / XXE,
billion laughs).

Why the scan, although python-docx 1.2 is fairly careful: it parses every part with
``lxml.etree.XMLParser(remove_blank_text=True, resolve_entities=False)`` (``docx/oxml/parser.py``
and ``docx/opc/oxml.py``); lxml's defaults add ``no_network=True``, ``load_dtd=False`` and
``huge_tree=False``. So external entities are neither fetched nor substituted, and libxml2 (2.13+)
stops a billion laughs with "Maximum entity amplification factor exceeded" (both pinned in
``tests/test_docx_hostile.py``). But libxml2 still parses the DTD, and the configuration is a
library detail that may change. A
WordprocessingML file never needs a DTD, so any DOCTYPE is rejected here, before python-docx runs;
this scan is the guard either way.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from typing import BinaryIO

from lxml import etree

from extractors.limits import ExtractionLimits
from schemas.errors import ErrorCode, InputError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # OLE2 stream of a password-protected .docx
_RATIO_MIN_BYTES = 1024 * 1024  # compression ratios of smaller members are not checked
_CHUNK = 1024 * 1024
_FORBIDDEN = ("<!doctype", "<!entity")
_OVERLAP = max(len(word) for word in _FORBIDDEN)
# Encodings in which "<!DOCTYPE" has the same bytes as in ASCII (so the byte scan sees it).
_ASCII_COMPATIBLE = re.compile(r"^(utf-?8|us-ascii|ascii|iso[-_]?8859-\d+|latin-?\d|windows-125\d|cp125\d)$")
_XML_DECLARED_ENCODING = re.compile(r"""^\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# Hardened parser for the two small package parts we read ourselves ([Content_Types].xml, _rels/.rels).
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True
)
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"

_SAVE_AS_HINT = "Bitte die Datei in Word öffnen, als .docx oder PDF speichern und erneut einreichen."


def hostile(reason: str) -> InputError:
    """An ``InputError`` for a file that looks built to attack the parser."""
    return InputError(
        f"Die Word-Datei wurde aus Sicherheitsgründen nicht geöffnet: {reason}. "
        "Bitte beim Absender eine unveränderte Fassung anfordern.",
        code=ErrorCode.HOSTILE_FILE,
    )


def damaged(reason: str) -> InputError:
    """An ``InputError`` for a file that is broken rather than malicious."""
    return InputError(
        f"Die Word-Datei ist beschädigt und kann nicht gelesen werden ({reason}). {_SAVE_AS_HINT}",
        code=ErrorCode.DAMAGED_FILE,
    )


def check_docx_container(handle: BinaryIO, limits: ExtractionLimits) -> str:
    """Vet the archive in ``handle``; return the name of its main document part or raise ``InputError``."""
    sniff_container(handle)
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            check_members(infos, limits)
            xml_names = select_xml_parts(archive, infos)
            for info in infos:
                if info.filename in xml_names:
                    scan_xml_part(archive, info)
            return find_main_part(archive, {info.filename for info in infos})
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, EOFError, OSError, ValueError) as exc:
        raise damaged(f"ZIP-Archiv fehlerhaft: {exc}") from exc
    except NotImplementedError as exc:  # compression method zipfile cannot read (e.g. Deflate64)
        raise damaged(f"nicht unterstütztes Packverfahren: {exc}") from exc
    except RuntimeError as exc:  # zipfile: encrypted member
        raise InputError(
            "Die Word-Datei ist verschlüsselt. Bitte den Kennwortschutz entfernen und erneut einreichen.",
            code=ErrorCode.ENCRYPTED,
        ) from exc


def sniff_container(handle: BinaryIO) -> None:
    """Raise a classified ``InputError`` unless the first bytes are those of a ZIP archive."""
    head = handle.read(8)
    if not head:
        raise InputError("Die Datei ist leer (0 Byte).", code=ErrorCode.EMPTY_FILE)
    if head.startswith(_ZIP_MAGICS):
        return
    if head.startswith(OLE2_MAGIC):
        if contains_bytes(handle, _ENCRYPTED_PACKAGE):
            raise InputError(
                "Die Word-Datei ist mit einem Kennwort geschützt. Bitte den Kennwortschutz in Word "
                "entfernen (Datei > Informationen > Dokument schützen) und erneut einreichen.",
                code=ErrorCode.ENCRYPTED,
            )
        raise InputError(
            "Die Datei ist ein altes Word-Dokument (.doc, Word 97–2003), das nicht gelesen werden kann. "
            + _SAVE_AS_HINT,
            code=ErrorCode.LEGACY_DOC,
        )
    if head.startswith(b"{\\rtf"):
        raise InputError(f"Die Datei ist ein RTF-Dokument, kein .docx. {_SAVE_AS_HINT}",
                         code=ErrorCode.UNSUPPORTED_FORMAT)
    if head.startswith(b"PK"):
        raise damaged("ZIP-Archiv mit unbekanntem Kopf")
    raise InputError(f"Die Datei ist kein Word-Dokument (.docx). {_SAVE_AS_HINT}",
                     code=ErrorCode.UNSUPPORTED_FORMAT)


def contains_bytes(handle: BinaryIO, needle: bytes) -> bool:
    """Stream ``handle`` from the start and report whether ``needle`` occurs in it."""
    handle.seek(0)
    tail = b""
    while chunk := handle.read(_CHUNK):
        if needle in tail + chunk:
            return True
        tail = chunk[-(len(needle) - 1):]
    return False


def check_members(infos: list[zipfile.ZipInfo], limits: ExtractionLimits) -> None:
    """Reject too many members, unsafe names, duplicates and zip bombs (by declared sizes)."""
    if len(infos) > limits.max_docx_members:
        raise hostile(f"{len(infos)} Bestandteile im Archiv (erlaubt: {limits.max_docx_members})")
    seen: set[str] = set()
    total = 0
    for info in infos:
        check_member_name(info.filename)
        if info.filename in seen:
            raise hostile(f"Bestandteil {info.filename!r} kommt doppelt vor")
        seen.add(info.filename)
        total += info.file_size
        if total > limits.max_docx_uncompressed_bytes:
            raise hostile(
                f"entpackt größer als {limits.max_docx_uncompressed_bytes // (1024 * 1024)} MB (ZIP-Bombe)"
            )
        if info.file_size > _RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_docx_compression_ratio:
                raise hostile(f"Bestandteil {info.filename!r} ist {ratio:.0f}-fach gepackt (ZIP-Bombe)")


def check_member_name(name: str) -> None:
    """Reject absolute names, ``..`` segments, backslashes and control characters."""
    if not name:
        raise hostile("Bestandteil ohne Namen")
    if "\\" in name:
        raise hostile(f"Bestandteil {name!r} enthält einen umgekehrten Schrägstrich")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise hostile(f"Bestandteil {name!r} hat einen absoluten Pfad")
    if ".." in name.split("/"):
        raise hostile(f"Bestandteil {name!r} verweist mit '..' aus dem Archiv heraus")
    if any(ord(char) < 32 for char in name):
        raise hostile(f"Bestandteil {name!r} enthält Steuerzeichen")


def select_xml_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> set[str]:
    """Names of the members an XML parser may read: ``*.xml``, ``*.rels`` and XML content types."""
    names = {info.filename for info in infos if info.filename.lower().endswith((".xml", ".rels"))}
    if "[Content_Types].xml" not in names:
        return names
    content_types = archive.getinfo("[Content_Types].xml")
    scan_xml_part(archive, content_types)
    root = parse_small_part(archive, content_types)
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in root:
        if element.tag == f"{_CT_NS}Default":
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif element.tag == f"{_CT_NS}Override":
            overrides[element.get("PartName", "").lstrip("/")] = element.get("ContentType", "")
    for info in infos:
        extension = info.filename.rsplit(".", 1)[-1].lower() if "." in info.filename else ""
        content_type = overrides.get(info.filename) or defaults.get(extension, "")
        if is_xml_content_type(content_type):
            names.add(info.filename)
    return names


def is_xml_content_type(content_type: str) -> bool:
    """True for content types python-docx would hand to lxml (images like SVG are kept as bytes)."""
    lowered = content_type.lower()
    return lowered.endswith("xml") and not lowered.startswith("image/")


def parse_small_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> etree._Element:
    """Parse an already scanned package part with the hardened parser."""
    try:
        return etree.fromstring(read_capped(archive, info), _SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise damaged(f"{info.filename}: {exc}") from exc


def read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read a member, never more than its declared size (a lying header cannot inflate it)."""
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise hostile(f"Bestandteil {info.filename!r} ist größer als angegeben")
    return data


def find_main_part(archive: zipfile.ZipFile, names: set[str]) -> str:
    """Return the main document part named by ``_rels/.rels`` (usually ``word/document.xml``)."""
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        raise damaged("Verzeichnis der Bestandteile fehlt")
    root = parse_small_part(archive, archive.getinfo("_rels/.rels"))
    for relation in root.iter(f"{_REL_NS}Relationship"):
        if relation.get("Type", "").endswith(_OFFICE_DOCUMENT) and relation.get("TargetMode") != "External":
            target = relation.get("Target", "").lstrip("/")
            if target in names:
                return target
            raise damaged(f"Hauptteil {target!r} fehlt")
    if "word/document.xml" in names:
        return "word/document.xml"
    raise damaged("word/document.xml fehlt")


def scan_xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Stream one XML part and reject it if it declares a DTD or entities, in any encoding."""
    with archive.open(info) as member:
        head = member.read(4096)
        decoder = codecs.getincrementaldecoder(detect_xml_encoding(head, info.filename))("replace")
        tail = ""
        chunk = head
        consumed = 0
        while chunk:
            consumed += len(chunk)
            if consumed > info.file_size:
                raise hostile(f"Bestandteil {info.filename!r} ist größer als angegeben")
            text = tail + decoder.decode(chunk).lower()
            for word in _FORBIDDEN:
                if word in text:
                    raise hostile(f"Dokumenttyp-Deklaration ({word.upper()}) in {info.filename}")
            tail = text[-_OVERLAP:]
            chunk = member.read(_CHUNK)


def detect_xml_encoding(head: bytes, name: str) -> str:
    """Python codec for the part, from BOM / first bytes (XML 1.0 appendix F) and its declaration.

    Only encodings in which the scan can see a DOCTYPE are accepted: UTF-8 and the ASCII-compatible
    8-bit sets, UTF-16/32 when marked by their first bytes. Anything else (EBCDIC, UTF-7, …) is
    rejected; Word always writes UTF-8.
    """
    codec = detect_wide_encoding(head)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    text = head.decode(codec or "latin-1", "replace")
    declared = _XML_DECLARED_ENCODING.match(text)
    encoding = declared.group(1).lower() if declared else None
    if codec:
        if encoding and not encoding.replace("-", "").startswith(("utf16", "utf32", "ucs2", "ucs4")):
            raise hostile(f"widersprüchliche Zeichenkodierung {encoding!r} in {name}")
        return codec
    if encoding and not _ASCII_COMPATIBLE.match(encoding):
        raise hostile(f"ungewöhnliche Zeichenkodierung {encoding!r} in {name}")
    if text.lstrip(" \t\r\n\ufeff")[:1] not in ("<", ""):
        raise hostile(f"{name} beginnt nicht mit XML")
    return "utf-8"


def detect_wide_encoding(head: bytes) -> str | None:
    """UTF-16/32 recognised from the BOM or the first bytes, else ``None``."""
    marks = (
        (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
        (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"),
    )
    for mark, codec in marks:
        if head.startswith(mark):
            return codec
    return None
