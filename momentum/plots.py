"""Figures shared by several chapters (matplotlib is imported only when they are drawn)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from momentum.problems import Problem


def contour_paths(ax, problem: Problem, paths: Mapping[str, np.ndarray], xlim: tuple[float, float],
                  ylim: tuple[float, float], levels: int = 25, resolution: int = 200) -> None:
    """Draw the loss contours of a 2-D ``problem`` and one line per optimizer path.

    ``paths`` maps a legend label to parameters of shape ``(T+1, 2)`` (for example
    ``trajectory.params``). The minimiser, where known, is marked with a star.
    """
    xs, ys = np.linspace(*xlim, resolution), np.linspace(*ylim, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    loss = problem.loss(grid)
    floor = loss.min() if problem.minimizer is None else float(problem.loss(problem.minimizer))
    ax.contour(xs, ys, np.log10(loss - floor + 1e-12), levels=levels, colors="0.75", linewidths=0.7)
    for label, params in paths.items():
        ax.plot(params[:, 0], params[:, 1], ".-", markersize=3, linewidth=1.2, label=label)
    if problem.minimizer is not None:
        ax.plot(*problem.minimizer, "k*", markersize=12, label="minimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.legend(loc="best")
