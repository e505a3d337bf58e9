"""The notes a clerk reads beside a quarantined or duplicate original (German, plain text)."""

from __future__ import annotations

import datetime as dt

from pipeline.receipt import BERLIN
from pipeline.rules.calendar import format_moment

# What the Geschäftsstelle can do about each reason (codes from schemas.errors.ErrorCode).
HINTS = {
    "empty_file": "Die Datei ist leer. Bitte beim einsendenden Land die Datei erneut anfordern.",
    "unsupported_format": "Bitte eine PDF- oder Word-Datei (DOCX) anfordern oder die Datei in ein solches Format umwandeln.",
    "legacy_doc": "Alte Word-Datei (.doc): bitte in Word öffnen, als DOCX speichern und erneut in den Eingang legen.",
    "damaged_file": "Die Datei ist beschädigt. Bitte beim einsendenden Land eine neue Fassung anfordern.",
    "encrypted": "Die Datei ist kennwortgeschützt. Bitte eine Fassung ohne Kennwort anfordern.",
    "hostile_file": "Die Datei enthält unzulässige Bestandteile und wurde nicht geöffnet. Bitte eine neue Fassung anfordern.",
    "limit_exceeded": "Die Datei überschreitet eine Grenze (Größe, Seiten, Zeichen). Bitte prüfen, ob sie richtig ist.",
    "timeout": "Das Lesen dauerte zu lange. Bitte eine neu erzeugte Fassung (z. B. erneut als PDF gespeichert) anfordern.",
    "memory_limit": "Das Lesen brauchte zu viel Speicher. Bitte eine neu erzeugte Fassung anfordern.",
    "parser_crashed": "Das Lesen ist abgebrochen. Bitte eine neu erzeugte Fassung anfordern.",
    "needs_ocr": "Die Datei enthält nur Bilder (Scan). Bitte eine Textfassung anfordern oder die Texterkennung nutzen.",
    "no_agenda_item": "In der Datei wurde kein Tagesordnungspunkt und kein Beschlussvorschlag erkannt. Bitte prüfen, ob es ein Antrag ist.",
    "invalid_data": "Bitte die Begleitdatei (.toml) korrigieren und Dokument und Begleitdatei erneut in den Eingang legen.",
}
DEFAULT_HINT = "Bitte die Datei prüfen und bei Bedarf eine neue Fassung in den Eingang legen."


def describe_quarantine(name: str, sha256: str, claimed_at: dt.datetime, code: str, message: str) -> str:
    return "\n".join([
        "Diese Datei wurde nicht verarbeitet (Quarantäne).",
        "",
        f"Datei:        {printable(name)}",
        f"Eingegangen:  {format_moment(claimed_at.astimezone(BERLIN))}",
        f"SHA-256:      {sha256}",
        f"Grund:        {message}",
        f"Fehlercode:   {code}",
        "",
        f"Was tun? {HINTS.get(code, DEFAULT_HINT)}",
        "Die Datei bleibt hier unverändert liegen. Eine neue Fassung einfach in den Eingang legen.",
        "",
    ])


def describe_duplicate(name: str, sha256: str, first_name: str, first_seen: dt.datetime) -> str:
    return "\n".join([
        "Diese Datei ist inhaltlich identisch mit einem bereits gespeicherten Dokument",
        "und wurde deshalb nicht erneut verarbeitet.",
        "",
        f"Datei:              {printable(name)}",
        f"SHA-256:            {sha256}",
        f"Zuerst erhalten als: {printable(first_name)} am {format_moment(first_seen.astimezone(BERLIN))}",
        "",
    ])


def printable(name: str) -> str:
    """File names can hold line breaks or direction marks; show them escaped, never executed."""
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in name)  # bidi marks are not printable
