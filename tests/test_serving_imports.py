"""A service process loads what serving needs and no more (docs/performance.md, memory): the
prediction service serves its models with onnxruntime, never scikit-learn (training only);
the blockchain service loads the chain libraries (web3, eth-account, py_ecc, eth-tester)
only where anchoring runs, and once they are loaded the recursion limit py_ecc raises is
Python's own again (pamtalk/interpreter.py).

Each check runs in a fresh interpreter: ``sys.modules`` of the test run holds everything."""

from __future__ import annotations

import json
import subprocess
import sys

CHAIN = ("web3", "eth_account", "py_ecc", "eth_tester", "eth")
TRAINING = ("sklearn", "skl2onnx", "onnx", "scipy")


def loaded_after(code: str, watched: tuple[str, ...]) -> dict[str, object]:
    probe = f"""
import json, sys
{code}
print(json.dumps({{"loaded": [m for m in {watched!r} if m in sys.modules],
                  "recursion_limit": sys.getrecursionlimit()}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_prediction_serving_loads_onnxruntime_and_not_scikit_learn() -> None:
    code = """
import datetime
import services.prediction.app
from services.prediction.ml.runtime import ForecastRequest, get_runtime
runtime = get_runtime()  # the models, as the service loads them at start-up
runtime.forecast_many([ForecastRequest("rice", "seoul", datetime.date(2026, 1, 1))])
"""
    result = loaded_after(code, (*TRAINING, "onnxruntime"))
    assert result["loaded"] == ["onnxruntime"]


def test_blockchain_api_does_not_load_the_chain_libraries() -> None:
    result = loaded_after("import services.blockchain.app", CHAIN)
    assert result["loaded"] == []
    assert result["recursion_limit"] == 1000


def test_anchoring_loads_the_chain_libraries_and_the_recursion_limit_stays() -> None:
    code = """
import services.blockchain.app
from services.blockchain.settings import BlockchainSettings
BlockchainSettings().anchor_client()  # what the service does at start-up when it anchors
"""
    result = loaded_after(code, CHAIN)
    assert {"web3", "py_ecc"} <= set(result["loaded"])  # type: ignore[arg-type]
    assert result["recursion_limit"] == 1000
