"""Shared fixtures. Test files are generated from ../shared/samples into a temporary folder."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pipeline.storage import Database

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide folder for generated fixture files."""
    return tmp_path_factory.mktemp("generated")


@pytest.fixture(scope="session")
def original(tmp_path_factory: pytest.TempPathFactory):
    """The sample as printed (two pages), born digital: what the OCR tests scan and compare with."""
    from tests.fixtures.layouts import build_sample_as_printed

    return build_sample_as_printed(tmp_path_factory.mktemp("original"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of a real PostgreSQL server started for this test session."""
    from tests.fixtures.postgres import running_postgres

    with running_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each supported kind, fresh for every test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'intmk.sqlite3'}"
    from tests.fixtures.postgres import create_database

    return create_database(request.getfixturevalue("postgres_server"), f"test_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    from pipeline.storage import open_database

    database = open_database(database_url)
    yield database
    database.dispose()
