"""DenoisingAutoencoder(whiten=True): codes whitened for linear models, by a
Keras layer of the fitted models, so that ``encoder_`` and ``decoder_`` (and
their ``.keras`` files) give ``transform`` and ``inverse_transform``."""

import pickle
import warnings
from functools import partial

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_autoencoder
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder
from skdae._ensemble import (
    fit_members,
    member_seeds,
    seeded_members,
    trains_in_one_graph,
)
from skdae.dense import CodeWhitening

#: ``encoder_`` and ``decoder_`` whiten in float32, ``transform`` and
#: ``inverse_transform`` in float64 (so that a row's code does not depend on
#: the rows transformed with it): they agree to this tolerance.
FLOAT32 = {"rtol": 1e-5, "atol": 1e-5}


dae = partial(make_autoencoder, hidden_layer_sizes=(64,), epochs=3)


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
    # initialize: the same network (untrained, from the same seed) for both, so
    # only the reading of the codes differs (training batches dense arrays and
    # sparse matrices differently).
    X = digits[0][:400]
    dense_fit = dae().initialize(X)
    sparse_fit = dae().initialize(sp.csr_matrix(X))
    assert_allclose(sparse_fit.code_mean_, dense_fit.code_mean_, atol=1e-5)
    assert_allclose(sparse_fit.code_whitening_, dense_fit.code_whitening_, atol=1e-5)
    assert_allclose(
        sparse_fit.transform(sp.csr_matrix(X)), dense_fit.transform(X), atol=1e-4
    )


def test_constant_codes_do_not_divide_by_zero():
    X = np.zeros((40, 6), dtype=np.float32)
    model = dae(hidden_layer_sizes=(4,), epochs=1).fit(X)
    assert np.isfinite(model.code_whitening_).all()
    assert_allclose(model.transform(X), 0, atol=1e-6)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="on JAX and PyTorch the encoder network's own float32 codes round "
    "differently for batches of different sizes (by about 1e-6), before the "
    "whitening",
)
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


# --------------------------------------------- encoder_ and decoder_ are the maps
#: Both autoencoders, with every ``whiten`` they accept (the convolutional one
#: has no whitening).
AUTOENCODERS = {
    "whitened": (DenoisingAutoencoder, {"hidden_layer_sizes": (32, 8)}),
    "raw": (DenoisingAutoencoder, {"hidden_layer_sizes": (32, 8), "whiten": False}),
    "conv": (ConvDenoisingAutoencoder, {"filters": (4, 2)}),
}


def new_autoencoder(name, **params):
    cls, own = AUTOENCODERS[name]
    return make_autoencoder(cls, batch_size=64, **{**own, **params})


def data_for(name, digits):
    X = digits[0][:300]
    return X.reshape(-1, 8, 8) if name == "conv" else X


@pytest.fixture(scope="module", params=list(AUTOENCODERS))
def fitted_and_data(request, digits):
    X = data_for(request.param, digits)
    return request.param, new_autoencoder(request.param).fit(X), X


def assert_models_give_the_estimators_outputs(estimator, X, encoder, decoder, model):
    """``encoder``, ``decoder`` and ``model`` (Keras models) give ``transform``,
    ``inverse_transform`` and ``denoise`` of ``estimator`` on ``X``."""
    x = np.asarray(X, dtype="float32").reshape(len(X), *estimator.sample_shape_)
    Z = estimator.transform(X)
    codes = encoder.predict(x, verbose=0)
    assert codes.shape == (len(X), *estimator.code_shape_)
    assert_allclose(codes.reshape(len(X), -1), Z, **FLOAT32)
    decoded = decoder.predict(Z.reshape(codes.shape), verbose=0)
    assert_allclose(decoded.reshape(X.shape), estimator.inverse_transform(Z), **FLOAT32)
    denoised = model.predict(x, verbose=0).reshape(X.shape)
    assert_allclose(denoised, estimator.denoise(X), **FLOAT32)


@pytest.mark.jax
@pytest.mark.torch
def test_encoder_and_decoder_give_transform_and_inverse_transform(fitted_and_data):
    _, estimator, X = fitted_and_data
    assert_models_give_the_estimators_outputs(
        estimator, X, estimator.encoder_, estimator.decoder_, estimator.model_
    )
    x = np.asarray(X, dtype="float32").reshape(len(X), *estimator.sample_shape_)
    through_both = estimator.decoder_(estimator.encoder_(x))
    assert_allclose(
        keras.ops.convert_to_numpy(through_both).reshape(X.shape),
        estimator.denoise(X),
        **FLOAT32,
    )


@pytest.mark.jax
@pytest.mark.torch
def test_keras_files_give_transform_and_inverse_transform(fitted_and_data, tmp_path):
    _, estimator, X = fitted_and_data
    loaded = []
    for name in ("encoder_", "decoder_", "model_"):
        path = tmp_path / f"{name}.keras"
        keras.saving.save_model(getattr(estimator, name), path)
        loaded.append(keras.saving.load_model(path, safe_mode=True))
    assert_models_give_the_estimators_outputs(estimator, X, *loaded)


@pytest.mark.jax
@pytest.mark.torch
def test_initialize_then_the_fitted_weights_gives_the_fitted_maps(
    fitted_and_data, tmp_path
):
    """The whitening's statistics are weights of ``model_``: loading a fitted
    model's weights into an initialized one loads its whitening too."""
    name, fitted, X = fitted_and_data
    expected = fitted.transform(X)

    copied = new_autoencoder(name, random_state=1).initialize(X)
    assert not np.allclose(copied.transform(X), expected)
    copied.model_.set_weights(fitted.model_.get_weights())
    np.testing.assert_array_equal(copied.transform(X), expected)
    np.testing.assert_array_equal(
        copied.inverse_transform(expected), fitted.inverse_transform(expected)
    )
    assert_models_give_the_estimators_outputs(
        fitted, X, copied.encoder_, copied.decoder_, copied.model_
    )

    path = tmp_path / "fitted.weights.h5"
    fitted.model_.save_weights(path)
    loaded = new_autoencoder(name, random_state=1).initialize(X)
    with warnings.catch_warnings():
        # the file holds the fitted optimizer's state too: it must fit
        warnings.simplefilter("error", UserWarning)
        loaded.model_.load_weights(path)
    np.testing.assert_array_equal(loaded.transform(X), expected)


def test_whitening_is_a_non_trainable_layer_between_encoder_and_decoder(fitted_pair):
    whitened, raw = fitted_pair
    layer = whitened.model_.get_layer("code_whitening")
    assert isinstance(layer, CodeWhitening)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3
    assert len(whitened.model_.trainable_weights) == len(raw.model_.trainable_weights)
    names = [layer.name for layer in whitened.model_.layers]
    assert names == [
        "input", "fill_missing", "noise", "encoder", "code_whitening", "decoder"
    ]  # fmt: skip
    assert "code_whitening" not in [layer.name for layer in raw.model_.layers]
    # encoder_ is the encoder network's layers, then the whitening; decoder_
    # the un-whitening, then the decoder network's layers: shared with model_.
    network = whitened.model_.get_layer("encoder")
    assert whitened.encoder_.layers[:-1] == network.layers
    assert whitened.encoder_.layers[-1] is layer
    network = whitened.model_.get_layer("decoder")
    assert whitened.decoder_.layers[1] is layer
    assert whitened.decoder_.layers[2:] == network.layers[1:]
    assert whitened.encoder_ is whitened.encoder_  # built once
    # Without whitening, they are model_'s networks themselves.
    assert raw.encoder_ is raw.model_.get_layer("encoder")
    assert raw.decoder_ is raw.model_.get_layer("decoder")
    # code_mean_ and code_whitening_ are the layer's weights.
    mean, whitening, coloring = layer.statistics()
    np.testing.assert_array_equal(whitened.code_mean_, mean)
    np.testing.assert_array_equal(whitened.code_whitening_, whitening)
    assert_allclose(whitening @ coloring, np.eye(len(mean)), atol=1e-4)


def test_training_is_the_same_with_and_without_whitening(fitted_pair, digits):
    """In ``model_`` the layer is the identity (whitening, then un-whitening):
    the same seed trains the same network, bit for bit."""
    whitened, raw = fitted_pair
    X = digits[0]
    assert whitened.loss_curve_ == raw.loss_curve_
    np.testing.assert_array_equal(whitened.denoise(X), raw.denoise(X))


@pytest.mark.jax
@pytest.mark.torch
def test_encoder_follows_further_training_also_after_pickling(digits):
    X = digits[0][:300]
    model = new_autoencoder("whitened").fit(X)
    before = model.encoder_.predict(X, verbose=0)
    model.partial_fit(X)
    assert not np.allclose(model.encoder_.predict(X, verbose=0), before)
    assert_allclose(model.encoder_.predict(X, verbose=0), model.transform(X), **FLOAT32)

    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.transform(X), model.transform(X))
    restored.set_params(warm_start=True).fit(X)
    assert restored.n_iter_ == model.n_iter_ + 2
    codes = restored.transform(X)
    assert not np.allclose(codes, model.transform(X))
    assert_allclose(restored.encoder_.predict(X, verbose=0), codes, **FLOAT32)
    decoded = restored.decoder_.predict(codes, verbose=0)
    assert_allclose(decoded, restored.inverse_transform(codes), **FLOAT32)


def test_encoder_whitens_under_mixed_precision(digits):
    X = digits[0][:300]
    model = new_autoencoder("whitened", precision="mixed_bfloat16").fit(X)
    assert model.model_.get_layer("code_whitening").compute_dtype == "float32"
    codes = model.encoder_.predict(X, verbose=0)
    assert codes.dtype == np.float32
    assert_allclose(codes, model.transform(X), **FLOAT32)


@pytest.mark.skipif(
    keras.backend.backend() == "torch", reason="no data_parallel on torch"
)
@pytest.mark.jax
def test_encoder_whitens_when_trained_data_parallel(digits):
    X = digits[0][:300]
    model = new_autoencoder("whitened", data_parallel=True, device="cpu").fit(X)
    assert_allclose(model.encoder_.predict(X, verbose=0), model.transform(X), **FLOAT32)
    assert_allclose(model.transform(X).mean(axis=0), 0, atol=1e-4)  # fitted


@pytest.mark.jax
@pytest.mark.torch
def test_code_whitening_layer_maps_saves_and_refuses_an_unknown_mode(rng):
    codes = rng.normal(size=(10, 3)).astype("float32")
    layer = CodeWhitening(name="whitening")
    layer.build(codes.shape)
    assert not layer.trainable and layer.compute_dtype == "float32"
    # The identity until statistics are set.
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(codes)), codes)
    A = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    layer.set_statistics(codes.mean(axis=0), A, np.linalg.inv(A))
    whitened = keras.ops.convert_to_numpy(layer(codes))
    assert_allclose(whitened, (codes - codes.mean(axis=0)) @ A, rtol=1e-5, atol=1e-5)
    unwhitened = keras.ops.convert_to_numpy(layer(whitened, mode="unwhiten"))
    assert_allclose(unwhitened, codes, rtol=1e-4, atol=1e-5)
    round_trip = layer(codes, mode="round_trip")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(round_trip), codes)

    restored = CodeWhitening.from_config(layer.get_config())
    assert restored.name == "whitening" and not restored.trainable
    assert keras.saving.get_registered_name(CodeWhitening) == "skdae>CodeWhitening"
    with pytest.raises(ValueError, match="mode must be one of"):
        layer(codes, mode="color")


def test_members_trained_in_one_graph_whiten_through_their_encoders(digits):
    """The joint model of an ensemble has no whitening; each member's model_
    gets its own, fitted on its codes."""
    X = digits[0][:300]
    template = dae(epochs=1)
    assert trains_in_one_graph(template)
    members = fit_members(seeded_members(template, member_seeds(None, 0, 2)), X)
    means = []
    for member in members:
        codes = member.transform(X)
        assert_allclose(codes.mean(axis=0), 0, atol=1e-4)
        assert_allclose(member.encoder_.predict(X, verbose=0), codes, **FLOAT32)
        means.append(member.code_mean_)
    assert not np.allclose(*means)
