"""Charts drawn on the server as inline SVG: no script, nothing fetched from the internet.

Every label goes through :func:`markupsafe.escape`; each bar carries its series and value in
``data-`` attributes and a ``<title>`` (the tooltip), so the figures are readable without
looking at the drawing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Colours of the series, in order (colour-blind safe, Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999")


@dataclass(frozen=True)
class Series:
    """One series of a chart: its key, its label and its colour."""

    key: str
    label: str
    colour: str


def series_for(keys: Sequence[str], labels: Mapping[str, str]) -> list[Series]:
    """The series of ``keys`` with their labels and a colour each."""
    return [Series(k, labels.get(k, k), PALETTE[i % len(PALETTE)]) for i, k in enumerate(keys)]


def stacked_bars(
    name: str,
    columns: Sequence[str],
    series: Sequence[Series],
    values: Mapping[tuple[str, str], int],
    *,
    title: str,
    width: int = 720,
    height: int = 220,
) -> Markup:
    """One stacked bar per column (a day), a segment per series, with a legend.

    Args:
        name: The chart's id (``data-chart``).
        columns: The x axis, left to right.
        series: The stacked series, bottom up.
        values: ``(column, series key) -> value``.
        title: The chart's accessible title.
    """
    top = max([sum(values.get((c, s.key), 0) for s in series) for c in columns] + [1])
    pad, legend = 28, 18 * max(len(series), 1)
    plot_h = height - pad - 10
    step = (width - pad) / max(len(columns), 1)
    bar_w = max(step * 0.7, 1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'data-chart="{escape(name)}" width="{width}" height="{height + legend}" '
        f'viewBox="0 0 {width} {height + legend}"><title>{escape(title)}</title>',
        f'<text x="0" y="12" class="axis">{top}</text>',
        f'<line x1="{pad}" y1="{height - pad + 10}" x2="{width}" y2="{height - pad + 10}" '
        'stroke="#888"/>',
    ]
    for i, column in enumerate(columns):
        x = pad + i * step
        y = float(height - pad + 10)
        for s in series:
            value = values.get((column, s.key), 0)
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{s.colour}" data-column="{escape(column)}" '
                f'data-series="{escape(s.key)}" data-value="{value}"><title>'
                f"{escape(column)}: {escape(s.label)} {value}</title></rect>"
            )
    if columns:
        for i in sorted({0, len(columns) // 2, len(columns) - 1}):
            parts.append(
                f'<text class="axis" x="{pad + i * step:.1f}" y="{height}">'
                f"{escape(columns[i][5:])}</text>"
            )
    for i, s in enumerate(series):
        y = height + 6 + 18 * i
        parts.append(
            f'<rect x="{pad}" y="{y}" width="12" height="12" fill="{s.colour}"/>'
            f'<text x="{pad + 18}" y="{y + 11}" class="legend">{escape(s.label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(
    name: str,
    rows: Sequence[tuple[str, str, float, str]],
    *,
    title: str,
    width: int = 720,
) -> Markup:
    """One horizontal bar per row: ``(key, label, share from 0 to 1, shown value)``."""
    label_w, row_h = 260, 24
    height = row_h * max(len(rows), 1) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'data-chart="{escape(name)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    span = width - label_w - 80
    for i, (key, label, share, shown) in enumerate(rows):
        y = i * row_h + 2
        w = max(span * min(max(share, 0.0), 1.0), 0.0)
        parts.append(
            f'<text x="0" y="{y + 15}" class="legend">{escape(label)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{PALETTE[i % len(PALETTE)]}" data-series="{escape(key)}" '
            f'data-value="{escape(shown)}"><title>{escape(label)}: {escape(shown)}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="legend">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
