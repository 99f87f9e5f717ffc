"""Charts as plain SVG built on the server: nothing to load, nothing for the CSP
to refuse, readable on an intranet and in print. Coordinates are in a 0–100 box."""

from dataclasses import dataclass


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


def polyline(points):
    """(x %, y %) pairs → the `points` attribute of an SVG polyline, y growing upwards."""
    return " ".join(f"{float(x):.2f},{100 - float(y):.2f}" for x, y in points)


BAR_HEIGHT = 40  # bar charts are 100 wide and this tall, so they read well on a wide screen


def bars(items, *, gap=2.0):
    """(label, value) pairs → bars scaled to the largest value."""
    items = list(items)
    if not items:
        return []
    top = max(float(value) for _label, value in items) or 1.0
    width = (100 - gap * (len(items) + 1)) / len(items)
    return [Bar(str(label), float(value), gap + i * (width + gap), float(value) * BAR_HEIGHT / top, width)
            for i, (label, value) in enumerate(items)]


def progress_lines(actual, expected):
    """Two polylines (actual, expected) across the weeks of a month, scaled to the larger of the two.
    The actual line stops at the last week that has begun (a week to come has no actual: None)."""
    top = float(max([*(a for a in actual if a is not None), *expected, 1]))
    step = 100 / max(len(expected), 1)

    def line(values):
        return polyline([(0, 0)] + [(step * (i + 1), float(v) * 100 / top) for i, v in enumerate(values)
                                    if v is not None])

    return line(actual), line(expected)
