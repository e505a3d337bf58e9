"""Build the example inbox for `make demo` from the real sample text (../shared/samples).

Writes the golden layouts (PDF) plus one DOCX motion, one deliberately unreadable file, a sidecar
per document giving the receipt time by hand, two motions for the 23rd IntMK with sidecars, and two
e-mails from Rheinland-Pfalz whose attached motions for the 23rd IntMK arrive before and after the
motion deadline (Regularien 4.3). examples/meeting/ holds the votes and other inputs for them.
Run: python examples/build_inbox.py INBOX [ARCHIVE]   (ARCHIVE: scans for intmk digitize)
"""

from __future__ import annotations

import datetime as dt
import sys
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.layouts import DOCX_LAYOUTS, PDF_LAYOUTS  # noqa: E402
from tests.fixtures.motions import write_motion  # noqa: E402
from tests.fixtures.scans import write_scan  # noqa: E402

BERLIN_SUMMER = dt.timezone(dt.timedelta(hours=2))
BERLIN_WINTER = dt.timezone(dt.timedelta(hours=1))
SIDECAR = 'received = 2017-02-01T10:00:00+01:00\nsender = "Posteingang Geschäftsstelle"\n'


def build_inbox(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [build(folder).path for build in (*PDF_LAYOUTS.values(), *DOCX_LAYOUTS.values())]
    for path in paths:
        path.with_name(path.name + ".toml").write_text(SIDECAR, encoding="utf-8")
    broken = folder / "abgebrochene-uebertragung.pdf"
    broken.write_bytes(paths[0].read_bytes()[:600])
    motions = [
        write_motion_23(folder, "beschlussvorschlag-by-sn.pdf", "Antragsteller: Bayern, Sachsen",
                        "Migrationsberatung in ländlichen Regionen", (3,), dt.datetime(2027, 3, 20, 9, 0, tzinfo=BERLIN_WINTER)),
        write_motion_23(folder, "beschlussvorschlag-hb-hh-be.pdf", "Antragsteller: Bremen, Hamburg, Berlin",
                        "Öffnung der Migrationsberatung für Asylsuchende und Geduldete", (2,),
                        dt.datetime(2027, 4, 1, 11, 0, tzinfo=BERLIN_SUMMER)),
    ]
    mails = [
        write_mail(folder, "mail-rp-fristgerecht.eml", dt.datetime(2027, 4, 8, 16, 30, tzinfo=BERLIN_SUMMER), 1),
        write_mail(folder, "mail-rp-verspaetet.eml", dt.datetime(2027, 4, 9, 8, 15, tzinfo=BERLIN_SUMMER), 2),
    ]
    return [*paths, broken, *motions, *mails]


def write_motion_23(folder: Path, name: str, applicants: str, title: str, paragraphs: tuple[int, ...], received: dt.datetime) -> Path:
    """A motion for the 23rd IntMK from the sample's paragraphs, with a sidecar giving its receipt."""
    path = write_motion(folder, name, applicants=applicants, title=title, paragraphs=paragraphs,
                        reasoning=[f"Die antragstellenden Länder halten das Thema „{title}“ für vordringlich."])
    path.with_name(name + ".toml").write_text(f"received = {received.isoformat()}\n", encoding="utf-8")
    return path


def write_mail(folder: Path, name: str, sent: dt.datetime, number: int) -> Path:
    """An e-mail from a Land's ministry with one motion for the 23rd IntMK attached."""
    scratch = folder / f".entwurf-{number}"
    motion = write_motion(scratch, f"beschlussvorschlag-rp-{number}.pdf", reasoning=[f"Antrag Nummer {number} aus Rheinland-Pfalz."])
    message = EmailMessage()
    message["From"] = "Ministerium für Familie, Frauen, Kultur und Integration RP <integration@mffki.rlp.de>"
    message["To"] = "geschaeftsstelle@intmk.example"
    message["Subject"] = "Beschlussvorschlag zur 23. IntMK"
    message["Date"] = format_datetime(sent)
    message.set_content("Sehr geehrte Damen und Herren,\nanbei unser Beschlussvorschlag.\n")
    message.add_attachment(motion.read_bytes(), maintype="application", subtype="pdf", filename=motion.name)
    motion.unlink()
    scratch.rmdir()
    target = folder / name
    target.write_bytes(message.as_bytes())
    return target


def build_archive(folder: Path) -> list[Path]:
    """An archive tree for ``intmk digitize``: two minutes of the sample as image-only scans (no text layer)."""
    scans = []
    for year, layout, skew in (("2017", "sample_as_printed", 0.7), ("2018", "minutes_2018", -0.5)):
        (folder / ".vorlage").mkdir(parents=True, exist_ok=True)
        born = PDF_LAYOUTS[layout](folder / ".vorlage").path
        target = folder / year / f"niederschrift-{layout.replace('_', '-')}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        scans.append(write_scan(born, target, dpi=200, skew_degrees=skew, noise=0.01, seed=int(year)))
        born.unlink()
    (folder / ".vorlage").rmdir()
    return scans


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/inbox")
    for path in build_inbox(target):
        print(path)
    if len(sys.argv) > 2:
        for path in build_archive(Path(sys.argv[2])):
            print(path)
