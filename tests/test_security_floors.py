"""Parsers of untrusted bytes stay at or above their security releases (RELIABILITY.md rule 9)."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

# Lowest acceptable floor per parser: the release fixing the latest known advisory we track.
SECURITY_FLOORS = {
    "pypdf": "6.16.1",  # DoS advisories in 6.x fixed up to 6.15.0/6.16
    "pdfminer.six": "20251230",
    "pdfplumber": "0.11.9",
    "python-docx": "1.2.0",
    "lxml": "6.0.2",
    "pillow": "12.1.1",
}


def declared_floors() -> dict[str, Version]:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    floors = {}
    for line in dependencies:
        requirement = Requirement(line)
        for spec in requirement.specifier:
            if spec.operator in (">=", "=="):
                floors[requirement.name.lower()] = Version(spec.version)
    return floors


@pytest.mark.parametrize(("package", "minimum"), sorted(SECURITY_FLOORS.items()))
def test_declared_floor_is_not_lowered(package, minimum):
    assert declared_floors().get(package) is not None, f"{package} has no floor in pyproject.toml"
    assert declared_floors()[package] >= Version(minimum)


@pytest.mark.parametrize(("package", "minimum"), sorted(SECURITY_FLOORS.items()))
def test_installed_version_meets_the_floor(package, minimum):
    assert Version(version(package)) >= Version(minimum)
