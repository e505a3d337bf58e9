"""Shared fixtures. Test files are generated from ../shared/samples into a temporary folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide folder for generated fixture files."""
    return tmp_path_factory.mktemp("generated")
