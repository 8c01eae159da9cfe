"""Interpreter state that no dependency may change behind a service's back.

``py_ecc`` (loaded by web3) raises ``sys.setrecursionlimit`` to 100,000 and py-evm to
12,288 when they are imported. At that limit the JSON parser's stack guard no longer
trips before the C stack runs out, so one request body of 100,000 nested ``[`` crashed
the process with a segmentation fault (in ``make run``: the whole platform). With
Python's own limit back in place, such a body fails to parse with ``RecursionError``,
which FastAPI answers as a 400 problem.

The app factory restores the limit once the service's modules are imported and again
after its start-up hooks ran; code that imports those libraries lazily does it inside
``restoring_recursion_limit()``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

# CPython's default. Deep enough for any request this platform serves; low enough that
# the C stack (8 MiB for the main thread and worker threads) cannot overflow first.
RECURSION_LIMIT = 1000


def restore_recursion_limit() -> None:
    if sys.getrecursionlimit() != RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


@contextmanager
def restoring_recursion_limit() -> Iterator[None]:
    """Run imports of libraries known to raise the limit, then put it back."""
    try:
        yield
    finally:
        restore_recursion_limit()
