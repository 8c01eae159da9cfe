"""Train the demand and anomaly models, backtest them, export to ONNX, write the model card.

    python -m services.prediction.ml.train [--from-platform DATABASE_URL] [--out DIR]

Without ``--from-platform`` the demand model is trained on GENERATED demand (see
``generator.py``: synthetic data from the parameters of DOMAIN.md, not market data). The
anomaly model is always trained on generated trades until the platform has trade history.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from . import card as K
from .backtest import CropMetrics, format_table, rolling_origin_backtest
from .crops import CROPS, REGIONS
from .dataset import DailySeries, data_window, generated_dataset, training_matrix, vocabulary_of
from .features import WINDOW, Vocabulary
from .fit import GBR_PARAMS, IFOREST_PARAMS, LOWER_ALPHA, UPPER_ALPHA, fit_demand_models, fit_isolation_forest
from .generator import DEFAULT_SEED
from .holidays_kr import HOLIDAY_SOURCE
from .onnx_export import TOLERANCE, export_checked
from .platform_data import MIN_HISTORY_DAYS, NotEnoughHistoryError, load_platform_series
from .trades import TRADE_FEATURES, compute_norms, generate_trades, norms_to_json, trade_matrix

BACKTEST_WEEKS = 8
HORIZON_DAYS = 7
GENERATED_NOTE = (
    "synthetic demand generated from the DOMAIN.md parameters by services/prediction/ml/generator.py "
    "(no public Korean crop-demand data set is available); not real market data"
)


def _log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)


def _load(args: argparse.Namespace) -> tuple[list[DailySeries], Vocabulary, str]:
    if args.from_platform:
        series = load_platform_series(args.from_platform, MIN_HISTORY_DAYS)
        return series, vocabulary_of(series), "platform"
    return generated_dataset(seed=args.seed), Vocabulary(CROPS, REGIONS), "generated"


def _demand_section(
    series: list[DailySeries], vocab: Vocabulary, source: str, rows: int, seed: int
) -> dict[str, Any]:
    start, end = data_window(series)
    return {
        "source": source,
        "note": GENERATED_NOTE if source == "generated" else "prediction_svc.daily_demand of the platform",
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "seed": seed if source == "generated" else None,
        "series": len(series),
        "training_rows": rows,
        "holidays": HOLIDAY_SOURCE,
        "vocabulary": {"crops": list(vocab.crops), "regions": list(vocab.regions)},
    }


def _backtest_section(metrics: dict[str, CropMetrics]) -> dict[str, Any]:
    crops = {c: m for c, m in metrics.items() if c != "all"}
    return {
        "method": (
            f"rolling origin, one origin a day, every {HORIZON_DAYS}-day recursive forecast inside the "
            f"last {BACKTEST_WEEKS} weeks, from the actual history up to its origin; models trained "
            "on the data before those weeks"
        ),
        "weeks": BACKTEST_WEEKS,
        "horizon_days": HORIZON_DAYS,
        "baseline": "seasonal naive: same weekday last week",
        "per_crop": {c: m.to_json() for c, m in crops.items()},
        "all": metrics["all"].to_json(),
        "beats_baseline_mape_every_crop": all(m.beats_baseline for m in crops.values()),
    }


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    series, vocab, source = _load(args)
    _log(f"data: {len(series)} {source} series, window {data_window(series)}", started)

    holdout = BACKTEST_WEEKS * 7
    x_bt, y_bt = training_matrix(series, vocab, holdout_days=holdout)
    _log(f"1/5 fitting backtest models on {len(x_bt)} rows (last {holdout} days held out)", started)
    bt_models = fit_demand_models(x_bt, y_bt)
    metrics = rolling_origin_backtest(series, bt_models.predict, vocab, BACKTEST_WEEKS, HORIZON_DAYS)
    _log("2/5 backtest done:\n" + format_table(metrics), started)
    losers = [c for c, m in metrics.items() if c != "all" and not m.beats_baseline]
    if losers and not args.allow_worse_than_baseline:
        print(f"ERROR: no better than seasonal-naive MAPE for {losers}; nothing written.", file=sys.stderr)
        return 3

    x, y = training_matrix(series, vocab)
    _log(f"3/5 fitting final models on {len(x)} rows", started)
    models = fit_demand_models(x, y)
    files: dict[str, bytes] = {}
    model_meta: dict[str, Any] = {}
    for name, model in models.items():
        data, diff = export_checked(model, x, model.predict(x), name)
        files[K.ONNX_FILES[name]] = data
        alpha = {"lower": LOWER_ALPHA, "upper": UPPER_ALPHA}.get(name)
        model_meta[name] = {
            "file": K.ONNX_FILES[name],
            "estimator": "GradientBoostingRegressor",
            "loss": "squared_error" if alpha is None else f"quantile (alpha {alpha})",
            "onnx_max_abs_diff": diff,
        }
    _log(f"   ONNX export checked on {len(x)} rows (tolerance {TOLERANCE})", started)

    trades = generate_trades()
    norms = compute_norms(trades)
    x_trades = trade_matrix(trades, norms)
    _log(f"4/5 fitting the isolation forest on {len(trades)} generated trades", started)
    forest = fit_isolation_forest(x_trades)
    data, diff = export_checked(forest, x_trades, forest.decision_function(x_trades), "anomaly", output=1)
    files[K.ONNX_FILES["anomaly"]] = data
    norms_json = {"source": "generated", "crops": norms_to_json(norms)}
    files[K.NORMS_FILE] = (json.dumps(norms_json, indent=2) + "\n").encode()

    end = data_window(series)[1]
    digest = K.sha256_bytes(b"".join(files[K.ONNX_FILES[n]] for n in ("point", "lower", "upper")))
    card: dict[str, Any] = {
        "model": "pamtalk-demand-forecast",
        "version": f"{source}-{end:%Y%m%d}-{digest[:8]}",
        "created": datetime.now(UTC).date().isoformat(),
        "data": _demand_section(series, vocab, source, len(x), args.seed),
        "features": vocab.feature_names(),
        "history_days": WINDOW,
        "target": f"log((demand + 1) / (mean demand of the previous {WINDOW} days + 1))",
        "params": GBR_PARAMS,
        "models": model_meta,
        "onnx_tolerance": TOLERANCE,
        "backtest": _backtest_section(metrics),
        "anomaly": {
            "file": K.ONNX_FILES["anomaly"],
            "estimator": "IsolationForest",
            "params": IFOREST_PARAMS,
            "offset": float(forest.offset_),
            "features": list(TRADE_FEATURES),
            "data": {"source": "generated", "trades": len(trades)},
            "norms_file": K.NORMS_FILE,
            "onnx_max_abs_diff": diff,
        },
        "training_seconds": round(time.monotonic() - started, 1),
    }
    out = Path(args.out)
    path = K.write_artifacts(out, files, card)
    size = sum(len(b) for b in files.values())
    _log(f"5/5 wrote {len(files)} files ({size / 1e6:.2f} MB) and {path}; version {card['version']}", started)
    print("\nBacktest (" + card["backtest"]["method"] + "):\n" + format_table(metrics))
    return 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m services.prediction.ml.train", description=__doc__)
    parser.add_argument(
        "--from-platform", metavar="DATABASE_URL", help="train on prediction_svc.daily_demand"
    )
    parser.add_argument(
        "--out", default=str(K.ARTIFACTS_DIR), help="artifact folder (default: the committed one)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed (generated data only)")
    parser.add_argument(
        "--allow-worse-than-baseline",
        action="store_true",
        help="write the artifacts even when a crop does not beat seasonal-naive MAPE",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    np.seterr(over="ignore")
    try:
        return run(args)
    except NotEnoughHistoryError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
