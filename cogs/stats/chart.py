"""The /facilitate stats chart: matplotlib's Agg canvas (no pyplot, no GUI, safe in a worker thread)."""

from __future__ import annotations

import io
import math
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cogs.stats import texts

COLOURS = ("#d9822b", "#2b7bd9", "#3a9e5c", "#9b59b6", "#7f8c8d", "#c0392b")


def render(series: dict[str, list[tuple[date, float | None]]], title: str) -> bytes:
    """A PNG with one line per metric over the weeks; a hidden week is a gap, never a zero. Call it through
    ``asyncio.to_thread``. Weeks are plain positions with their Monday as a label: matplotlib's date
    locator alone cost over a second per chart."""
    figure = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    days = next(iter(series.values()), [])
    positions = list(range(len(days)))
    for colour, (key, points) in zip(COLOURS, series.items(), strict=False):
        values = [math.nan if value is None else value for _, value in points]
        axes.plot(positions, values, marker="o", markersize=3, linewidth=1.5, color=colour, label=texts.title(key))
    step = max(1, math.ceil(len(days) / 12))
    axes.set_xticks(positions[::step], [texts.week_label(day) for day, _ in days][::step], rotation=30, ha="right")
    axes.set_ylim(bottom=0)
    axes.set_ylabel(texts.per_week())
    axes.grid(alpha=0.3)
    figure.suptitle(title)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=6, fontsize=8, frameon=False)
    figure.subplots_adjust(left=0.08, right=0.98, top=0.84, bottom=0.2)
    buffer = io.BytesIO()
    # Light compression: zlib's default level was a quarter of the render time for a few KB saved.
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()
