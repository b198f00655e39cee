"""The history chart: drawn with matplotlib's Agg canvas (no pyplot, no GUI, safe in a worker thread)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num as _untyped_date2num
from matplotlib.figure import Figure

from cogs.checkins import texts
from cogs.checkins.domain import MOODS

# matplotlib's dates module is untyped; this is the one signature used here.
date2num: Callable[[date], float] = _untyped_date2num


def render_history(daily: list[tuple[date, float]], start: date, end: date, title: str) -> bytes:
    """A PNG of daily average mood; call through ``asyncio.to_thread`` (it takes tens of milliseconds)."""
    figure = Figure(figsize=(8, 3.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if daily:
        days = [date2num(day) for day, _ in daily]
        values = [value for _, value in daily]
        axes.plot(days, values, marker="o", linewidth=1.5, color="#d9822b")
    axes.set_xlim(date2num(start), date2num(end))
    axes.xaxis_date()
    axes.set_ylim(0.5, 5.5)
    axes.set_yticks(list(MOODS), [f"{n} {texts.mood_words(n)}" for n in MOODS])  # the caller's language
    axes.set_title(title)
    axes.grid(alpha=0.3)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
