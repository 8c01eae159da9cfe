"""Line charts as inline SVG (pure; no JavaScript, nothing fetched): the report's pictures."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

Point = tuple[float, float | None]
COLORS = ("#1f77b4", "#ff7f0e", "#d62728", "#2ca02c", "#9467bd", "#8c564b")


def _nice(top: float) -> float:
    """A round axis maximum at or above ``top``."""
    if top <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(top))) / 10
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= top:
            return step * magnitude
    return 10 * magnitude


def _thin(points: Sequence[Point], most: int) -> list[Point]:
    if len(points) <= most:
        return list(points)
    stride = len(points) / most
    return [points[int(i * stride)] for i in range(most)] + [points[-1]]


def line_chart(
    title: str,
    series: Sequence[tuple[str, Sequence[Point]]],
    unit: str = "",
    width: int = 900,
    height: int = 260,
) -> str:
    """An SVG line chart of ``series`` (label, points of (x seconds, y)); y None is a gap."""
    left, right, top, bottom = 60, 200, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [x for _, pts in series for x, _ in pts]
    ys = [y for _, pts in series for _, y in pts if y is not None]
    x_max = max(xs, default=1.0) or 1.0
    y_max = _nice(max(ys, default=1.0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="{left}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
    ]
    for i in range(5):
        value = y_max * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{value:g}{escape(unit)}</text>"
        )
    for i in range(6):
        x = left + plot_w * i / 5
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" font-size="11" text-anchor="middle">'
            f"{x_max * i / 5:.0f} s</text>"
        )
    for n, (label, points) in enumerate(series):
        color = COLORS[n % len(COLORS)]
        runs: list[list[str]] = [[]]
        for x, y in _thin(points, 600):
            if y is None:
                runs.append([])
                continue
            px = left + plot_w * x / x_max
            py = top + plot_h - plot_h * min(y, y_max) / y_max
            runs[-1].append(f"{px:.1f},{py:.1f}")
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{color}" stroke-width="1.6" points="{" ".join(run)}"/>'
                )
            elif run:
                cx, cy = run[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="{color}"/>')
        ly = top + 14 + 18 * n
        parts.append(
            f'<line x1="{left + plot_w + 12}" y1="{ly - 4}" x2="{left + plot_w + 32}" y2="{ly - 4}" '
            f'stroke="{color}" stroke-width="3"/>'
        )
        parts.append(f'<text x="{left + plot_w + 38}" y="{ly}" font-size="12">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
