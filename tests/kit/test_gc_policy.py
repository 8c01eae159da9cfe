"""The garbage-collector policy a service process applies after start-up."""

from __future__ import annotations

import subprocess
import sys


def _run(threshold: int) -> list[str]:
    code = (
        "import gc; from pamtalk.gc_policy import apply_after_startup; "
        "survivor = [dict() for _ in range(1000)]; "
        f"apply_after_startup({threshold}); "
        "print(gc.get_threshold()[0], gc.get_freeze_count() >= 1000)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_startup_objects_are_frozen_and_young_collections_spaced_out() -> None:
    assert _run(50_000) == ["50000", "True"]


def test_threshold_zero_keeps_pythons_default() -> None:
    assert _run(0) == ["700", "True"]
