"""The isolation forest's anomaly score from the ONNX model's decision: serving needs this and
not scikit-learn (``fit.py``, the estimators, is imported by training only)."""

from __future__ import annotations

import numpy as np


def isolation_score(decision: np.ndarray, offset: float = -0.5) -> np.ndarray:
    """Anomaly score in [0, 1] from ``decision_function`` (= score_samples - offset): the
    isolation forest paper's score, about 0.5 or below for normal trades."""
    return np.clip(-(np.asarray(decision, dtype=np.float64) + offset), 0.0, 1.0)
