r"""Training on real data: a train/test split, a one-hidden-layer network and mini-batches.

These turn :mod:`momentum.problems`' full-batch world into the setting of deep learning,
where every step sees a different random subset of the data:

* :func:`~momentum.data.breast_cancer_split` (also importable from here): the data.
* :class:`TwoLayerNetwork`: a binary classifier with one tanh hidden layer, written in
  NumPy, whose parameters are one flat vector so that every optimizer applies unchanged.
* :class:`MiniBatch`: stochastic gradients of any finite-sum problem
  (:class:`~momentum.problems.LogisticRegression` or :class:`TwoLayerNetwork`), one
  random batch per step, every sample once per epoch.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from momentum import _checks
from momentum.data import Dataset, breast_cancer_split, logistic_loss, sigmoid

__all__ = ["Dataset", "FiniteSum", "MiniBatch", "TwoLayerNetwork", "breast_cancer_split"]


class TwoLayerNetwork:
    r"""A binary classifier with one hidden layer of :math:`h` tanh units, trained with
    L2-regularised cross-entropy.

    With features :math:`X \in \mathbb R^{n\times p}` (bias column included), the
    parameters are :math:`W \in \mathbb R^{p\times h}`, :math:`u \in \mathbb R^h` and
    :math:`c \in \mathbb R`, flattened into one vector :math:`w` in that order:

    .. math::
        a = \tanh(XW), \qquad z = a u + c, \qquad
        J(w) = \frac1n \sum_i \big(\log(1 + e^{z_i}) - y_i z_i\big) + \frac{\lambda}{2}\lVert w\rVert^2 .

    Back-propagation gives, with :math:`\delta = (\sigma(z) - y)/n`,

    .. math::
        \nabla_u J = a^\top\delta + \lambda u, \quad \nabla_c J = \textstyle\sum_i \delta_i + \lambda c,
        \quad \nabla_W J = X^\top\big((\delta u^\top) \odot (1 - a^2)\big) + \lambda W .

    The loss is not convex and has no known minimiser (``minimizer`` is ``None``).
    ``loss``, ``grad`` and :meth:`accuracy` take parameters with any leading axes;
    ``grad`` and ``loss`` also take ``rows``, the samples a mini-batch uses.
    """

    minimizer = None

    def __init__(self, features: np.ndarray, labels: np.ndarray, hidden: int = 16, l2: float = 1e-3) -> None:
        self.features, self.labels = _checks.labelled_data(features, labels)
        self.hidden = _checks.integer("hidden", hidden, 1)
        self.l2 = _checks.positive_scalar("l2", l2, allow_zero=True)
        p = self.features.shape[1]
        self.shape = (p * self.hidden + self.hidden + 1,)

    def initial_params(self, seed: int) -> np.ndarray:
        """Seeded random start: :math:`W \\sim \\mathcal N(0, 1/p)`, :math:`u \\sim
        \\mathcal N(0, 1/h)`, :math:`c = 0` (Glorot-style scaling, so tanh starts in its
        linear range)."""
        rng = np.random.default_rng(_checks.seed(seed))
        p, h = self.features.shape[1], self.hidden
        return np.concatenate([rng.normal(0, p**-0.5, p * h), rng.normal(0, h**-0.5, h), [0.0]])

    def _unpack(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p, h = self.features.shape[1], self.hidden
        return w[..., :p * h].reshape(*w.shape[:-1], p, h), w[..., p * h:-1], w[..., -1]

    def _forward(self, w: np.ndarray, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(X, u, a, z)``: the samples used, the output weights, hidden activations, logits."""
        X = self.features if rows is None else self.features[rows]
        W, u, c = self._unpack(w)
        a = np.tanh(np.einsum("np,...ph->...nh", X, W))
        return X, u, a, np.einsum("...nh,...h->...n", a, u) + c[..., None]

    def logits(self, w: np.ndarray) -> np.ndarray:
        """:math:`z`, one per sample: positive means class 1."""
        return self._forward(np.asarray(w, dtype=float), None)[3]

    def loss(self, w: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        z = self._forward(w, rows)[3]
        y = self.labels if rows is None else self.labels[rows]
        return logistic_loss(z, y) + 0.5 * self.l2 * np.sum(np.square(w), axis=-1)

    def grad(self, w: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        X, u, a, z = self._forward(w, rows)
        y = self.labels if rows is None else self.labels[rows]
        delta = (sigmoid(z) - y) / y.size  # (σ(z) - y)/n
        hidden_delta = delta[..., :, None] * u[..., None, :] * (1 - np.square(a))
        grad_W = np.einsum("np,...nh->...ph", X, hidden_delta).reshape(*w.shape[:-1], -1)
        grad_u = np.einsum("...nh,...n->...h", a, delta)
        return np.concatenate([grad_W, grad_u, delta.sum(axis=-1, keepdims=True)], axis=-1) + self.l2 * w

    def accuracy(self, w: np.ndarray) -> np.ndarray:
        """Fraction of samples classified correctly (class 1 where :math:`z > 0`)."""
        return np.mean((self.logits(w) > 0) == (self.labels == 1), axis=-1)


class FiniteSum(Protocol):
    """A loss that is an average over samples and can be evaluated on a subset."""

    labels: np.ndarray
    shape: tuple[int, ...]

    def loss(self, x: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray: ...

    def grad(self, x: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray: ...


class MiniBatch:
    r"""Mini-batch stochastic gradients of a finite-sum problem.

    Each ``grad`` call returns :math:`\nabla J_B(x)`, the gradient of the loss averaged
    over a batch :math:`B` of ``batch_size`` samples. Batches are consecutive slices of a
    seeded random permutation of the samples, reshuffled every epoch; the last
    incomplete slice of an epoch is skipped (PyTorch's ``drop_last=True``), so each epoch
    has ``n // batch_size`` steps and uses every sample at most once. Over one epoch in
    which ``batch_size`` divides ``n``, the batch gradients at a fixed point average to
    the full gradient.

    All settings of a vectorised run see the same batch at the same step (common random
    numbers), so differences between settings are not sampling noise. ``loss`` is the
    full-data loss, for monitoring. A fresh ``MiniBatch`` with the same seed replays the
    same batches.
    """

    def __init__(self, problem: FiniteSum, batch_size: int, seed: int) -> None:
        if not (hasattr(problem, "labels") and hasattr(problem, "grad")):
            raise TypeError(f"problem must be a finite-sum problem such as LogisticRegression or TwoLayerNetwork; "
                            f"got {problem!r}")
        n = problem.labels.size
        self.problem, self.batch_size = problem, _checks.integer("batch_size", batch_size, 1, n)
        self.seed = _checks.seed(seed)
        self.shape = problem.shape
        self.steps_per_epoch = n // self.batch_size
        self._rng = np.random.default_rng(self.seed)
        self._batches: list[np.ndarray] = []

    def next_rows(self) -> np.ndarray:
        """The sample indices of the next batch."""
        if not self._batches:
            order = self._rng.permutation(self.problem.labels.size)
            self._batches = list(order[:self.steps_per_epoch * self.batch_size].reshape(self.steps_per_epoch, -1))
        return self._batches.pop(0)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.problem.grad(x, self.next_rows())

    def loss(self, x: np.ndarray) -> np.ndarray:
        return self.problem.loss(x)

    @property
    def minimizer(self) -> np.ndarray | None:
        return self.problem.minimizer
