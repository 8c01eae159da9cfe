"""Garbage-collector policy of a long-running service process.

Python collects its youngest generation every 700 net allocations of container objects
and, now and then, walks every object the process holds. A service holds hundreds of
thousands of long-lived objects (SQLAlchemy and pydantic models, the ONNX runtime, FastAPI's
routes), so under load those walks took a visible share of its CPU and paused it for long
moments (measured in docs/performance.md).
After start-up, the objects that live as long as the process are frozen (moved out of the
collector's sight: ``gc.freeze``), and young collections run after ``threshold`` net
allocations instead of 700. Objects of a request are freed by reference counting as before;
the collector still finds reference cycles, just less often.
"""

from __future__ import annotations

import gc


def apply_after_startup(threshold: int) -> None:
    """Freeze what start-up built and space out young collections (``threshold`` 0: keep Python's)."""
    gc.collect()
    gc.freeze()
    if threshold > 0:
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(threshold, older, oldest)
