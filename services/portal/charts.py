"""The quality chart: geometry of a radar of the six GB/T 36344 dimensions, drawn by
the dataset template as inline SVG (no script, so it shows under the strict CSP and
prints as it looks)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

DIMENSIONS = ("normativity", "completeness", "accuracy", "consistency", "timeliness",
              "accessibility")
SIZE = 320
CENTRE = SIZE / 2
RADIUS = 110
RINGS = (20, 40, 60, 80, 100)


@dataclass(frozen=True)
class Axis:
    """One dimension's spoke: its end, where its label goes, and its score's point."""

    dimension: str
    score: float | None
    end: tuple[float, float]
    label: tuple[float, float]
    anchor: str
    point: tuple[float, float]


@dataclass(frozen=True)
class Radar:
    """Everything the template needs to draw the chart."""

    size: int
    centre: float
    axes: tuple[Axis, ...]
    rings: tuple[str, ...]
    shape: str


def _at(angle: float, distance: float) -> tuple[float, float]:
    return (round(CENTRE + distance * math.cos(angle), 1),
            round(CENTRE + distance * math.sin(angle), 1))


def _polygon(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def radar(scores: Mapping[str, float | None]) -> Radar:
    """The radar of ``scores`` (0-100 by dimension; a missing score sits at the centre)."""
    axes = []
    for index, dimension in enumerate(DIMENSIONS):
        angle = -math.pi / 2 + index * 2 * math.pi / len(DIMENSIONS)
        score = scores.get(dimension)
        value = 0.0 if score is None else max(0.0, min(float(score), 100.0))
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        axes.append(Axis(dimension=dimension, score=score, end=_at(angle, RADIUS),
                         label=_at(angle, RADIUS + 18), anchor=anchor,
                         point=_at(angle, RADIUS * value / 100)))
    rings = tuple(
        _polygon([_at(-math.pi / 2 + i * 2 * math.pi / len(DIMENSIONS), RADIUS * ring / 100)
                  for i in range(len(DIMENSIONS))])
        for ring in RINGS)
    return Radar(size=SIZE, centre=CENTRE, axes=tuple(axes), rings=rings,
                 shape=_polygon([axis.point for axis in axes]))
