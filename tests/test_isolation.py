"""A hung, exploding or crashing parser is stopped, classified, and the caller goes on."""

from __future__ import annotations

import time

import pytest

from pipeline.isolation import ProcessLimits, run_isolated
from schemas.errors import ErrorCode, InputError, InternalError
from tests.fixtures import misbehaving

TIGHT = ProcessLimits(timeout_s=3, cpu_s=2, memory_mb=700)


def test_returns_the_result_of_a_well_behaved_function():
    assert run_isolated(misbehaving.add, 2, 3, limits=TIGHT) == 5


def test_cpu_bound_loop_is_stopped_by_the_cpu_limit():
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        run_isolated(misbehaving.spin_forever, limits=TIGHT)
    assert caught.value.code == ErrorCode.TIMEOUT
    assert time.perf_counter() - started < 10


def test_sleeping_child_is_killed_at_the_wall_clock_limit():
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        run_isolated(misbehaving.sleep_forever, limits=ProcessLimits(timeout_s=1, cpu_s=5, memory_mb=700))
    assert caught.value.code == ErrorCode.TIMEOUT
    assert time.perf_counter() - started < 5


def test_memory_explosion_is_a_memory_limit_error():
    with pytest.raises(InputError) as caught:
        run_isolated(misbehaving.allocate_without_bound, limits=ProcessLimits(timeout_s=20, cpu_s=15, memory_mb=700))
    assert caught.value.code == ErrorCode.MEMORY_LIMIT


def test_native_crash_is_classified_as_damaged_input():
    with pytest.raises(InputError) as caught:
        run_isolated(misbehaving.crash_hard, limits=TIGHT)
    assert caught.value.code == ErrorCode.PARSER_CRASHED
    assert "abgestürzt" in caught.value.message


def test_classified_error_crosses_the_process_boundary_unchanged():
    with pytest.raises(InputError) as caught:
        run_isolated(misbehaving.raise_classified, limits=TIGHT)
    assert caught.value.code == ErrorCode.DAMAGED_FILE
    assert caught.value.message == "Beschädigte Datei (Test)."


def test_unexpected_exception_is_an_internal_error_naming_it():
    with pytest.raises(InternalError) as caught:
        run_isolated(misbehaving.raise_bug, limits=TIGHT)
    assert "KeyError" in caught.value.message
