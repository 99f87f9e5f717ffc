"""Charts as plain SVG built on the server: nothing to load, nothing for the CSP
to refuse, readable on an intranet and in print. Coordinates are in a 0–100 box
(bar charts 100 × BAR_HEIGHT); each chart carries its axes, its ticks with their
units and the rows of the text table shown beside it, so a screen reader and a
printout get the same figures as the picture."""

import math
from dataclasses import dataclass, field

from core.money import large_figure

BAR_HEIGHT = 40  # bar charts are 100 wide and this tall, so they read well on a wide screen
NICE_STEPS = (1, 2, 2.5, 5, 10)


@dataclass(frozen=True)
class Tick:
    value: float
    pos: float   # where on its axis, in chart units (for a y axis: from the top, as SVG draws)
    label: str


@dataclass
class Bar:
    label: str
    value: float
    x: float
    height: float
    width: float

    @property
    def y(self):
        return BAR_HEIGHT - self.height

    @property
    def centre(self):
        return self.x + self.width / 2


def nice_top(value):
    """The smallest round number (1, 2, 2.5 or 5 × 10ⁿ) at or above `value`: where an axis ends."""
    value = float(value)
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in NICE_STEPS if step * magnitude >= value - 1e-9)


def tick_label(value, unit=""):
    """A tick's text: whole numbers as the reader counts them (grouped by thousands in English,
    in 万/亿 from ten thousand in Chinese, like the figures beside the chart), else one decimal."""
    if float(value).is_integer():
        text = large_figure(int(value)) if abs(value) >= 10_000 else f"{value:,.0f}"
    else:
        text = f"{value:,.1f}"
    return f"{text}{unit}"


def _is_round(step):
    """1, 2 or 5 × 10ⁿ: steps a reader counts in without effort (not 2.5, 1.25, …)."""
    magnitude = 10 ** math.floor(math.log10(step))
    return any(math.isclose(step, n * magnitude) for n in (1, 2, 5, 10))


def axis_ticks(top, *, length, unit="", whole=False):
    """Evenly spaced ticks from 0 to `top` along an axis `length` units long, positioned from the
    top (y) as SVG draws: four or five steps, whichever makes each step a round number (for counts,
    `whole`, steps of 1 on a small axis)."""
    if whole and top <= 5:
        count = int(top)
    else:
        count = next((n for n in (4, 5, 2) if _is_round(top / n)), 4)
    return [Tick(top * i / count, length - length * i / count, tick_label(top * i / count, unit))
            for i in range(count + 1)]


@dataclass
class BarChart:
    """A bar chart with its y axis (ticks in the unit) and its table (label, value)."""

    bars: list
    ticks: list
    unit: str = ""
    value_label: str = ""
    rows: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.bars)

    def __len__(self):
        return len(self.bars)

    def __iter__(self):
        return iter(self.bars)


MAX_BAR_WIDTH = 16  # a lone bar is a bar, not a wall: a few bars are centred at this width


def axis_top(values, *, whole=False):
    """Where the value axis ends; for counts (`whole`) a small axis ends on a whole number of steps of 1."""
    largest = max(values, default=0)
    return max(1.0, float(math.ceil(largest))) if whole and largest <= 5 else nice_top(largest)


def bars(items, *, gap=2.0, top=None):
    """(label, value) pairs → bars scaled to a round axis top above the largest value."""
    items = [(str(label), float(value or 0)) for label, value in items]
    if not items:
        return []
    top = top or nice_top(max(value for _label, value in items))
    width = min((100 - gap * (len(items) + 1)) / len(items), MAX_BAR_WIDTH)
    start = (100 - len(items) * width - (len(items) - 1) * gap) / 2
    return [Bar(label, value, start + i * (width + gap), max(value, 0) * BAR_HEIGHT / top, width)
            for i, (label, value) in enumerate(items)]


def bar_chart(items, *, unit="", value_label="", whole=False):
    """(label, value) pairs → a BarChart: the bars, the y axis's ticks in `unit`, the table rows.
    `whole`: the values are counts, so the ticks are whole numbers too."""
    items = [(str(label), float(value or 0)) for label, value in items]
    top = axis_top([value for _label, value in items], whole=whole)
    ticks = axis_ticks(top, length=BAR_HEIGHT, unit=unit, whole=whole) if items else []
    return BarChart(bars(items, top=top), ticks, unit, value_label, items)


def polyline(points):
    """(x %, y %) pairs → the `points` attribute of an SVG polyline, y growing upwards."""
    return " ".join(f"{float(x):.2f},{100 - float(y):.2f}" for x, y in points)


PERCENT_TICKS = [Tick(v, 100 - v, f"{v}%") for v in range(0, 101, 20)]  # the Pareto chart's two axes


def pareto_table(curve, steps=(10, 20, 30, 50, 80, 100)):
    """The Pareto curve read at a few shares of accounts: [(share of accounts %, share of revenue %)].
    The curve's points are (cumulative % of accounts, cumulative % of revenue), largest first."""
    points = sorted((float(x), float(y)) for x, y in curve)
    table = []
    for step in steps:
        reached = [y for x, y in points if x <= step + 1e-9]
        table.append((step, round(max(reached, default=0.0), 1)))
    return table


@dataclass
class ProgressChart:
    """Actual against the pro-rata target across the weeks of a month (K-53)."""

    actual: str      # polyline points; it stops at the last week that has an actual
    expected: str
    ticks: list      # the y axis, in the measure's unit
    weeks: list      # the x axis: Tick per week end


def progress_chart(actual, expected, *, unit=""):
    """Two polylines on a 0–100 box with their axes. A week without an actual yet (None: it has
    not happened) ends the actual line instead of drawing a fall to zero."""
    known = []
    for value in actual:
        if value is None:
            break
        known.append(value)
    top = nice_top(max([float(v) for v in [*known, *expected]] or [0]))
    step = 100 / max(len(expected), 1)

    def line(values):
        return polyline([(0, 0)] + [(step * (i + 1), float(v) * 100 / top) for i, v in enumerate(values)
                                    if v is not None])

    ticks = axis_ticks(top, length=100, unit=unit)
    weeks = [Tick(i + 1, step * (i + 1), str(i + 1)) for i in range(len(expected))]
    return ProgressChart(line(known), line(expected), ticks, weeks)


def progress_lines(actual, expected):
    """The two polylines alone (actual, expected)."""
    chart = progress_chart(actual, expected)
    return chart.actual, chart.expected
