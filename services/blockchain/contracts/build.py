"""Compile ``Anchor.vy`` with the Vyper compiler from PyPI and write ``Anchor.json``.

    python -m services.blockchain.contracts.build          # rewrite Anchor.json
    python -m services.blockchain.contracts.build --check  # exit 1 if Anchor.json is stale

The committed ``Anchor.json`` is what the service deploys and talks to, so running the
service does not need the compiler; a test recompiles and compares.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
SOURCE = HERE / "Anchor.vy"
ARTIFACT = HERE / "Anchor.json"
VYPER_VERSION = "0.4.3"
OUTPUTS = ["abi", "bytecode", "bytecode_runtime", "method_identifiers"]


def compile_anchor() -> dict[str, Any]:
    import vyper  # only this tool needs the compiler

    if vyper.__version__ != VYPER_VERSION:
        raise RuntimeError(f"Anchor.vy is built with vyper {VYPER_VERSION}, found {vyper.__version__}")
    source = SOURCE.read_text(encoding="utf-8")
    out = vyper.compile_code(source, contract_path=SOURCE.name, output_formats=OUTPUTS)
    return {
        "contract": "Anchor",
        "source": SOURCE.name,
        "source_sha256": hashlib.sha256(source.encode("utf-8")).hexdigest(),
        "compiler": f"vyper {vyper.__version__}",
        "evm_version": "cancun",
        **{name: out[name] for name in OUTPUTS},
    }


def load_artifact() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    return data


def main(argv: list[str]) -> int:
    built = compile_anchor()
    if "--check" in argv:
        same = ARTIFACT.exists() and load_artifact() == built
        print("Anchor.json is up to date" if same else "Anchor.json is stale: rebuild it")
        return 0 if same else 1
    ARTIFACT.write_text(json.dumps(built, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {ARTIFACT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
