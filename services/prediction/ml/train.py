"""Train the demand and anomaly models, backtest them, export to ONNX, write the model card.

    python -m services.prediction.ml.train [--from-platform DATABASE_URL] [--out DIR]

Without ``--from-platform`` the demand model is trained on GENERATED demand (see
``generator.py``: synthetic data from the parameters of DOMAIN.md, not market data). The
anomaly model is always trained on generated trades until the platform has trade history.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from . import card as K
from .backtest import (
    BACKTEST_WEEKS,
    HORIZON_DAYS,
    CropMetrics,
    format_coverage_table,
    format_table,
    longer_horizon_coverage,
    rolling_origin_backtest,
    tracked_backtest,
    window_forecasts,
    window_scores,
)
from .calibration import (
    CALIBRATION_DAYS,
    COVERAGE_BOUNDS,
    HORIZON_GROUPS,
    MAX_HORIZON,
    MIN_CELL_SCORES,
    MONTH_WINDOW_DAYS,
    NOMINAL_COVERAGE,
    TAIL,
    CalibrationError,
    IntervalCalibration,
    Scores,
    fit_offsets,
    group_label,
    out_of_bounds,
)
from .crops import CROPS, REGIONS
from .dataset import DailySeries, data_window, generated_dataset, training_matrix, vocabulary_of
from .features import WINDOW, Vocabulary
from .fit import (
    GBR_PARAMS,
    IFOREST_PARAMS,
    LOWER_ALPHA,
    UPPER_ALPHA,
    DemandModels,
    fit_demand_models,
    fit_demand_models_many,
    fit_isolation_forest,
)
from .generator import DEFAULT_SEED
from .holidays_kr import HOLIDAY_SOURCE
from .onnx_export import TOLERANCE, export_checked
from .platform_data import MIN_HISTORY_DAYS, NotEnoughHistoryError, load_platform_series
from .tracking import TRACKED_DAYS, Tracking
from .trades import TRADE_FEATURES, compute_norms, generate_trades, norms_to_json, trade_matrix

#: The days before the backtest weeks are cut in this many consecutive blocks; each block is
#: forecast by models trained on the others, which gives the calibration its scores.
CALIBRATION_FOLDS = 3
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


def _backtest_section(
    metrics: dict[str, CropMetrics], longer: dict[str, dict[str, float]], problems: list[str]
) -> dict[str, Any]:
    crops = {c: m for c, m in metrics.items() if c != "all"}
    return {
        "method": (
            f"rolling origin, one origin a day, every {HORIZON_DAYS}-day recursive forecast inside the "
            f"last {BACKTEST_WEEKS} weeks, from the actual history up to its origin; models trained "
            "on the data before those weeks; intervals calibrated with the offsets of 'intervals' "
            "(learnt before those weeks) plus the tracked shift of 'intervals.tracking', starting at 0 "
            "on the first of those weeks and moved at each origin by the forecast days already over"
        ),
        "weeks": BACKTEST_WEEKS,
        "horizon_days": HORIZON_DAYS,
        "baseline": "seasonal naive: same weekday last week",
        "per_crop": {c: m.to_json() for c, m in crops.items()},
        "all": metrics["all"].to_json(),
        "beats_baseline_mape_every_crop": all(m.beats_baseline for m in crops.values()),
        "coverage_longer_horizons": {
            "method": (
                f"{MAX_HORIZON}-day recursive forecasts from every origin where they fit inside the "
                f"last {BACKTEST_WEEKS} weeks; calibrated coverage per horizon group"
            ),
            **{c: {k: round(v, 4) for k, v in groups.items()} for c, groups in longer.items()},
        },
        "coverage_bounds": list(COVERAGE_BOUNDS),
        "coverage_within_bounds": not problems,
    }


def _tracking_section(tracking: Tracking, until: date) -> dict[str, Any]:
    return {
        "method": (
            "quantile tracking (online conformal): per crop, a shift of the lower and of the upper offset "
            f"of days 1-{TRACKED_DAYS} ahead; each served forecast day 1-{TRACKED_DAYS} days ahead, once "
            "its demand is known, adds step * (1 if outside that served bound else 0 - tail)"
        ),
        "step": tracking.step,
        "tail": round(TAIL, 4),
        "days_ahead": TRACKED_DAYS,
        "counted_until": until.isoformat(),
        "shift": tracking.to_json(),
        "serving": (
            "the prediction service adds the served forecasts of this model version (served_forecasts) "
            "against the settled demand (daily_demand) of the days after counted_until"
        ),
    }


def _intervals_section(
    calibration: IntervalCalibration, meta: dict[str, Any], tracking: dict[str, Any]
) -> dict[str, Any]:
    return {
        "nominal_coverage": NOMINAL_COVERAGE,
        "tail": round(TAIL, 4),
        "method": (
            "conformalized quantile regression: the 10 % / 90 % quantile models' bounds moved by "
            "conformal offsets per crop, horizon group and month of the forecast day, learnt from "
            "out-of-sample forecasts of the days before the backtest weeks (cross-fitted: those days in "
            f"{meta['folds']} consecutive blocks, each forecast by models trained on the other blocks)"
        ),
        "apply": (
            "lower = clip((lower_q + 1) * exp(-offsets.lower) - 1, 0, demand); "
            "upper = max((upper_q + 1) * exp(offsets.upper) - 1, demand); lower_q, upper_q: the quantile "
            "models' bounds kept around the point forecast"
        ),
        "calibration": {
            **meta,
            "month_window_days": MONTH_WINDOW_DAYS,
            "min_scores_per_cell": MIN_CELL_SCORES,
        },
        "horizon_groups": [group_label(g) for g in HORIZON_GROUPS],
        "offsets_layout": "offsets[crop][lower|upper][horizon group][month 1-12], log1p units",
        "offsets": calibration.to_json(),
        "tracking": tracking,
    }


def calibration_blocks(series: list[DailySeries], test_days: int) -> list[tuple[date, date]]:
    """The days before the backtest weeks (after the first ``WINDOW`` days of history) in
    ``CALIBRATION_FOLDS`` consecutive blocks (first day, day after the last); raises
    ``CalibrationError`` when they span less than ``CALIBRATION_DAYS``."""
    first = min(s.start for s in series) + timedelta(days=WINDOW)
    stop = max(s.end for s in series) - timedelta(days=test_days - 1)
    span = (stop - first).days
    if span < CALIBRATION_DAYS:
        start, end = data_window(series)
        raise CalibrationError(
            f"refusing to train: calibrating the forecast intervals needs {CALIBRATION_DAYS} days of "
            f"demand before the {test_days} backtest days, after the first {WINDOW} days of history "
            f"({WINDOW + CALIBRATION_DAYS + test_days} days in all); the data has {max(span, 0)} "
            f"({start} to {end}). Train on generated data (run without --from-platform) until then."
        )
    edges = [
        first + timedelta(days=round(span * k / CALIBRATION_FOLDS)) for k in range(CALIBRATION_FOLDS + 1)
    ]
    return list(itertools.pairwise(edges))


def cross_fitted_calibration(
    series: list[DailySeries],
    vocab: Vocabulary,
    blocks: Sequence[tuple[date, date]],
    models: Sequence[DemandModels],
) -> tuple[IntervalCalibration, dict[str, Any]]:
    """Interval offsets (``calibration.fit_offsets``) from out-of-sample forecasts of every day
    before the backtest weeks: each block of ``calibration_blocks`` is forecast from every
    origin in it, up to ``MAX_HORIZON`` days, by its ``models``, trained on the other blocks
    (and never on the backtest weeks)."""
    parts = [
        window_scores(series, window_forecasts(series, m.predict, vocab, *block, MAX_HORIZON, partial=True))
        for block, m in zip(blocks, models, strict=True)
    ]
    scores = Scores.concat(parts)
    meta = {
        "window": {"start": blocks[0][0].isoformat(), "end": (blocks[-1][1] - timedelta(days=1)).isoformat()},
        "folds": len(blocks),
        "scores": len(scores),
    }
    return fit_offsets(scores, vocab.crops), meta


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    series, vocab, source = _load(args)
    _log(f"data: {len(series)} {source} series, window {data_window(series)}", started)

    holdout = BACKTEST_WEEKS * 7
    blocks = calibration_blocks(series, holdout)  # refuses when there is too little history
    x_bt, y_bt = training_matrix(series, vocab, holdout_days=holdout)
    folds = [training_matrix(series, vocab, holdout_days=holdout, exclude=block) for block in blocks]
    _log(
        f"1/6 fitting backtest models on {len(x_bt)} rows (last {holdout} days held out) and, for the "
        f"intervals, {len(blocks)} x 3 models each without one block of the days before "
        f"({', '.join(f'{a} to {b - timedelta(days=1)}' for a, b in blocks)}); {args.jobs} processes",
        started,
    )
    bt_models, *fold_models = fit_demand_models_many([(x_bt, y_bt), *folds], args.jobs)
    metrics = rolling_origin_backtest(series, bt_models.predict, vocab, BACKTEST_WEEKS, HORIZON_DAYS)
    _log("2/6 backtest done (intervals not calibrated yet):\n" + format_table(metrics), started)
    losers = [c for c, m in metrics.items() if c != "all" and not m.beats_baseline]
    if losers and not args.allow_worse_than_baseline:
        print(f"ERROR: no better than seasonal-naive MAPE for {losers}; nothing written.", file=sys.stderr)
        return 3

    calibration, calibration_meta = cross_fitted_calibration(series, vocab, blocks, fold_models)
    _log(
        f"3/6 80 % intervals calibrated on {calibration_meta['scores']} out-of-sample forecast days", started
    )
    metrics, tracking = tracked_backtest(
        series, bt_models.predict, vocab, calibration, Tracking.zero(vocab.crops)
    )
    longer = longer_horizon_coverage(
        series, bt_models.predict, vocab, calibration, BACKTEST_WEEKS, HORIZON_DAYS
    )
    coverage_table = format_coverage_table(metrics, longer)
    _log("   calibrated backtest coverage, % of days:\n" + coverage_table, started)
    coverage = {crop: m.coverage_80 for crop, m in metrics.items() if crop != "all"}
    coverage |= {f"{h} d ahead": c for h, c in enumerate(metrics["all"].coverage_by_horizon, start=1)}
    problems = out_of_bounds(coverage)
    if problems and not args.allow_miscalibrated:
        low, high = (round(100 * b) for b in COVERAGE_BOUNDS)
        print(
            f"ERROR: calibrated 80 % interval coverage outside {low}-{high} % on the backtest: "
            f"{', '.join(problems)}; nothing written.",
            file=sys.stderr,
        )
        return 4

    x, y = training_matrix(series, vocab)
    _log(f"4/6 fitting final models on {len(x)} rows", started)
    models = fit_demand_models(x, y, args.jobs)
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
    _log(f"5/6 fitting the isolation forest on {len(trades)} generated trades", started)
    forest = fit_isolation_forest(x_trades)
    data, diff = export_checked(forest, x_trades, forest.decision_function(x_trades), "anomaly", output=1)
    files[K.ONNX_FILES["anomaly"]] = data
    norms_json = {"source": "generated", "crops": norms_to_json(norms)}
    files[K.NORMS_FILE] = (json.dumps(norms_json, indent=2) + "\n").encode()

    end = data_window(series)[1]
    intervals = _intervals_section(calibration, calibration_meta, _tracking_section(tracking, end))
    digest = K.sha256_bytes(
        b"".join(files[K.ONNX_FILES[n]] for n in ("point", "lower", "upper"))
        + json.dumps([intervals["offsets"], intervals["tracking"]], sort_keys=True).encode()
    )
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
        "backtest": _backtest_section(metrics, longer, problems),
        "intervals": intervals,
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
    _log(f"6/6 wrote {len(files)} files ({size / 1e6:.2f} MB) and {path}; version {card['version']}", started)
    print("\nBacktest (" + card["backtest"]["method"] + "):\n" + format_table(metrics))
    print(
        "\nCalibrated 80 % interval coverage on the backtest, % of days (by days ahead):\n" + coverage_table
    )
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
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes fitting models at once (default: one a core); the models are the same whatever it is",
    )
    parser.add_argument(
        "--allow-miscalibrated",
        action="store_true",
        help="write the artifacts even when a backtest interval coverage is outside 75-85 %%",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    np.seterr(over="ignore")
    try:
        return run(args)
    except (NotEnoughHistoryError, CalibrationError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
