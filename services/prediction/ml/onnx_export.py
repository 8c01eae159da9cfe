"""Export scikit-learn models to ONNX and check that ONNX and scikit-learn agree."""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx.helper import make_opsetid
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import IsolationForest

from .iforest_onnx import compact_isolation_forest
from .onnx_session import make_session

#: Largest allowed |ONNX - scikit-learn| on the check rows. Demand models predict a log ratio,
#: so 1e-4 is at most 0.01 % of the demand; the isolation forest's decision function is in
#: [-0.5, 0.5]. Trees compare float32 inputs in both, so real differences are ~1e-6.
TOLERANCE = 1e-4
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}


class OnnxMismatchError(RuntimeError):
    """ONNX and scikit-learn predictions differ by more than ``TOLERANCE``."""


def to_onnx_bytes(model: Any, n_features: int, name: str = "model") -> bytes:
    """ONNX bytes; the graph gets a fixed name so the same model always gives the same bytes.
    An isolation forest's graph is made compact (``iforest_onnx``: same results, ~60x faster)."""
    onx = convert_sklearn(
        model,
        initial_types=[("X", FloatTensorType([None, n_features]))],
        target_opset=TARGET_OPSET,
        name=name,
    )
    if isinstance(model, IsolationForest):
        onx = compact_isolation_forest(onx)
    # skl2onnx lists the opsets in set order, which varies with PYTHONHASHSEED: sort them.
    imports = [make_opsetid(o.domain, o.version) for o in sorted(onx.opset_import, key=lambda o: o.domain)]
    del onx.opset_import[:]
    onx.opset_import.extend(imports)
    return bytes(onx.SerializeToString())


def export_checked(
    model: Any, x_check: np.ndarray, expected: np.ndarray, name: str, output: int = 0
) -> tuple[bytes, float]:
    """ONNX bytes of ``model`` and the largest difference on ``x_check``; raises on mismatch."""
    data = to_onnx_bytes(model, x_check.shape[1], name)
    got = make_session(data).run(None, {"X": x_check.astype(np.float32)})[output]
    diff = float(np.max(np.abs(np.asarray(got, dtype=np.float64).ravel() - expected.ravel())))
    if not np.isfinite(diff) or diff > TOLERANCE:
        raise OnnxMismatchError(
            f"{name}: ONNX and scikit-learn differ by {diff:.3g} (> {TOLERANCE}) on {len(x_check)} rows"
        )
    return data, diff
