"""Small charts drawn on the server as SVG: bars and a heatmap, accessible and scalable.

Each chart is an <svg role="img"> with a <title> and a <desc> that say what it shows;
the pages put the same numbers in a table beside it. The SVGs use a viewBox and no
fixed width, so CSS fits them to a 360-px phone or a desktop. No script, no styles
inline: colours are attributes the strict Content-Security-Policy allows.
"""

import itertools
from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = "#0b5cad"
MUTED_BAR = "#8592a3"
INK = "#1c2430"
# A sequential palette from light to dark blue; the darkest cells get white text.
HEAT = ("#f3f5f8", "#d6e6f5", "#a9cbeb", "#6fa6d9", "#3a7dc0", "#0b5cad", "#083d73")
_ids = itertools.count(1)


def _frame(title: str, desc: str, width: int, height: int, body: str, css: str) -> Markup:
    uid = next(_ids)
    # Safe: every text node is escaped where it is made; the rest is numbers we format.
    return Markup(  # noqa: S704
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart{uid}-t chart{uid}-d" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="chart{uid}-t">{escape(title)}</title>'
        f'<desc id="chart{uid}-d">{escape(desc)}</desc>{body}</svg>')


def bar_chart(title: str, desc: str, labels: Sequence[str], values: Sequence[float | None],
              *, label_every: int = 1, highlight: Sequence[bool] | None = None,
              unit: str = "") -> Markup:
    """Return vertical bars, one per label; None values draw nothing (no data, not zero)."""
    width, height, bottom, top = 480, 208, 26, 28
    top_value = max([v for v in values if v is not None] or [0]) or 1
    step = width / max(len(labels), 1)
    parts = [f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
             f'stroke="{INK}" stroke-width="1"/>']
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = index * step
        if value is not None:
            bar_height = (height - bottom - top) * value / top_value
            colour = MUTED_BAR if highlight and not highlight[index] else BAR
            parts.append(f'<rect x="{x + step * 0.12:.1f}" y="{height - bottom - bar_height:.1f}" '
                         f'width="{step * 0.76:.1f}" height="{bar_height:.1f}" fill="{colour}"/>')
        if index % label_every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 8}" font-size="14" '
                         f'text-anchor="middle" fill="{INK}">{escape(label)}</text>')
    parts.append(f'<text x="{width - 4}" y="16" font-size="14" text-anchor="end" '
                 f'fill="{INK}">max {top_value:g}{unit}</text>')
    return _frame(title, desc, width, height, "".join(parts), "bars")


def paired_bar_chart(title: str, desc: str, labels: Sequence[str],
                     series: tuple[Sequence[float | None], Sequence[float | None]],
                     names: tuple[str, str], *, label_every: int = 1) -> Markup:
    """Return two bars per label (dark, then light with an outline) and a text legend."""
    width, height, bottom, top = 480, 220, 26, 34
    peak = max([v for values in series for v in values if v is not None] or [0]) or 1
    step = width / max(len(labels), 1)
    styles = ((BAR, BAR), ("#dce7f3", INK))
    parts = [f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
             f'stroke="{INK}" stroke-width="1"/>']
    for number, (name, (fill, stroke)) in enumerate(zip(names, styles, strict=True)):
        x = 4 + number * 130
        parts.append(f'<rect x="{x}" y="6" width="16" height="16" fill="{fill}" '
                     f'stroke="{stroke}"/><text x="{x + 22}" y="20" font-size="14" '
                     f'fill="{INK}">{escape(name)}</text>')
    for index, label in enumerate(labels):
        for number, (fill, stroke) in enumerate(styles):
            value = series[number][index]
            if value is None:
                continue
            bar_height = (height - bottom - top) * value / peak
            x = index * step + step * (0.1 + 0.4 * number)
            parts.append(f'<rect x="{x:.1f}" y="{height - bottom - bar_height:.1f}" '
                         f'width="{step * 0.38:.1f}" height="{bar_height:.1f}" fill="{fill}" '
                         f'stroke="{stroke}" stroke-width="0.8"/>')
        if index % label_every == 0:
            parts.append(f'<text x="{index * step + step / 2:.1f}" y="{height - 8}" '
                         f'font-size="14" text-anchor="middle" fill="{INK}">'
                         f'{escape(label)}</text>')
    parts.append(f'<text x="{width - 4}" y="20" font-size="14" text-anchor="end" '
                 f'fill="{INK}">max {peak:g}</text>')
    return _frame(title, desc, width, height, "".join(parts), "bars")


def heatmap(title: str, desc: str, row_labels: Sequence[str], column_labels: Sequence[str],
            values: Sequence[Sequence[float | None]], *, column_label_every: int = 3) -> Markup:
    """Return a grid of cells shaded by value (rows × columns), with row and column labels.

    A None value (no data) is drawn as an empty white cell, never as the lightest shade.
    """
    left, top, cell_w, cell_h = 44, 22, 28, 26
    width = left + cell_w * len(column_labels)
    height = top + cell_h * len(row_labels)
    peak = max((v for row in values for v in row if v is not None), default=0) or 1
    parts = []
    for column, label in enumerate(column_labels):
        if column % column_label_every == 0:
            parts.append(f'<text x="{left + column * cell_w + 2}" y="{top - 6}" font-size="13" '
                         f'fill="{INK}">{escape(label)}</text>')
    for row, label in enumerate(row_labels):
        y = top + row * cell_h
        parts.append(f'<text x="0" y="{y + cell_h * 0.7:.1f}" font-size="14" '
                     f'fill="{INK}">{escape(label)}</text>')
        for column, value in enumerate(values[row]):
            shade = "#ffffff" if value is None else HEAT[
                min(len(HEAT) - 1, round(value / peak * (len(HEAT) - 1)))]
            parts.append(f'<rect x="{left + column * cell_w}" y="{y}" width="{cell_w - 2}" '
                         f'height="{cell_h - 2}" fill="{shade}" stroke="#d5dbe3" '
                         f'stroke-width="0.5"/>')
    return _frame(title, desc, width, height, "".join(parts), "heat")
