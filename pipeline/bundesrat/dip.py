"""Client of the Bundestag's DIP API for pending Bundesrat procedures (Regularien 4.3).

DIP (Dokumentations- und Informationssystem für Parlamentsmaterialien) answers list requests
with ``{"numFound": n, "documents": [...], "cursor": "..."}``. A follow-up request repeats all
parameters plus ``cursor``; when the cursor stops changing, everything has been loaded. The
API key travels in the header ``Authorization: ApiKey <key>``.

DIP silently IGNORES filters it does not know and then returns everything, so every filter
name is checked against the documented list of its resource before anything is sent. Per the
published OpenAPI description, ``f.zuordnung`` (BT/BR/BV/EK) exists for ``vorgangsposition``
and ``drucksache`` but NOT for ``vorgang``; ``fetch_bundesrat_procedures`` therefore selects
the Bundesrat's share through the Vorgangspositionen and loads the Vorgänge by ``f.id``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx

from extractors.fields.drucksache import parse_drucksache_number
from schemas.errors import ConfigError, TransientError
from schemas.rules import BundesratProcedure

DEFAULT_BASE_URL = "https://search.dip.bundestag.de/api/v1"
Resource = Literal["vorgang", "vorgangsposition", "drucksache"]

KEY_MESSAGE = "API-Schlüssel für DIP fehlt oder ist ungültig (INTMK_DIP_API_KEY)."

# Filters per resource, from the DIP OpenAPI description (parameters "f.*").
_COMMON = frozenset({
    "f.aktualisiert.start", "f.aktualisiert.end", "f.datum.start", "f.datum.end",
    "f.dokumentnummer", "f.drucksachetyp", "f.id", "f.ressort_fdf", "f.titel", "f.urheber",
    "f.vorgangstyp", "f.vorgangstyp_notation", "f.wahlperiode",
})  # fmt: skip
ALLOWED_FILTERS: dict[str, frozenset[str]] = {
    "vorgang": _COMMON | {
        "f.beratungsstand", "f.deskriptor", "f.dokumentart", "f.drucksache", "f.frage_nummer",
        "f.gesta", "f.initiative", "f.plenarprotokoll", "f.sachgebiet",
        "f.verkuendung_fundstelle",
    },
    "vorgangsposition": _COMMON | {
        "f.aktivitaet", "f.dokumentart", "f.drucksache", "f.frage_nummer", "f.plenarprotokoll",
        "f.vorgang", "f.zuordnung",
    },
    "drucksache": _COMMON | {"f.zuordnung"},
}  # fmt: skip
_ENUMS = {"f.zuordnung": frozenset({"BT", "BR", "BV", "EK"})}
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_PAGES = 10_000  # a server whose cursor never settles must not keep us busy forever
MAX_RETRY_AFTER = 60.0
ID_BATCH = 50  # Vorgänge per request when loading them by f.id
BERLIN = ZoneInfo("Europe/Berlin")

Filters = Mapping[str, str | Sequence[str]]


class DipClient:
    """Read-only client of the DIP list endpoints with cursor paging and retries."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str = "",
        *,
        timeout: float = 30,
        max_retries: int = 3,
        backoff: float = 1.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ConfigError(KEY_MESSAGE)
        self.max_retries = max_retries
        self.backoff = backoff
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            timeout=timeout,
            transport=transport,
            headers={"Authorization": f"ApiKey {api_key.strip()}", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> DipClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def iter_documents(self, resource: Resource, filters: Filters) -> Iterator[dict[str, Any]]:
        """All documents of ``resource`` matching ``filters``, page after page.

        Filter names and values are checked here, before the first request; the pages are
        fetched lazily while the iterator is consumed.
        """
        params = build_params(resource, filters)
        return self._iter_pages(resource, params)

    def _iter_pages(self, resource: str, params: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            body = self._get(resource, params + ([("cursor", cursor)] if cursor else []))
            documents = body["documents"]
            yield from (document for document in documents if isinstance(document, dict))
            new_cursor = body.get("cursor")
            if not documents or not isinstance(new_cursor, str) or new_cursor == cursor:
                return
            cursor = new_cursor
        raise TransientError(f"DIP liefert mehr als {MAX_PAGES} Seiten; Abruf abgebrochen.")

    def _get(self, resource: str, params: list[tuple[str, str]]) -> dict[str, Any]:
        problem = ""
        for attempt in range(self.max_retries + 1):
            retry_after = None
            try:
                response = self._http.get(resource, params=params)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL):
                raise ConfigError(
                    f"Die DIP-Adresse '{self._http.base_url}' ist ungültig (INTMK_DIP_BASE_URL)."
                ) from None
            except httpx.TimeoutException:
                problem = "Zeitüberschreitung"
            except httpx.TransportError as error:
                problem = f"keine Verbindung: {type(error).__name__}"
            except httpx.HTTPError as error:  # e.g. a broken compressed body
                problem = type(error).__name__
            else:
                if response.status_code not in _RETRY_STATUS:
                    return _parse(_checked(response))
                problem = f"HTTP {response.status_code}"
                retry_after = _retry_after(response)
            if attempt < self.max_retries:
                self._sleep(retry_after if retry_after is not None else self.backoff * 2**attempt)
        raise TransientError(
            f"Der DIP-Dienst des Bundestages ist nicht erreichbar ({problem}); nach "
            f"{self.max_retries + 1} Versuchen aufgegeben. Bitte später erneut versuchen."
        )


def build_params(resource: str, filters: Filters) -> list[tuple[str, str]]:
    """Check filter names and values against the documented ones; repeat list values."""
    allowed = ALLOWED_FILTERS.get(resource)
    if allowed is None:
        raise ConfigError(f"Unbekannte DIP-Ressource '{resource}'.")
    params: list[tuple[str, str]] = []
    for name, value in filters.items():
        if name not in allowed:
            raise ConfigError(
                f"Der Filter '{name}' ist für DIP-{resource} nicht vorgesehen; DIP würde ihn "
                "stillschweigend übergehen und alles liefern. Erlaubt: "
                + ", ".join(sorted(allowed)) + "."
            )
        values = [value] if isinstance(value, str) else list(value)
        for item in values:
            if not isinstance(item, str) or not item:
                raise ConfigError(f"Der Filter '{name}' braucht einen Text als Wert.")
            if name in _ENUMS and item not in _ENUMS[name]:
                raise ConfigError(
                    f"Der Filter '{name}' kennt nur {', '.join(sorted(_ENUMS[name]))}, nicht '{item}'."
                )
            params.append((name, item))
    return params


def _checked(response: httpx.Response) -> httpx.Response:
    if response.status_code in (401, 403):
        raise ConfigError(KEY_MESSAGE)
    if response.status_code >= 400:
        raise ConfigError(
            f"DIP lehnt die Anfrage ab (HTTP {response.status_code}): {response.text[:200]}"
        )
    return response


def _parse(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise TransientError("DIP hat keine gültige JSON-Antwort geliefert.") from None
    if not isinstance(body, dict) or not isinstance(body.get("documents"), list):
        raise TransientError("DIP hat eine unerwartete Antwort geliefert (ohne 'documents').")
    return body


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return None


# --------------------------------------------------------------------------- Bundesrat procedures


@dataclass
class DipFetchResult:
    """What ``fetch_bundesrat_procedures`` found: the procedures, and the Vorgänge skipped
    because none of their Bundesrat steps names a BR Drucksache (e.g. only a Plenarprotokoll)."""

    procedures: list[BundesratProcedure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # DIP ids of the skipped Vorgänge

    @property
    def skipped_count(self) -> int:
        return len(self.skipped)


@dataclass
class _Reference:
    number: str  # "450/26"
    grund: bool  # the Grunddrucksache itself, not "450/1/26" or "450/26(B)"
    datum: dt.date | None


@dataclass
class _Vorgang:
    title: str | None = None
    best: _Reference | None = None
    updated: dt.date | None = None

    def offer(self, reference: _Reference) -> None:
        if self.best is None or _rank(reference) < _rank(self.best):
            self.best = reference


def fetch_bundesrat_procedures(
    client: DipClient, *, updated_since: dt.date | None = None
) -> DipFetchResult:
    """Bundesrat procedures from DIP (Regularien 4.3), changed since ``updated_since``.

    1. Vorgangspositionen with ``f.zuordnung=BR`` give, per Vorgang, its BR Drucksachen; the
       Grunddrucksache ("450/26") is preferred over recommendations ("450/1/26") and decisions.
    2. The Vorgänge themselves (``f.id``, in batches) give title, Beratungsstand and update time.
    ``initiated`` is the date of the chosen BR Drucksache (DIP's Vorgang ``datum`` is the date of
    its latest document), falling back to that ``datum``.
    """
    filters: dict[str, str] = {"f.zuordnung": "BR"}
    if updated_since is not None:
        filters["f.aktualisiert.start"] = format_since(updated_since)
    found = _collect_positions(client.iter_documents("vorgangsposition", filters))
    details = _load_vorgaenge(client, [vid for vid, v in found.items() if v.best])
    result = DipFetchResult()
    by_number: dict[str, BundesratProcedure] = {}
    for vid, vorgang in found.items():
        procedure = _procedure(vid, vorgang, details.get(vid, {}))
        if procedure is None:
            result.skipped.append(vid)
            continue
        known = by_number.get(procedure.drucksache)
        if known is None or (procedure.updated or dt.date.min) > (known.updated or dt.date.min):
            by_number[procedure.drucksache] = procedure
    result.procedures = list(by_number.values())
    return result


def format_since(day: dt.date) -> str:
    """Midnight of ``day`` in Berlin, as DIP's ``f.aktualisiert.start`` wants it."""
    return dt.datetime.combine(day, dt.time(0), BERLIN).isoformat()


def _collect_positions(positions: Iterator[dict[str, Any]]) -> dict[str, _Vorgang]:
    found: dict[str, _Vorgang] = {}
    for position in positions:
        vid = str(position.get("vorgang_id") or "")
        if not vid or position.get("zuordnung", "BR") != "BR":
            continue  # a server that ignored f.zuordnung must not smuggle in BT steps
        vorgang = found.setdefault(vid, _Vorgang())
        vorgang.title = vorgang.title or _text(position.get("titel"))
        changed = _date(position.get("aktualisiert"))
        if changed and (vorgang.updated is None or changed > vorgang.updated):
            vorgang.updated = changed
        reference = _br_drucksache(position.get("fundstelle"))
        if reference is not None:
            vorgang.offer(reference)
    return found


def _load_vorgaenge(client: DipClient, ids: list[str]) -> dict[str, dict[str, Any]]:
    details: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), ID_BATCH):
        for document in client.iter_documents("vorgang", {"f.id": ids[start : start + ID_BATCH]}):
            details[str(document.get("id"))] = document
    return details


def _br_drucksache(fundstelle: object) -> _Reference | None:
    if not isinstance(fundstelle, dict):
        return None
    if fundstelle.get("dokumentart") != "Drucksache" or fundstelle.get("herausgeber") != "BR":
        return None
    raw = _text(fundstelle.get("dokumentnummer")) or ""
    number = parse_drucksache_number(raw)
    if number is None:
        return None
    grund = raw.count("/") == 1 and "(" not in raw
    return _Reference(number, grund, _date(fundstelle.get("datum")))


def _rank(reference: _Reference) -> tuple[bool, dt.date]:
    return (not reference.grund, reference.datum or dt.date.max)


def _procedure(vid: str, vorgang: _Vorgang, detail: Mapping[str, Any]) -> BundesratProcedure | None:
    title = _text(detail.get("titel")) or vorgang.title
    if vorgang.best is None or not title:
        return None
    return BundesratProcedure(
        drucksache=vorgang.best.number,
        title=" ".join(title.split()),
        status=_text(detail.get("beratungsstand")),
        initiated=vorgang.best.datum or _date(detail.get("datum")),
        updated=_date(detail.get("aktualisiert")) or vorgang.updated,
        dip_id=vid,
        source="dip",
    )


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _date(value: object) -> dt.date | None:
    """'2026-09-12' or '2026-09-12T10:15:00+02:00' -> date; anything else -> None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
