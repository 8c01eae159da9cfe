"""onnxruntime session construction shared by the exporter's check and the runtime."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort


def make_session(model: bytes | Path, threads: int = 1) -> ort.InferenceSession:
    """A CPU session with ``threads`` intra-op threads (one is plenty for these small trees)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    source = str(model) if isinstance(model, Path) else model
    return ort.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])
