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

__all__ = ["bar_chart"]

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
