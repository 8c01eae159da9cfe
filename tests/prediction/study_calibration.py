"""Study of the interval calibration's choices (not collected by pytest: no ``test_`` prefix).

    .venv/bin/python -m tests.prediction.study_calibration [--folds 3 10] [--jobs 2]

Fits the trainer's backtest models and, for each number of calibration folds, its cross-fitted
fold models (the trainer's own functions), then calibrates the 80 % interval with each
variant and prints the calibrated coverage per crop and per day ahead, % of days:

- on the backtest (the last 8 weeks, as ``make train`` reports it), and
- on the year of generated demand after the data window (2026-11-01 to 2027-10-31: 7-day
  forecasts from every origin, by the backtest models), where an 8-week window's noise is gone.

Variants: the month window of the offsets (45 days: the committed choice; 90; 183 = no month
dependence) and only the most recent 365 days of scores. Generated data only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from services.prediction.ml import calibration as CAL
from services.prediction.ml import train as T
from services.prediction.ml.backtest import BACKTEST_WEEKS, _backtest_window, window_forecasts, window_scores
from services.prediction.ml.crops import CROPS, REGIONS
from services.prediction.ml.dataset import DailySeries, generated_dataset, training_matrix
from services.prediction.ml.features import WINDOW, Vocabulary
from services.prediction.ml.fit import fit_demand_models_many
from services.prediction.ml.generator import generate_series
from services.prediction.ml.recursive import Predictor, SeriesForecast, SeriesInput

AFTER = (date(2026, 11, 1), date(2027, 10, 31))
Raw = list[tuple[SeriesInput, SeriesForecast, np.ndarray]]


def raw_forecasts(
    series: Sequence[DailySeries], predict: Predictor, vocab: Vocabulary, first: date, stop: date
) -> Raw:
    out: Raw = []
    for f in window_forecasts(series, predict, vocab, first, stop, 7):
        s = series[f.series_index]
        start = s.start + timedelta(days=f.origin)
        out.append((SeriesInput(s.crop, s.region, start, 7, s.quantity[: f.origin]), f.raw, f.actual(series)))
    return out


def coverage(cal: CAL.IntervalCalibration, raw: Raw) -> str:
    served = cal.apply([r[0] for r in raw], [r[1] for r in raw])
    hits = np.stack([(a >= f.lower) & (a <= f.upper) for (_, _, a), f in zip(raw, served, strict=True)])
    crop = np.array([r[0].crop for r in raw])
    cells = [100 * hits[crop == c].mean() for c in CROPS] + list(100 * hits.mean(axis=0))
    return " | ".join(f"{c:.1f}" for c in cells)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, nargs="+", default=[3, 10])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    np.seterr(over="ignore")
    series, vocab = generated_dataset(seed=T.DEFAULT_SEED), Vocabulary(CROPS, REGIONS)
    holdout = BACKTEST_WEEKS * 7
    plans = {}
    for k in args.folds:
        T.CALIBRATION_FOLDS = k  # the trainer's blocks, k of them
        plans[k] = T.calibration_blocks(series, holdout)
    data = [training_matrix(series, vocab, holdout_days=holdout)]
    for blocks in plans.values():
        data += [training_matrix(series, vocab, holdout_days=holdout, exclude=b) for b in blocks]
    print(f"fitting {3 * len(data)} models ({args.jobs} processes)", file=sys.stderr, flush=True)
    bt, *folds = fit_demand_models_many(data, args.jobs)
    backtest = raw_forecasts(series, bt.predict, vocab, *_backtest_window(series, BACKTEST_WEEKS))
    after = [
        generate_series(c, r, AFTER[0] - timedelta(days=WINDOW), AFTER[1]) for c in CROPS for r in REGIONS
    ]
    after = [DailySeries(s.crop, s.region, s.start, s.quantity, "generated") for s in after]
    year = raw_forecasts(after, bt.predict, vocab, AFTER[0], AFTER[1] + timedelta(days=1))
    head = [*CROPS, *(f"{h} d" for h in range(1, 8))]
    print("| variant | data | " + " | ".join(head) + " |\n| --- | --- |" + " ---: |" * len(head))
    print(f"| uncalibrated | backtest | {coverage(CAL.IntervalCalibration.identity(CROPS), backtest)} |")
    print(f"| uncalibrated | year after | {coverage(CAL.IntervalCalibration.identity(CROPS), year)} |")
    for k, blocks in plans.items():
        models, folds = folds[: len(blocks)], folds[len(blocks) :]
        parts = [
            window_scores(
                series, window_forecasts(series, m.predict, vocab, *b, CAL.MAX_HORIZON, partial=True)
            )
            for b, m in zip(blocks, models, strict=True)
        ]
        scores = CAL.Scores.concat(parts)
        recent = scores.day > scores.day.max() - 365
        variants = {f"month window {w} d": (w, scores) for w in (45, 90, 183)}
        variants["last 365 days, no month"] = (
            183,
            CAL.Scores(*(getattr(scores, f)[recent] for f in CAL.Scores.__dataclass_fields__)),
        )
        for name, (window, chosen) in variants.items():
            CAL.MONTH_WINDOW_DAYS = window
            cal = CAL.fit_offsets(chosen, CROPS)
            print(f"| {k} folds, {name} | backtest | {coverage(cal, backtest)} |")
            print(f"| {k} folds, {name} | year after | {coverage(cal, year)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
