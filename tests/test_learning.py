"""Training on data: the split against its definition, the network's back-propagation
against finite differences, mini-batches against the full gradient they estimate."""

import numpy as np
import pytest
from helpers import assert_same_path, path_deviation
from hypothesis import given
from hypothesis import strategies as st
from test_problems import central_difference

import momentum as m
from momentum.learning import MiniBatch, TwoLayerNetwork, breast_cancer_split


@pytest.fixture(scope="module")
def split():
    """The 70/30 train/test split, loaded once per module (not at collection)."""
    return breast_cancer_split(test_fraction=0.3, seed=0)


def small_network(hidden=3, l2=1e-2, n=12, seed=0):
    rng = np.random.default_rng(seed)
    features = np.hstack([rng.normal(size=(n, 4)), np.ones((n, 1))])
    return TwoLayerNetwork(features, (rng.uniform(size=n) < 0.5).astype(float), hidden=hidden, l2=l2)


def test_split_holds_out_a_disjoint_test_set_standardised_with_training_statistics(split):
    train, test = split
    assert train.features.shape == (398, 31) and test.features.shape == (171, 31)
    np.testing.assert_allclose(train.features[:, :-1].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(train.features[:, :-1].std(axis=0), 1, rtol=1e-12)
    assert np.all(train.features[:, -1] == 1) and np.all(test.features[:, -1] == 1)
    # Independently rebuild the split: the test rows are a seeded permutation's first 30%,
    # and both parts are standardised with the statistics of the remaining rows.
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer().data
    test_rows = np.sort(np.random.default_rng(0).permutation(569)[:171])
    train_rows = np.setdiff1d(np.arange(569), test_rows)
    mean, std = raw[train_rows].mean(axis=0), raw[train_rows].std(axis=0)
    np.testing.assert_allclose(test.features[:, :-1], (raw[test_rows] - mean) / std, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(train.features[:, :-1], (raw[train_rows] - mean) / std, rtol=1e-12, atol=1e-12)


def test_full_data_split_is_the_logistic_regression_data_set():
    full, empty = breast_cancer_split(test_fraction=0.0)
    assert empty.features.shape == (0, 31)
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    np.testing.assert_allclose(full.features[:, :-1], (data.data - data.data.mean(0)) / data.data.std(0), rtol=1e-12)
    np.testing.assert_array_equal(full.labels, data.target)


@given(seed=st.integers(0, 2**16), hidden=st.integers(1, 4))
def test_network_gradient_matches_finite_differences(seed, hidden):
    network = small_network(hidden=hidden, seed=seed % 7)
    w = np.random.default_rng(seed).normal(0, 0.8, network.shape)
    np.testing.assert_allclose(network.grad(w), central_difference(network, w), rtol=1e-6, atol=1e-8)


def test_network_is_vectorised_over_leading_axes():
    network = small_network()
    ws = np.random.default_rng(1).normal(size=(3, 2, *network.shape))
    # Equal up to rounding relative to the values' scale: einsum may sum in a different
    # order (or through BLAS) for a stack than for one point (measured 0 ε under six
    # OpenBLAS kernels, but not guaranteed).
    assert path_deviation(network.loss(ws)[2, 1][None], network.loss(ws[2, 1])[None]) <= 32
    assert path_deviation(network.grad(ws)[2, 1][None], network.grad(ws[2, 1])[None]) <= 32
    np.testing.assert_allclose(network.accuracy(ws)[0, 1], network.accuracy(ws[0, 1]))


@pytest.mark.parametrize("make", [
    lambda X, y: m.problems.LogisticRegression(X, y, l2=0.1),
    lambda X, y: TwoLayerNetwork(X, y, hidden=3, l2=0.1),
], ids=["logistic", "network"])
def test_rows_give_the_problem_on_that_subset(make):
    network = small_network()
    X, y = network.features, network.labels
    rows = np.array([7, 2, 9, 3])
    full, subset = make(X, y), make(X[rows], y[rows])
    w = np.random.default_rng(2).normal(size=full.shape)
    np.testing.assert_allclose(full.grad(w, rows), subset.grad(w), rtol=1e-13)
    np.testing.assert_allclose(full.loss(w, rows), subset.loss(w), rtol=1e-13)


def test_hidden_layer_is_needed_for_xor():
    # Independent check that the network is more than a linear model: XOR is not
    # linearly separable, and a trained 2-unit network classifies it perfectly.
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float) * [2, 2, 1] - [1, 1, 0]
    y = np.array([0, 1, 1, 0], dtype=float)
    network = TwoLayerNetwork(X, y, hidden=2, l2=0.0)
    trained = m.run(m.HeavyBall(0.5, 0.9), network, network.initial_params(3), 2000).final
    assert network.accuracy(trained) == 1.0
    logistic = m.problems.LogisticRegression(X, y, l2=1e-3)
    assert logistic.accuracy(logistic.minimizer) <= 0.75


def test_minibatch_epoch_visits_each_sample_once_and_averages_to_the_full_gradient():
    network = small_network(n=12)
    batches = MiniBatch(network, batch_size=4, seed=5)
    w = network.initial_params(0)
    rows = [batches.next_rows() for _ in range(3)]
    assert sorted(np.concatenate(rows).tolist()) == list(range(12))
    replay = MiniBatch(network, batch_size=4, seed=5)
    np.testing.assert_allclose(np.mean([replay.grad(w) for _ in range(3)], axis=0), network.grad(w), rtol=1e-13)
    next_epoch = [batches.next_rows() for _ in range(3)]
    assert sorted(np.concatenate(next_epoch).tolist()) == list(range(12))
    assert any(not np.array_equal(a, b) for a, b in zip(rows, next_epoch, strict=True))


def test_minibatch_drops_the_incomplete_last_batch():
    batches = MiniBatch(small_network(n=10), batch_size=4, seed=0)
    assert batches.steps_per_epoch == 2
    epoch = np.concatenate([batches.next_rows() for _ in range(2)])
    assert len(set(epoch.tolist())) == 8


def test_minibatch_sgd_with_full_batches_is_gradient_descent(split):
    problem = m.problems.LogisticRegression(*split[0])
    full = MiniBatch(problem, batch_size=398, seed=0)
    w0 = np.zeros(problem.shape)
    # The batch visits the rows in a shuffled order, so sums are rounded differently:
    # equal up to rounding relative to the iterates' scale, never bit for bit.
    assert_same_path(m.run(m.HeavyBall(0.1, 0.9), full, w0, 50).params,
                     m.run(m.HeavyBall(0.1, 0.9), problem, w0, 50).params, rtol=1e-12)


def test_bad_settings_name_the_parameter():
    network = small_network()
    with pytest.raises(ValueError, match=r"batch_size must be an integer in \[1, 12\]"):
        MiniBatch(network, batch_size=13, seed=0)
    with pytest.raises(ValueError, match="hidden must be an integer >= 1"):
        TwoLayerNetwork(network.features, network.labels, hidden=0)
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0"):
        TwoLayerNetwork(network.features, network.labels, l2=-1.0)
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        TwoLayerNetwork(network.features, network.labels * 2)
    with pytest.raises(ValueError, match=r"test_fraction must lie in \[0, 1\)"):
        breast_cancer_split(test_fraction=1.0)
