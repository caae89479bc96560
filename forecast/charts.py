"""The backtest's charts as inline SVG (no scripts): calibration per basis, and forecast against actual.

Each chart scales to its container (a viewBox and width 100%), so it stays readable on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from forecast.backtest import Basis, SnapshotForecast

SIZE = 300  # the calibration chart's plot is SIZE × SIZE
MARGIN = 58
COLOURS = {"claimed": "#b45309", "verified": "#1d4ed8", "actual": "#15803d"}


def _x(probability: float) -> float:
    return MARGIN + probability * SIZE


def _y(rate: float) -> float:
    return 12 + (1 - rate) * SIZE


def calibration_svg(basis: Basis, which: str, chart_id: str) -> Markup:
    """Each stage's probability (x) against its observed win rate (y) with the 95% interval; the diagonal is perfect calibration."""
    colour = COLOURS[which]
    parts = [
        f'<svg class="chart" viewBox="0 0 {MARGIN + SIZE + 30} {SIZE + 56}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">Calibration of the {which} stage</title>',
        f'<desc id="{chart_id}-desc">Each stage\'s probability from process.yaml against the share of its deals '
        f"that were won, with the 95% interval. Points on the dashed diagonal are calibrated; hollow points have fewer than 20 deals.</desc>",
        f'<rect x="{MARGIN}" y="12" width="{SIZE}" height="{SIZE}" fill="#f8fafc" stroke="#94a3b8"/>',
        f'<line x1="{_x(0)}" y1="{_y(0)}" x2="{_x(1)}" y2="{_y(1)}" stroke="#64748b" stroke-dasharray="4 4"/>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        label = f"{tick:.0%}"
        parts.append(f'<text x="{MARGIN - 6}" y="{_y(tick) + 4:.1f}" text-anchor="end" font-size="11">{label}</text>')
        parts.append(f'<text x="{_x(tick):.1f}" y="{SIZE + 28}" text-anchor="middle" font-size="11">{label}</text>')
    parts.append(
        f'<text x="{MARGIN + SIZE / 2}" y="{SIZE + 48}" text-anchor="middle" font-size="12">stage probability (process.yaml)</text>'
    )
    parts.append(
        f'<text x="12" y="{12 + SIZE / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 12 {12 + SIZE / 2})">observed win rate</text>'
    )
    for rate in basis.stages:
        if rate.n == 0:
            continue
        x = _x(rate.probability / 100)
        low, high = rate.interval
        fill = "#fff" if rate.too_few else colour
        name = escape(rate.name)
        parts.append(
            f'<g class="point"><title>{name}: {rate.won} of {rate.n} won ({rate.win_rate:.0%}, 95% interval '
            f"{low:.0%}–{high:.0%}) at {rate.probability}%</title>"
            f'<line x1="{x:.1f}" y1="{_y(low):.1f}" x2="{x:.1f}" y2="{_y(high):.1f}" stroke="{colour}" stroke-width="2"/>'
            f'<circle cx="{x:.1f}" cy="{_y(rate.win_rate):.1f}" r="5" fill="{fill}" stroke="{colour}" stroke-width="2"/></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def axis_amount(value: float) -> str:
    """An amount on the chart's axis, short enough for its margin at any size: 940, 94k, 1.9M, 190M."""
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if value >= size:
            scaled = value / size
            return f"{scaled:.1f}{suffix}" if scaled < 10 else f"{scaled:.0f}{suffix}"
    return f"{value:.0f}"


def forecast_svg(
    forecasts: Sequence[SnapshotForecast], chart_id: str, bases: Sequence[str] = ("claimed", "verified")
) -> Markup:
    """The expected won amount per basis and the amount actually won, at each snapshot."""
    width, height, left, top = 480, 280, 76, 34
    plot_w, plot_h = width - left - 16, height - top - 44
    largest = max([1.0] + [max(*f.expected.values(), f.actual) for f in forecasts])
    step = plot_w / max(1, len(forecasts) - 1)

    def point(index: int, value: float) -> str:
        return f"{left + index * step:.1f},{top + plot_h * (1 - value / largest):.1f}"

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">Forecast against what happened</title>',
        f'<desc id="{chart_id}-desc">At each snapshot, the won amount the {" and the ".join(f"{which} stages" for which in bases)} '
        "forecast (probability × amount) against the amount the same deals were won for. The table below gives "
        "the same numbers.</desc>",
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#f8fafc" stroke="#94a3b8"/>',
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="13">{axis_amount(largest * fraction)}</text>'
        )
    for index, forecast in enumerate(forecasts):
        if index % max(1, -(-len(forecasts) // 6)) == 0:  # at most six dates fit a phone's width
            parts.append(
                f'<text x="{left + index * step:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="13">'
                f"{forecast.snapshot.isoformat()[:7]}</text>"
            )
    series = [
        *((which, f"{which} forecast", [f.expected[which] for f in forecasts]) for which in bases),
        ("actual", "won", [f.actual for f in forecasts]),
    ]
    for number, (key, label, values) in enumerate(series):
        colour = COLOURS[key]
        dash = ' stroke-dasharray="6 3"' if key == "claimed" else ""
        points = " ".join(point(index, value) for index, value in enumerate(values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        for index, value in enumerate(values):
            cx, cy = point(index, value).split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        legend_x = 8 + number * 160
        parts.append(
            f'<line x1="{legend_x}" y1="14" x2="{legend_x + 22}" y2="14" stroke="{colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{legend_x + 28}" y="18" font-size="13">{label}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
