"""Hostile DOCX files, built by code with ``zipfile``: each is rejected as HOSTILE_FILE (or, for a
lying ZIP header, classified) fast and with bounded memory, and never leaks ``/etc/passwd``.

Time and memory are measured in one child process that reads every hostile file in turn
(``ru_maxrss`` growth over the whole run, so the bound holds for every file and for all together).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx.oxml
import pytest
from lxml import etree

from extractors.docx import read_docx
from extractors.limits import ExtractionLimits
from schemas.errors import ErrorCode, InputError
from tests.fixtures.docx import docx_parts, write_docx, write_parts

REPO = Path(__file__).resolve().parents[1]
MAX_SECONDS = 2.0
MAX_RSS_GROWTH_MB = 100
PASSWD = Path("/etc/passwd")
PASSWD_LINE = PASSWD.read_text(encoding="utf-8", errors="replace").splitlines()[0] if PASSWD.exists() else "root:x:0:0"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

XXE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [<!ENTITY e SYSTEM "file://{PASSWD}">]>
<w:document {W_NS}><w:body><w:p><w:r><w:t>Vorher &e; nachher</w:t></w:r></w:p></w:body></w:document>"""

LAUGHS = "".join(
    f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)
)
BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>
<w:document {W_NS}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""


@pytest.fixture(scope="session")
def base_docx(generated: Path) -> Path:
    return write_docx(generated / "hostile-base.docx", [("para", "Harmloser Text.")])


def with_parts(base: Path, target: Path, changes: dict[str, bytes | None]) -> Path:
    """Copy ``base`` with members replaced, added, or removed (value ``None``)."""
    parts = docx_parts(base)
    for name, data in changes.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    return write_parts(target, parts)


def add_zero_member(base: Path, target: Path, name: str, size: int) -> Path:
    """``base`` with member ``name`` (added or replaced) holding ``size`` zero bytes, compressed
    while streaming (no big buffer). Replacing a part python-docx loads (document, styles) makes
    the bomb one that an unguarded reader would really inflate."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in docx_parts(base).items():
            if part != name:
                archive.writestr(part, data)
        with archive.open(name, "w") as member:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return target


def lie_about_size(path: Path, name: str, declared: int) -> Path:
    """Patch local and central headers of ``name`` to declare ``declared`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    headers = ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46))  # local, central
    for signature, size_offset, length_offset, name_offset in headers:
        position = data.find(signature)
        while position != -1:
            length = struct.unpack_from("<H", data, position + length_offset)[0]
            if data[position + name_offset: position + name_offset + length] == encoded:
                struct.pack_into("<I", data, position + size_offset, declared)
            position = data.find(signature, position + 4)
    path.write_bytes(bytes(data))
    return path


@pytest.fixture(scope="session")
def hostile_files(generated: Path, base_docx: Path) -> dict[str, Path]:
    """Every hostile file, generated once per session (the 1 GB bomb takes about 2 s)."""
    folder = generated / "hostile"
    folder.mkdir()
    document = docx_parts(base_docx)["word/document.xml"]
    files = {
        "xxe": with_parts(base_docx, folder / "xxe.docx", {"word/document.xml": XXE.encode()}),
        "xxe-utf16": with_parts(base_docx, folder / "xxe16.docx",
                                {"word/document.xml": XXE.replace("UTF-8", "UTF-16").encode("utf-16")}),
        "xxe-in-rels": with_parts(base_docx, folder / "xxe-rels.docx", {
            "_rels/.rels": docx_parts(base_docx)["_rels/.rels"].replace(
                b"?>", b'?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)}),
        "xxe-xml-content-type": with_parts(base_docx, folder / "xxe-ct.docx", {
            "word/extra.dat": XXE.encode(),
            "[Content_Types].xml": docx_parts(base_docx)["[Content_Types].xml"].replace(
                b"</Types>", b'<Override PartName="/word/extra.dat" ContentType="application/xml"/></Types>')}),
        "ebcdic": with_parts(base_docx, folder / "ebcdic.docx", {
            "word/document.xml": '<?xml version="1.0" encoding="IBM037"?>'.encode("cp037") + document[60:]}),
        "utf7": with_parts(base_docx, folder / "utf7.docx", {
            "word/document.xml": b'<?xml version="1.0" encoding="UTF-7"?>' + document[document.index(b"?>") + 2:]}),
        "billion-laughs": with_parts(base_docx, folder / "laughs.docx", {"word/document.xml": BILLION_LAUGHS.encode()}),
        "zip-bomb-1gb": add_zero_member(base_docx, folder / "bomb.docx", "word/document.xml", 1024 ** 3),
        "zip-bomb-ratio": add_zero_member(base_docx, folder / "ratio.docx", "word/styles.xml", 150 * 1024 ** 2),
        "many-members": with_parts(base_docx, folder / "many.docx", {f"word/m{i}.bin": b"x" for i in range(5001)}),
        "parent-path": with_parts(base_docx, folder / "parent.docx", {"../../x": b"boo"}),
        "parent-path-inner": with_parts(base_docx, folder / "parent-inner.docx", {"word/../../x.xml": b"<x/>"}),
        "absolute-path": with_parts(base_docx, folder / "absolute.docx", {"/etc/x": b"boo"}),
        "drive-path": with_parts(base_docx, folder / "drive.docx", {"C:/windows/x": b"boo"}),
        "backslash": with_parts(base_docx, folder / "backslash.docx", {"word\\..\\x": b"boo"}),
    }
    lying = add_zero_member(base_docx, folder / "lying.docx", "customXml/bomb.xml", 150 * 1024 ** 2)
    files["lying-size"] = lie_about_size(lying, "customXml/bomb.xml", 1000)
    return files


CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from extractors.docx import read_docx
from schemas.errors import IntmkError
read_docx(Path(sys.argv[2]))  # warm up: imports and first parse are not the file's cost
start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
results = {}
for name, path in json.loads(sys.argv[3]).items():
    started = time.perf_counter()
    try:
        document = read_docx(Path(path))
        outcome = {"code": "ok", "message": "", "text": " ".join(l.text for l in document.lines)}
    except IntmkError as exc:
        outcome = {"code": str(exc.code), "message": exc.message, "text": ""}
    outcome["seconds"] = time.perf_counter() - started
    outcome["rss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_rss) / 1024
    results[name] = outcome
print(json.dumps(results))
"""


@pytest.fixture(scope="session")
def child_results(hostile_files: dict[str, Path], base_docx: Path) -> dict[str, dict]:
    """Read every hostile file in one child process; per file: code, message, seconds, RSS growth."""
    paths = json.dumps({name: str(path) for name, path in hostile_files.items()})
    completed = subprocess.run([sys.executable, "-c", CHILD, str(REPO), str(base_docx), paths],
                               capture_output=True, text=True, timeout=120, check=True)
    return json.loads(completed.stdout)


ALL_HOSTILE = ["xxe", "xxe-utf16", "xxe-in-rels", "xxe-xml-content-type", "ebcdic", "utf7", "billion-laughs",
               "zip-bomb-1gb", "zip-bomb-ratio", "many-members", "parent-path", "parent-path-inner",
               "absolute-path", "drive-path", "backslash"]


@pytest.mark.parametrize("name", ALL_HOSTILE)
def test_hostile_file_is_rejected_fast_with_bounded_memory(child_results: dict[str, dict], name: str) -> None:
    result = child_results[name]
    assert result["code"] == ErrorCode.HOSTILE_FILE, result
    assert result["seconds"] < MAX_SECONDS, result
    assert result["rss_growth_mb"] < MAX_RSS_GROWTH_MB, result
    assert "Sicherheitsgründen" in result["message"]


def test_lying_zip_header_is_classified_with_bounded_memory(child_results: dict[str, dict]) -> None:
    """A member declaring 1000 bytes but holding 150 MB: reading stops at the declared size."""
    result = child_results["lying-size"]
    assert result["code"] in (ErrorCode.DAMAGED_FILE, ErrorCode.HOSTILE_FILE), result
    assert result["seconds"] < MAX_SECONDS, result
    assert result["rss_growth_mb"] < MAX_RSS_GROWTH_MB, result


def test_passwd_never_appears_in_any_output(child_results: dict[str, dict]) -> None:
    for name, result in child_results.items():
        assert PASSWD_LINE not in result["message"] + result["text"], name
        assert "root:" not in result["message"] + result["text"], name


@pytest.mark.parametrize("name", ["xxe", "billion-laughs", "zip-bomb-1gb"])
def test_rejection_in_process_names_the_reason(hostile_files: dict[str, Path], name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        read_docx(hostile_files[name])
    assert time.perf_counter() - started < MAX_SECONDS
    assert caught.value.code == ErrorCode.HOSTILE_FILE
    expected = "ZIP-Bombe" if name.startswith("zip") else "DOCTYPE"
    assert expected in caught.value.message
    assert PASSWD_LINE not in caught.value.message


def test_python_docx_parser_alone_does_not_expand_entities() -> None:
    """Defence in depth, documenting python-docx 1.2 on this lxml/libxml2: its parser
    (resolve_entities=False) leaves an external entity unexpanded, and libxml2 stops a billion
    laughs with its amplification limit, even without our pre-scan."""
    element = docx.oxml.parse_xml(XXE.encode())
    text = "".join(element.itertext())
    assert PASSWD_LINE not in text and "root:" not in text
    assert "&e;" in etree.tostring(element, encoding="unicode")  # left as an unresolved reference
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        docx.oxml.parse_xml(BILLION_LAUGHS.encode())


def test_member_limit_comes_from_the_limits(base_docx: Path, tmp_path: Path) -> None:
    path = with_parts(base_docx, tmp_path / "twelve.docx", {f"word/m{i}.bin": b"x" for i in range(12)})
    assert read_docx(path).lines  # default limit: fine
    with pytest.raises(InputError) as caught:
        read_docx(path, ExtractionLimits(max_docx_members=10))
    assert caught.value.code == ErrorCode.HOSTILE_FILE


def test_uncompressed_limit_comes_from_the_limits(base_docx: Path, tmp_path: Path) -> None:
    path = with_parts(base_docx, tmp_path / "big.docx", {"word/media/noise.bin": bytes(range(256)) * 4096})
    assert read_docx(path).lines
    with pytest.raises(InputError) as caught:
        read_docx(path, ExtractionLimits(max_docx_uncompressed_bytes=512 * 1024))
    assert caught.value.code == ErrorCode.HOSTILE_FILE


def test_duplicate_member_names_are_rejected(base_docx: Path, tmp_path: Path) -> None:
    target = tmp_path / "duplicate.docx"
    parts = docx_parts(base_docx)
    with zipfile.ZipFile(target, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        for name, data in parts.items():
            archive.writestr(name, data)
        archive.writestr("word/document.xml", XXE.replace("<!DOCTYPE", "<!-- ").replace("]>", "-->"))
    with pytest.raises(InputError) as caught:
        read_docx(target)
    assert caught.value.code == ErrorCode.HOSTILE_FILE


def test_svg_image_with_doctype_is_not_an_xml_part(base_docx: Path, tmp_path: Path) -> None:
    """Embedded SVG images often carry a DOCTYPE; python-docx keeps images as bytes, so they pass."""
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    content_types = docx_parts(base_docx)["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>')
    path = with_parts(base_docx, tmp_path / "svg.docx",
                      {"word/media/image1.svg": svg, "[Content_Types].xml": content_types})
    assert [line.text for line in read_docx(path).lines] == ["Harmloser Text."]
