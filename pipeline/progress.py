"""Progress hooks: the CLI attaches a progress bar around a run; the stages report to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

H = TypeVar("H")


class Hooks(Generic[H]):
    """The hooks attached right now (a run's tasks report from threads of this process)."""

    def __init__(self) -> None:
        self._hooks: list[H] = []

    def __iter__(self) -> Iterator[H]:
        return iter(list(self._hooks))

    @contextmanager
    def attach(self, hook: H) -> Iterator[None]:
        self._hooks.append(hook)
        try:
            yield
        finally:
            self._hooks.remove(hook)
