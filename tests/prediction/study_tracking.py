"""Study of the online part of the interval calibration, quantile tracking (``ml/tracking.py``);
not collected by pytest (no ``test_`` prefix).

    .venv/bin/python -m tests.prediction.study_tracking [--steps 0 0.001 ...] [--jobs 2]

Fits the trainer's backtest and 3 fold models and its conformal offsets (the trainer's own
functions), then for each tracker step (0 = the offsets alone) prints the calibrated coverage,
% of days, of 7-day forecasts from every origin, each served with the shift its origin had:

- ``before``: the days before the backtest weeks (each block by its fold model, the tracker
  from 0 on the first day); per 8-week window of origins (every 7 days), the share of windows
  with every crop within 78-82 %, with every day ahead within 78-82 %, and the mean distance of
  the crops from 80 %. The step is chosen HERE, on days before the backtest weeks;
- ``backtest``: the last 8 weeks (the tracker from 0 on their first day), as ``make train``;
- ``year after``: generated demand of 2026-11-01 to 2027-10-31 (the tracker continued from the
  backtest's end), by the backtest models.

Then the committed runtime (final models, offsets and shift of the card) on that year: the
offsets alone, the card's shift kept fixed, and the shift followed as the service follows it.
Generated data only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np

from services.prediction.ml import train as T
from services.prediction.ml.backtest import BACKTEST_WEEKS, _backtest_window
from services.prediction.ml.calibration import IntervalCalibration
from services.prediction.ml.crops import CROPS, REGIONS
from services.prediction.ml.dataset import DailySeries, generated_dataset, training_matrix
from services.prediction.ml.features import WINDOW, Vocabulary
from services.prediction.ml.fit import fit_demand_models_many
from services.prediction.ml.generator import generate_series
from services.prediction.ml.recursive import recursive_forecast
from services.prediction.ml.runtime import ModelRuntime
from services.prediction.ml.tracking import Tracking, tracked_forecasts
from tests.prediction.study_calibration import AFTER, Raw, raw_forecasts

HEAD = [*CROPS, *(f"{h} d" for h in range(1, 8))]


def serve(
    raw: Raw, offsets: IntervalCalibration, start: Tracking, until: date
) -> tuple[np.ndarray, Tracking]:
    """Hits (forecasts x 7 days) of ``raw`` served with the offsets and the tracked shift."""
    served, end = tracked_forecasts(
        [r[0] for r in raw], [r[1] for r in raw], [r[2] for r in raw], offsets, start, until
    )
    hits = np.stack([(r[2] >= f.lower) & (r[2] <= f.upper) for r, f in zip(raw, served, strict=True)])
    return hits, end


def cells(raw: Raw, hits: np.ndarray) -> list[float]:
    crop = np.array([r[0].crop for r in raw])
    return [100 * hits[crop == c].mean() for c in CROPS] + list(100 * hits.mean(axis=0))


def windows(raw: Raw, hits: np.ndarray) -> str:
    """Over 8-week windows of origins, every 7 days: share with every crop within 78-82 %, with
    every day ahead within 78-82 %, and the mean |crop - 80|."""
    starts = np.array([r[0].start.toordinal() for r in raw])
    stats = []
    for w in range(starts.min(), starts.max() - 48, 7):
        chosen = (starts >= w) & (starts < w + BACKTEST_WEEKS * 7 - 6)
        c = cells([r for r, k in zip(raw, chosen, strict=True) if k], hits[chosen])
        crops, days = np.array(c[: len(CROPS)]), np.array(c[len(CROPS) :])
        stats.append(
            (np.all(np.abs(crops - 80) <= 2), np.all(np.abs(days - 80) <= 2), np.abs(crops - 80).mean())
        )
    s = np.array(stats, dtype=float)
    crops, days, distance = 100 * s[:, 0].mean(), 100 * s[:, 1].mean(), s[:, 2].mean()
    return f"{len(s)} windows: crops {crops:.0f} %, days {days:.0f} %, mean crop-80 {distance:.2f}"


def row(name: str, data: str, raw: Raw, hits: np.ndarray, extra: str = "") -> None:
    print(
        f"| {name} | {data} | " + " | ".join(f"{c:.1f}" for c in cells(raw, hits)) + f" | {extra} |",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=float, nargs="+", default=[0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    np.seterr(over="ignore")
    series, vocab = generated_dataset(seed=T.DEFAULT_SEED), Vocabulary(CROPS, REGIONS)
    holdout = BACKTEST_WEEKS * 7
    blocks = T.calibration_blocks(series, holdout)
    data = [training_matrix(series, vocab, holdout_days=holdout)]
    data += [training_matrix(series, vocab, holdout_days=holdout, exclude=b) for b in blocks]
    print(f"fitting {3 * len(data)} models ({args.jobs} processes)", file=sys.stderr, flush=True)
    bt, *folds = fit_demand_models_many(data, args.jobs)
    offsets, _ = T.cross_fitted_calibration(series, vocab, blocks, folds)
    before = [
        r for b, m in zip(blocks, folds, strict=True) for r in raw_forecasts(series, m.predict, vocab, *b)
    ]
    first, stop = _backtest_window(series, BACKTEST_WEEKS)
    backtest = raw_forecasts(series, bt.predict, vocab, first, stop)
    generated = [
        generate_series(c, r, AFTER[0] - timedelta(days=WINDOW), AFTER[1]) for c in CROPS for r in REGIONS
    ]
    after = [DailySeries(s.crop, s.region, s.start, s.quantity, "generated") for s in generated]
    end = AFTER[1] + timedelta(days=1)
    year = raw_forecasts(after, bt.predict, vocab, AFTER[0], end)
    print("| step | data | " + " | ".join(HEAD) + " | 8-week windows within 78-82 % |")
    print("| ---: | --- |" + " ---: |" * len(HEAD) + " --- |")
    for step in args.steps:
        zero = Tracking.zero(CROPS, step)
        hits, _ = serve(before, offsets, zero, blocks[-1][1])
        row(f"{step:g}", "before", before, hits, windows(before, hits))
        hits, shift = serve(backtest, offsets, zero, stop)
        row(f"{step:g}", "backtest", backtest, hits)
        hits, _ = serve(year, offsets, shift, end)
        row(f"{step:g}", "year after", year, hits, windows(year, hits))

    rt = ModelRuntime()
    assert rt.card_tracking is not None
    inputs = [r[0] for r in year]
    served_raw = recursive_forecast(inputs, rt.predict_target, rt.vocab)
    runtime_year: Raw = [(i, f, r[2]) for i, f, r in zip(inputs, served_raw, year, strict=True)]
    print(f"\ncommitted model {rt.version} on the year after:")
    fixed = Tracking(rt.card_tracking.crops, rt.card_tracking.lower, rt.card_tracking.upper, 0.0)
    for name, start in (
        ("offsets alone", Tracking.zero(CROPS, 0.0)),
        ("card shift, fixed", fixed),
        ("card shift, followed", rt.card_tracking),
    ):
        hits, _ = serve(runtime_year, rt.offsets, start, end)
        row(name, "year after", runtime_year, hits, windows(runtime_year, hits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
