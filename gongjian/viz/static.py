"""The network as a static picture (SVG geometry) for print, from a page's precomputed layout.

:func:`network_picture` scales the positions of a page model to a printed width, draws the
ties as one path per colour, the organizations as dots, the districts and the islands' area
as labelled boxes, and names only the organizations that matter (the page's label priority),
none overlapping: :func:`place_labels` keeps a name only when its box is free.

Examples
--------
>>> boxes = [(0, 0, 50, 10), (40, 5, 90, 15), (100, 0, 150, 10)]
>>> place_labels(boxes)
[0, 2]
>>> text_width("玄武区ab", 10)
41.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["network_picture", "place_labels", "text_width"]

#: Printed width of the picture in CSS pixels (A4 less 14 mm margins ≈ 182 mm).
WIDTH = 680.0
#: The picture is never taller than this (CSS pixels).
MAX_HEIGHT = 880.0
LABEL_PX, AREA_PX, DOT_PX = 6.5, 8.0, 2.0


def text_width(text: str, size: float) -> float:
    """Width of ``text`` at font ``size``: CJK and full-width characters one em, others 0.55."""
    return float(sum(size if ord(ch) >= 0x2E80 else size * 0.55 for ch in text))


def place_labels(boxes: Sequence[tuple[float, float, float, float]],
                 within: tuple[float, float] | None = None) -> list[int]:
    """Indices of the boxes ``(x0, y0, x1, y1)`` kept, in the given order of importance,
    each kept box overlapping none kept before it (and inside ``(0, 0)–within`` if given)."""
    kept: list[int] = []
    cell = 40.0
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    for i, b in enumerate(boxes):
        if within and (b[0] < 0 or b[1] < 0 or b[2] > within[0] or b[3] > within[1]):
            continue
        cells = [(gx, gy) for gx in range(int(b[0] // cell), int(b[2] // cell) + 1)
                 for gy in range(int(b[1] // cell), int(b[3] // cell) + 1)]
        if any(b[0] < c[2] and c[0] < b[2] and b[1] < c[3] and c[1] < b[3]
               for key in cells for c in grid.get(key, ())):
            continue
        kept.append(i)
        for key in cells:
            grid.setdefault(key, []).append(b)
    return kept


def _short(name: str) -> str:
    return name if len(name) <= 10 else name[:9] + "…"


def network_picture(model: dict[str, Any]) -> dict[str, Any]:
    """Geometry of the printed network of a page model (``page_model``): ``width``,
    ``height``, ``paths`` (``d``, colour, width, dashes), ``dots`` (x, y, r, colour, border),
    ``areas`` (box and title) and ``labels`` (x, y, text), all in printed pixels."""
    n = model["n"]
    xs, ys = n["x"], n["y"]
    boxes = [(a[2], a[3], a[4], a[5]) for a in model.get("areas", [])]
    x0 = min([*xs, *(b[0] for b in boxes)], default=0.0) - 20
    y0 = min([*ys, *(b[1] for b in boxes)], default=0.0) - 20
    x1 = max([*xs, *(b[2] for b in boxes)], default=1.0) + 20
    y1 = max([*ys, *(b[3] for b in boxes)], default=1.0) + 20
    size = n.get("size") if model["mode"] != "orgs" else None
    biggest = max(size, default=1) if size else 1
    edge = 14.0 if size else 0.0  # room for the biggest dot of an aggregated page
    scale = min((WIDTH - 2 * edge) / max(x1 - x0, 1.0),
                (MAX_HEIGHT - 2 * edge) / max(y1 - y0, 1.0))

    def px(x: float, y: float) -> tuple[float, float]:
        return (round(float(x - x0) * scale + edge, 1), round(float(y - y0) * scale + edge, 1))

    types = model["types"]
    paths: dict[tuple[str, float, bool], list[str]] = {}
    e = model["e"]
    for s, t, mask, cross in zip(e["s"], e["t"], e["ty"], e["x"], strict=True):
        first = next((i for i in range(len(types)) if mask & (1 << i)), 0)
        key = (types[first][2], 1.6 if cross else 0.5, bool(types[first][3]))
        a, b = px(xs[s], ys[s]), px(xs[t], ys[t])
        paths.setdefault(key, []).append(f"M{a[0]} {a[1]}L{b[0]} {b[1]}")
    marks = model["marks"]
    dots, order = [], []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        f = n["f"][i]
        p = px(x, y)
        r = (3.0 + 10.0 * (max(size[i], 0) / max(biggest, 1)) ** 0.5) if size \
            else DOT_PX * (1.6 if f & 9 else 1)
        border = marks["island"] if f & 1 else (marks["bridge"] if f & 8 else "none")
        dots.append({"x": p[0], "y": p[1], "r": round(r, 1), "color": model["colors"][n["c"][i]],
                     "border": border, "key": bool(f & 8)})
        if n["lp"][i] < 9:
            order.append(i)
    order.sort(key=lambda i: (n["lp"][i], i))
    areas = []
    label_boxes: list[tuple[float, float, float, float]] = []
    texts: list[tuple[float, float, str, str]] = []
    for a in model.get("areas", []):
        ax, ay = px(a[2], a[3])
        bx, by = px(a[4], a[5])
        title = f"{a[1]}（{a[6]}）" if a[0] == "islands" else a[1]
        areas.append({"kind": a[0], "x": ax, "y": ay, "w": round(bx - ax, 1),
                      "h": round(by - ay, 1)})
        label_boxes.append((ax + 3, ay + 2, ax + 3 + text_width(title, AREA_PX), ay + 3 + AREA_PX))
        texts.append((ax + 3, ay + 2 + AREA_PX, title, "area"))
    for i in order:
        x, y = px(xs[i], ys[i])
        text = _short(n["name"][i])
        w = text_width(text, LABEL_PX)
        top = y + dots[i]["r"] + 0.5
        label_boxes.append((x - w / 2 - 0.5, top, x + w / 2 + 0.5, top + LABEL_PX + 1.5))
        texts.append((round(x - w / 2, 1), round(top + LABEL_PX, 1), text, "node"))
    width = round((x1 - x0) * scale + 2 * edge, 1)
    height = round((y1 - y0) * scale + 2 * edge, 1)
    keep = place_labels(label_boxes, within=(width, height))
    return {"width": width, "height": height,
            "paths": [{"d": "".join(d), "color": c, "width": w, "dashes": dash}
                      for (c, w, dash), d in paths.items()],
            "dots": dots, "areas": areas,
            "labels": [{"x": texts[k][0], "y": texts[k][1], "text": texts[k][2],
                        "kind": texts[k][3]} for k in keep],
            "label_px": LABEL_PX, "area_px": AREA_PX}
