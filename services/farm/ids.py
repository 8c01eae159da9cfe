"""Time-ordered ids (UUID version 7, RFC 9562): keyset pages in id order are in creation
order, and new rows land at the right edge of the primary-key index."""

from __future__ import annotations

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = [0, 0]  # last millisecond, last sequence (monotonic within the process)


def uuid7() -> uuid.UUID:
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last[0]:
            ms, seq = _last[0], _last[1] + 1
            if seq > 0xFFF:
                ms, seq = ms + 1, 0
        else:
            seq = int.from_bytes(os.urandom(2), "big") & 0x3FF  # room to count up within the ms
        _last[0], _last[1] = ms, seq
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)
