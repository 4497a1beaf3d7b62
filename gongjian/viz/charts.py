"""Bar charts as inline SVG, drawn without any JavaScript library.

:func:`bar_chart` computes the geometry; the report template draws it (text goes through
Jinja2's autoescape, so ledger names stay text).

Examples
--------
>>> c = bar_chart([("玄武区", 3), ("秦淮区", 1)], title="孤岛")
>>> [round(r["w"]) for r in c["rows"]], c["height"]
([300, 100], 72)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["bar_chart", "grouped_bar_chart"]

ROW = 24
LABEL_WIDTH = 190
BAR_WIDTH = 300


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, color: str = "#2e86c1",
              colors: Sequence[str] | None = None, percent: bool = False,
              limit: int = 25) -> dict[str, Any]:
    """Geometry of a horizontal bar chart of ``(label, value)`` items (first ``limit``)."""
    items = list(items)[:limit]
    top = max((float(v) for _, v in items), default=0.0)
    if percent:
        top = max(top, 1.0)
    rows = []
    for i, (label, value) in enumerate(items):
        value = float(value)
        width = BAR_WIDTH * value / top if top > 0 else 0.0
        text = f"{value:.0%}" if percent else f"{value:,.0f}"
        label = str(label)
        rows.append({"label": label if len(label) <= 14 else label[:13] + "…", "full": label,
                     "w": round(width, 1), "y": 8 + i * ROW, "text": text,
                     "color": colors[i] if colors else color})
    return {"title": title, "rows": rows, "height": 16 + max(len(rows), 1) * ROW + 8,
            "width": LABEL_WIDTH + BAR_WIDTH + 70, "label_width": LABEL_WIDTH, "row": ROW}


def grouped_bar_chart(items: Sequence[tuple[str, Sequence[float]]], *, title: str,
                      series: Sequence[tuple[str, str]], limit: int = 15) -> dict[str, Any]:
    """Geometry of a horizontal chart with one thin bar per series in every row.

    ``items`` are ``(label, values)`` with one value per ``series`` entry ``(name, colour)``;
    all bars share one scale.

    Examples
    --------
    >>> c = grouped_bar_chart([("新街口街道", [4, 1])], title="t",
    ...                       series=[("待认领", "#e74c3c"), ("闲置", "#2e86c1")])
    >>> [round(b["w"]) for b in c["rows"][0]["bars"]], c["legend"][1]["name"]
    ([300, 75], '闲置')
    """
    items = list(items)[:limit]
    top = max((float(v) for _, vs in items for v in vs), default=0.0)
    bar = 9
    row_h = bar * len(series) + 8
    rows = []
    for i, (label, values) in enumerate(items):
        y = 28 + i * row_h
        bars = [{"w": round(BAR_WIDTH * float(v) / top, 1) if top > 0 else 0.0,
                 "y": y + k * bar, "h": bar - 1, "color": series[k][1],
                 "text": f"{float(v):,.0f}", "name": series[k][0]}
                for k, v in enumerate(values)]
        label = str(label)
        rows.append({"label": label if len(label) <= 14 else label[:13] + "…", "full": label,
                     "y": y, "mid": y + (row_h - 8) / 2 + 4, "bars": bars})
    legend = [{"name": name, "color": color, "x": LABEL_WIDTH + k * 130}
              for k, (name, color) in enumerate(series)]
    return {"title": title, "rows": rows, "legend": legend, "bar": bar,
            "height": 28 + max(len(rows), 1) * row_h + 8,
            "width": LABEL_WIDTH + BAR_WIDTH + 70, "label_width": LABEL_WIDTH}
