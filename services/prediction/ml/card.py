"""The model card: a JSON file beside the ONNX files describing what was trained on what."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CARD_FILE = "model_card.json"
NORMS_FILE = "crop_norms.json"
ONNX_FILES = {
    "point": "demand_point.onnx",
    "lower": "demand_lower.onnx",
    "upper": "demand_upper.onnx",
    "anomaly": "trade_iforest.onnx",
}
#: The committed artifacts, loaded by the runtime when no other folder is given.
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "artifacts"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_artifacts(out_dir: Path, files: Mapping[str, bytes], card: dict[str, Any]) -> Path:
    """Write ``files`` and the card (with each file's size and sha256) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    card = dict(card)
    card["files"] = {name: {"bytes": len(data), "sha256": sha256_bytes(data)} for name, data in files.items()}
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
    path = out_dir / CARD_FILE
    path.write_text(json.dumps(card, indent=2, sort_keys=False, default=str) + "\n")
    return path


def load_card(directory: Path = ARTIFACTS_DIR) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((directory / CARD_FILE).read_text())
    return data


def verify_files(directory: Path, card: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` when a file listed in the card is missing or has another sha256."""
    for name, meta in card["files"].items():
        path = directory / name
        if not path.is_file():
            raise ValueError(f"model artifact {path} is missing")
        if sha256_bytes(path.read_bytes()) != meta["sha256"]:
            raise ValueError(f"model artifact {path} does not match the sha256 in {CARD_FILE}")


def load_norms(directory: Path = ARTIFACTS_DIR) -> dict[str, Any]:
    """The per-crop trade norms written by the trainer (the ``crops`` mapping of the file)."""
    data: dict[str, Any] = json.loads((directory / NORMS_FILE).read_text())
    crops: dict[str, Any] = data["crops"]
    return crops
