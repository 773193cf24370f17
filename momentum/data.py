r"""Real data for the book's learning experiments, and the logistic loss they share.

* :class:`Dataset` and :func:`breast_cancer_split`: scikit-learn's breast-cancer data,
  split into a training and a test set and standardised with the *training* statistics
  only (scikit-learn is imported only when the data are loaded).
* :func:`sigmoid` and :func:`logistic_loss`: the two formulas that logistic regression
  (:class:`~momentum.problems.LogisticRegression`) and the network of
  :mod:`momentum.learning` both use, written once.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from momentum import _checks


class Dataset(NamedTuple):
    """Features (with a trailing bias column of ones) and 0/1 labels."""

    features: np.ndarray
    labels: np.ndarray


def sigmoid(z: np.ndarray) -> np.ndarray:
    r""":math:`\sigma(z) = 1/(1 + e^{-z}) = \tfrac12(1 + \tanh(z/2))`, written with tanh so that
    no :math:`e^{|z|}` can overflow."""
    return 0.5 * (1 + np.tanh(0.5 * z))


def logistic_loss(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Mean cross-entropy of logits :math:`z` against 0/1 labels :math:`y` over the last
    axis: :math:`\frac1n\sum_i \log(1 + e^{z_i}) - y_i z_i` (``logaddexp`` keeps it finite)."""
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


def breast_cancer_split(test_fraction: float = 0.3, seed: int = 0) -> tuple[Dataset, Dataset]:
    """The Wisconsin breast-cancer data (569 samples, 30 features, from scikit-learn) as
    ``(train, test)``.

    A seeded random ``test_fraction`` of the samples is held out; both parts keep the
    original sample order. Features are standardised with the training set's mean and
    standard deviation (the test set must not leak into them) and get a bias column, so
    a linear model has 31 parameters. ``test_fraction = 0`` gives every sample to the
    training set and an empty test set. The training set must keep at least two samples
    of each class (otherwise the standardisation is undefined).
    """
    fraction = _checks.scalar("test_fraction", _checks.in_range("test_fraction", test_fraction, 0.0, 1.0,
                                                                 low_open=False, high_open=True))
    seed = _checks.seed(seed)
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    n = data.target.size
    is_test = np.zeros(n, dtype=bool)
    is_test[np.random.default_rng(seed).permutation(n)[:round(fraction * n)]] = True
    train_x, train_y = data.data[~is_test], data.target[~is_test]
    if min(np.sum(train_y == 0), np.sum(train_y == 1)) < 2:
        raise ValueError(f"test_fraction={test_fraction!r} leaves {train_y.size} training samples; the training set "
                         "needs at least two of each class (use test_fraction <= 0.99)")
    mean, std = train_x.mean(axis=0), train_x.std(axis=0)
    if np.any(std == 0):
        raise ValueError(f"test_fraction={test_fraction!r} leaves a training set with a constant feature, "
                         "which cannot be standardised; hold out fewer samples")

    def part(rows: np.ndarray) -> Dataset:
        x = (data.data[rows] - mean) / std
        return Dataset(np.hstack([x, np.ones((x.shape[0], 1))]), data.target[rows].astype(float))

    return part(~is_test), part(is_test)
