"""DenoisingAutoencoder(whiten=True): codes whitened for linear models."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from skdae import DenoisingAutoencoder


def dae(**params):
    defaults = {"hidden_layer_sizes": (64,), "epochs": 3, "random_state": 0}
    return DenoisingAutoencoder(**{**defaults, **params})


@pytest.fixture(scope="module")
def fitted_pair(digits):
    X = digits[0]
    big = {"hidden_layer_sizes": (256,), "epochs": 5}
    return dae(**big).fit(X), dae(whiten=False, **big).fit(X)


def test_whitened_codes_are_centred_and_shrunk_along_dominant_directions(
    fitted_pair, digits
):
    whitened, raw = fitted_pair
    X = digits[0]
    Z, codes = whitened.transform(X), raw.transform(X)
    assert Z.dtype == np.float32 and Z.shape == codes.shape
    assert_allclose(Z.mean(axis=0), 0, atol=1e-4)
    # Same network and seed: the raw codes are the encoder's own outputs, and
    # the whitened ones are the fitted affine map of them.
    assert_allclose(
        (codes - whitened.code_mean_) @ whitened.code_whitening_, Z, atol=1e-4
    )
    # Regularized: every direction's variance ends below 1, the dominant most.
    variances = np.linalg.eigvalsh(np.cov(Z, rowvar=False))
    assert variances.max() < 1
    raw_variances = np.linalg.eigvalsh(np.cov(codes, rowvar=False))
    assert variances.max() / variances[variances > 1e-6].min() < (
        raw_variances.max() / raw_variances[raw_variances > 1e-6].min()
    )


def test_inverse_transform_undoes_the_whitening(fitted_pair, digits):
    whitened, _ = fitted_pair
    X = digits[0][:50]
    assert_allclose(
        whitened.inverse_transform(whitened.transform(X)),
        whitened.denoise(X),
        atol=1e-4,
    )


def test_whiten_false_returns_the_encoders_outputs(fitted_pair, digits):
    _, raw = fitted_pair
    assert not hasattr(raw, "code_whitening_")
    codes = raw.transform(digits[0][:20])
    assert codes.min() >= 0  # relu outputs, untouched


def test_logistic_regression_converges_on_whitened_codes(fitted_pair, digits):
    whitened, raw = fitted_pair
    X, y = digits
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LogisticRegression().fit(whitened.transform(X), y)
    with pytest.warns(ConvergenceWarning):
        LogisticRegression().fit(raw.transform(X), y)


def test_whitening_follows_each_fit(digits):
    X = digits[0]
    model = dae(epochs=1).fit(X[:300])
    first = model.code_whitening_.copy()
    model.partial_fit(X[300:900])
    assert not np.allclose(first, model.code_whitening_)
    assert_allclose(model.transform(X[300:900]).mean(axis=0), 0, atol=1e-4)


def test_whitening_reads_sparse_input_batch_by_batch(digits):
    X = digits[0][:400]
    dense_fit = dae(epochs=1).fit(X)
    sparse_fit = dae(epochs=1).fit(sp.csr_matrix(X))
    assert_allclose(sparse_fit.code_mean_, dense_fit.code_mean_, atol=1e-5)
    assert_allclose(
        sparse_fit.transform(sp.csr_matrix(X)), dense_fit.transform(X), atol=1e-4
    )


def test_constant_codes_do_not_divide_by_zero():
    X = np.zeros((40, 6), dtype=np.float32)
    model = dae(hidden_layer_sizes=(4,), epochs=1).fit(X)
    assert np.isfinite(model.code_whitening_).all()
    assert_allclose(model.transform(X), 0, atol=1e-6)


def test_a_row_is_whitened_alike_whatever_else_is_transformed_with_it(fitted_pair):
    """scikit-learn's subset and sample-order invariance, bit for bit.

    In float32, a one-row product (a matrix-vector kernel) and a many-row one
    (a matrix-matrix kernel) round differently; the whitening's product runs
    in float64, so each row's whitened code depends on that row alone.
    """
    whitened, _ = fitted_pair
    X = 3 * np.random.default_rng(0).uniform(size=(20, 64))
    together = whitened.transform(X)
    one_by_one = np.concatenate([whitened.transform(row[None]) for row in X])
    np.testing.assert_array_equal(one_by_one, together)
    order = np.random.default_rng(1).permutation(len(X))
    np.testing.assert_array_equal(whitened.transform(X[order]), together[order])
    assert_allclose(
        whitened.inverse_transform(together[:1]),
        whitened.inverse_transform(together)[:1],
        rtol=0,
        atol=0,
    )


def test_initialize_whitens_the_untrained_codes_as_fit_whitens_trained_ones(digits):
    """The untrained network's features, processed as trained ones: the control."""
    X = digits[0]
    untrained = dae(epochs=1).initialize(X)
    codes = untrained.transform(X)
    assert_allclose(codes.mean(axis=0), 0, atol=1e-4)
    raw = dae(epochs=1, whiten=False).initialize(X).transform(X)  # same weights
    expected = (raw - untrained.code_mean_) @ untrained.code_whitening_
    assert_allclose(codes, expected, atol=1e-4)
    # and fit, from the same start, refits the map on the trained codes
    trained = dae(epochs=1).fit(X)
    assert not np.allclose(trained.code_mean_, untrained.code_mean_)
