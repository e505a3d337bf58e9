"""The DIP client against a local DIP stand-in built from real Bundesrat agenda items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from pipeline.bundesrat.dip import (
    KEY_MESSAGE,
    DipClient,
    build_params,
    fetch_bundesrat_procedures,
    format_since,
)
from schemas.errors import ConfigError, TransientError
from tests.fixtures.bundesrat import all_bremen_items, load_bremen_items
from tests.fixtures.dip_server import (
    BUNDESTAG_ONLY_ID,
    ONLY_PLENARY_ID,
    FakeDip,
    build_dip_data,
    vorgang_id,
)

KEY = "test-key"


@pytest.fixture
def dip() -> Iterator[FakeDip]:
    with FakeDip(build_dip_data(all_bremen_items()), api_key=KEY, slow_seconds=0.5) as server:
        yield server


def client_for(dip: FakeDip, mode: str = "", **options: object) -> DipClient:
    options = {"backoff": 0.01, "max_retries": 3, **options}
    return DipClient(dip.base_url(mode), KEY, **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- paging and auth


def test_cursor_paging_until_cursor_stops_changing(dip: FakeDip) -> None:
    with client_for(dip) as client:
        documents = list(client.iter_documents("vorgang", {}))
    assert len(documents) == len(dip.data.vorgaenge)  # every item of both reports + 2 extras
    assert [d["id"] for d in documents] == [d["id"] for d in dip.data.vorgaenge]
    pages = [r for r in dip.requests if r.resource == "vorgang"]
    assert len(pages) == -(-len(documents) // dip.page_size) + 1  # last call repeats the cursor
    assert "cursor" not in dict(pages[0].params)
    assert all(dict(page.params).get("cursor") for page in pages[1:])


def test_api_key_travels_in_the_authorization_header(dip: FakeDip) -> None:
    with client_for(dip) as client:
        next(client.iter_documents("drucksache", {"f.zuordnung": "BR"}))
    assert dip.requests[0].authorization == f"ApiKey {KEY}"
    assert "apikey" not in dict(dip.requests[0].params)


def test_list_filters_are_repeated(dip: FakeDip) -> None:
    ids = [vorgang_id(0), vorgang_id(5), vorgang_id(7)]
    with client_for(dip) as client:
        documents = list(client.iter_documents("vorgang", {"f.id": ids}))
    assert sorted(d["id"] for d in documents) == ids
    assert [value for name, value in dip.requests[0].params if name == "f.id"] == ids


def test_wrong_key_is_a_config_error(dip: FakeDip) -> None:
    with DipClient(dip.base_url(), "falsch", backoff=0.01) as client:
        with pytest.raises(ConfigError) as caught:
            list(client.iter_documents("vorgang", {}))
    assert caught.value.message == KEY_MESSAGE
    assert len(dip.requests) == 1  # no retries on 401


def test_unauthorized_endpoint_is_a_config_error(dip: FakeDip) -> None:
    with client_for(dip, "unauthorized") as client, pytest.raises(ConfigError, match="INTMK_DIP_API_KEY"):
        list(client.iter_documents("vorgang", {}))


def test_missing_key_fails_before_any_request(dip: FakeDip) -> None:
    with pytest.raises(ConfigError, match="INTMK_DIP_API_KEY"):
        DipClient(dip.base_url(), "  ")
    assert dip.requests == []


# --------------------------------------------------------------------------- filter validation


def test_dip_itself_ignores_unknown_filters(dip: FakeDip) -> None:
    """Why the client validates: like DIP, the stand-in returns EVERYTHING for an unknown filter."""
    response = httpx.get(
        f"{dip.base_url()}/vorgang", params={"f.zuordnung": "BR", "f.titl": "Bleiberecht"},
        headers={"Authorization": f"ApiKey {KEY}"},
    )  # fmt: skip
    body = response.json()
    assert body["numFound"] == len(dip.data.vorgaenge)  # BT-only Vorgang included
    assert BUNDESTAG_ONLY_ID in {v["id"] for v in dip.data.vorgaenge}


@pytest.mark.parametrize(
    ("resource", "filters", "named"),
    [
        ("vorgang", {"f.zuordnung": "BR"}, "f.zuordnung"),  # exists for positions, not Vorgänge
        ("vorgang", {"f.titl": "Bleiberecht"}, "f.titl"),
        ("drucksache", {"f.zuordnung": "BR", "f.beratungsstand": "Zustimmung"}, "f.beratungsstand"),
        ("vorgangsposition", {"zuordnung": "BR"}, "zuordnung"),
        ("vorgangsposition", {"cursor": "abc"}, "cursor"),
    ],
)
def test_unknown_filter_is_rejected_before_any_request(
    dip: FakeDip, resource: str, filters: dict[str, str], named: str
) -> None:
    with client_for(dip) as client:
        with pytest.raises(ConfigError) as caught:
            client.iter_documents(resource, filters)  # type: ignore[arg-type]
    assert f"'{named}'" in caught.value.message
    assert dip.requests == []


def test_filter_values_are_checked() -> None:
    with pytest.raises(ConfigError, match="BR, BT, BV, EK"):
        build_params("drucksache", {"f.zuordnung": "Bundesrat"})
    with pytest.raises(ConfigError, match="Unbekannte DIP-Ressource 'person'"):
        build_params("person", {})
    assert build_params("vorgangsposition", {"f.zuordnung": "BR", "f.id": ["1", "2"]}) == [
        ("f.zuordnung", "BR"), ("f.id", "1"), ("f.id", "2"),
    ]  # fmt: skip


# --------------------------------------------------------------------------- failures


def test_server_errors_are_retried(dip: FakeDip) -> None:
    with client_for(dip, "flaky") as client:
        documents = list(client.iter_documents("vorgangsposition", {"f.zuordnung": "BR"}))
    assert len(documents) == sum(1 for p in dip.data.positionen if p["zuordnung"] == "BR")
    assert len(dip.requests) == 2 + -(-len(documents) // dip.page_size) + 1  # 2 failures first


def test_service_down_is_transient_after_the_retries(dip: FakeDip) -> None:
    slept: list[float] = []
    with client_for(dip, "down", max_retries=2, sleep=slept.append) as client:
        with pytest.raises(TransientError, match="HTTP 503.*nach 3 Versuchen"):
            list(client.iter_documents("vorgang", {}))
    assert len(dip.requests) == 3
    assert slept == [0.0, 0.0]  # the server's Retry-After: 0


def test_timeouts_are_retried_with_backoff_then_transient(dip: FakeDip) -> None:
    slept: list[float] = []
    with client_for(dip, "slow", timeout=0.1, max_retries=2, backoff=0.5, sleep=slept.append) as client:
        with pytest.raises(TransientError, match="Zeitüberschreitung"):
            list(client.iter_documents("vorgang", {}))
    assert slept == [0.5, 1.0]


def test_connection_refused_is_transient() -> None:
    with FakeDip(build_dip_data([])) as gone:
        base_url = gone.base_url()
    with DipClient(base_url, KEY, max_retries=1, backoff=0.01) as client:
        with pytest.raises(TransientError, match="keine Verbindung"):
            list(client.iter_documents("vorgang", {}))


def test_base_url_without_scheme_is_a_config_error() -> None:
    with DipClient("search.dip.bundestag.de/api/v1", KEY, backoff=0.01) as client:
        with pytest.raises(ConfigError, match="INTMK_DIP_BASE_URL"):
            list(client.iter_documents("vorgang", {}))


def test_malformed_json_is_transient(dip: FakeDip) -> None:
    with client_for(dip, "malformed") as client, pytest.raises(TransientError, match="JSON"):
        list(client.iter_documents("vorgang", {}))


# --------------------------------------------------------------------------- Bundesrat procedures


def test_fetch_bundesrat_procedures(dip: FakeDip) -> None:
    items = all_bremen_items()
    with client_for(dip) as client:
        result = fetch_bundesrat_procedures(client, updated_since=None)
    by_number = {p.drucksache: p for p in result.procedures}
    assert set(by_number) == {item.number for item in items}
    assert result.skipped == [ONLY_PLENARY_ID]  # only a Plenarprotokoll, no BR Drucksache
    assert result.skipped_count == 1
    assert BUNDESTAG_ONLY_ID not in {p.dip_id for p in result.procedures}

    bleiberecht = next(item for item in items if item.number == "302/15")
    index = items.index(bleiberecht)
    procedure = by_number["302/15"]
    vorgang = next(v for v in dip.data.vorgaenge if v["id"] == vorgang_id(index))
    assert procedure.title == bleiberecht.title == vorgang["titel"]
    assert (procedure.status, procedure.dip_id, procedure.source) == (
        vorgang["beratungsstand"], vorgang_id(index), "dip",
    )  # fmt: skip
    assert procedure.updated == dt.date(2015, 7, 10)
    assert procedure.initiated == dt.date(2015, 6, 12)  # date of the Grunddrucksache 302/15
    # half of the Vorgänge list the recommendation 302/1/15 first: still the Grunddrucksache wins
    assert all(p.initiated == p.updated - dt.timedelta(days=28) for p in result.procedures)

    resources = [request.resource for request in dip.requests]
    assert resources.index("vorgang") > resources.index("vorgangsposition")
    assert all(("f.zuordnung", "BR") in r.params for r in dip.requests if r.resource == "vorgangsposition")


def test_fetch_updated_since(dip: FakeDip) -> None:
    with client_for(dip) as client:
        result = fetch_bundesrat_procedures(client, updated_since=dt.date(2017, 1, 1))
    assert {p.drucksache for p in result.procedures} == {i.number for i in load_bremen_items("962")}
    first = next(r for r in dip.requests if r.resource == "vorgangsposition")
    assert ("f.aktualisiert.start", "2017-01-01T00:00:00+01:00") in first.params


def test_format_since_uses_berlin_time() -> None:
    assert format_since(dt.date(2026, 9, 12)) == "2026-09-12T00:00:00+02:00"
    assert format_since(dt.date(2026, 1, 12)) == "2026-01-12T00:00:00+01:00"
