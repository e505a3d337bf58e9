"""Loading body profiles (``profiles/<body>.toml``): the rules of procedure as data."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from schemas.errors import ConfigError
from schemas.rules import BodyProfile

SHIPPED_PROFILES = Path(__file__).with_name("profiles")


def list_profile_files(extra_dir: Path | None = None) -> dict[str, Path]:
    """Profile files by upper-case body name; files in ``extra_dir`` override the shipped ones."""
    files = {path.stem.upper(): path for path in sorted(SHIPPED_PROFILES.glob("*.toml"))}
    if extra_dir is not None and extra_dir.is_dir():
        files.update({path.stem.upper(): path for path in sorted(extra_dir.glob("*.toml"))})
    return files


def load_profile(body: str, extra_dir: Path | None = None) -> BodyProfile:
    """The profile of ``body`` (case-insensitive: 'intmk', 'IntMK')."""
    files = list_profile_files(extra_dir)
    path = files.get(body.upper())
    if path is None:
        known = ", ".join(read_profile(p).body for p in files.values())
        raise ConfigError(f"Für das Gremium '{body}' gibt es kein Profil. Bekannt sind: {known}.")
    return read_profile(path)


@lru_cache(maxsize=32)
def read_profile(path: Path) -> BodyProfile:
    try:
        with path.open("rb") as handle:
            return BodyProfile.model_validate(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigError(f"Das Profil {path} ist fehlerhaft: {exc}") from exc
