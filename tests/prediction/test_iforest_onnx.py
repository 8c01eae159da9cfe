"""The compact ONNX graph of the isolation forest computes what skl2onnx's graph computes."""

from __future__ import annotations

import numpy as np
import onnx
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import IsolationForest

from services.prediction.ml import card as K
from services.prediction.ml.iforest_onnx import compact_isolation_forest
from services.prediction.ml.onnx_export import TARGET_OPSET, to_onnx_bytes
from services.prediction.ml.onnx_session import make_session


def _outputs(model: onnx.ModelProto | bytes, x: np.ndarray) -> list[np.ndarray]:
    data = model if isinstance(model, bytes) else model.SerializeToString()
    return list(make_session(data).run(None, {"X": x}))


def test_compact_graph_gives_the_same_scores_and_labels():
    rng = np.random.default_rng(3)
    train = rng.normal(size=(2000, 4))
    train[:20] += 6  # a few outliers
    forest = IsolationForest(n_estimators=12, max_samples=128, random_state=1).fit(train)
    converted = convert_sklearn(
        forest, initial_types=[("X", FloatTensorType([None, 4]))], target_opset=TARGET_OPSET
    )
    compact = compact_isolation_forest(converted)
    x = rng.normal(scale=2.5, size=(5000, 4)).astype(np.float32)
    (label, scores), (compact_label, compact_scores) = _outputs(converted, x), _outputs(compact, x)
    assert np.array_equal(label, compact_label)
    assert np.allclose(scores, compact_scores, rtol=0, atol=1e-6)
    assert np.allclose(compact_scores.ravel(), forest.decision_function(x), rtol=0, atol=1e-4)
    assert len(compact.graph.node) < 15 < len(converted.graph.node)


def test_the_exporter_and_the_committed_artifact_use_the_compact_graph():
    forest = IsolationForest(n_estimators=5, max_samples=64, random_state=0).fit(np.eye(70, 3))
    exported = onnx.load_model_from_string(to_onnx_bytes(forest, 3))
    committed = onnx.load(str(K.ARTIFACTS_DIR / K.ONNX_FILES["anomaly"]))
    for model in (exported, committed):
        assert [n.op_type for n in model.graph.node].count("TreeEnsembleRegressor") == 1
