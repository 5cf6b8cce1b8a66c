"""DenoisingAutoencoder: its public API (fit, transform, inverse_transform, denoise,
score, the scikit-learn tooling), on digits and small data."""

import gc
from functools import partial

import keras
import numpy as np
import pytest
from conftest import make_autoencoder, memory_bound_off_torch, memory_mb
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skdae import DenoisingAutoencoder, NoiseInjector
from skdae.metrics import mse

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch


#: A tiny, fast, seeded autoencoder.
small = partial(make_autoencoder, hidden_layer_sizes=(16, 8), epochs=3, batch_size=64)


@pytest.fixture(scope="module")
def fitted(digits):
    X, _ = digits
    return small(epochs=5).fit(X[:600])


# --------------------------------------------------------------------- API
def test_fit_transform_inverse_denoise_shapes(fitted, digits):
    X = digits[0][:50]
    codes = fitted.transform(X)
    assert codes.shape == (50, 8)
    assert codes.dtype == np.float32
    assert fitted.inverse_transform(codes).shape == (50, 64)
    assert fitted.denoise(X).shape == (50, 64)
    assert fitted.code_shape_ == (8,)
    assert fitted.n_features_in_ == 64


def test_fitted_attributes_are_keras_models_and_history(fitted):
    assert isinstance(fitted.model_, keras.Model)
    assert isinstance(fitted.encoder_, keras.Model)
    assert isinstance(fitted.decoder_, keras.Model)
    # the encoder network of model_, then the whitening (test_code_whitening.py)
    assert fitted.encoder_.layers[:-1] == fitted.model_.get_layer("encoder").layers
    assert len(fitted.history_["loss"]) == 5 == fitted.n_iter_
    assert fitted.loss_curve_ == list(fitted.history_["loss"])
    assert fitted.device_ == "cpu"
    assert fitted.noise_.get_params() == NoiseInjector().get_params()


def test_decoder_mirrors_encoder():
    X = np.random.default_rng(0).random((64, 30)).astype("float32")
    dae = small(hidden_layer_sizes=(20, 10, 5)).fit(X)
    encoder, decoder = dae.model_.get_layer("encoder"), dae.model_.get_layer("decoder")
    assert [layer.units for layer in encoder.layers[1:]] == [20, 10, 5]
    assert [layer.units for layer in decoder.layers[1:]] == [10, 20, 30]


def test_inverse_transform_composes_to_denoise(fitted, digits):
    X = digits[0][:20]
    np.testing.assert_allclose(
        fitted.inverse_transform(fitted.transform(X)), fitted.denoise(X), atol=1e-5
    )


def test_y_is_ignored(digits):
    X, y = digits
    a = small().fit(X[:200], y[:200]).transform(X[:10])
    b = small().fit(X[:200]).transform(X[:10])
    np.testing.assert_array_equal(a, b)


def test_the_untrained_output_is_the_training_mean(digits):
    """The output bias starts at the mean (through the sigmoid), so the first
    steps learn the data rather than its average."""
    X = digits[0]
    dae = small(epochs=1, optimizer__learning_rate=0.0).fit(X)
    bias = keras.ops.convert_to_numpy(dae.decoder_.get_layer("reconstruction").bias)
    mean = np.clip(X.mean(axis=0), 1e-3, 1 - 1e-3)
    np.testing.assert_allclose(bias, np.log(mean / (1 - mean)), rtol=1e-4, atol=1e-4)
    linear = small(epochs=1, optimizer__learning_rate=0.0).fit(X * 4 - 1)
    bias = keras.ops.convert_to_numpy(linear.decoder_.get_layer("reconstruction").bias)
    np.testing.assert_allclose(bias, (X * 4 - 1).mean(axis=0), rtol=1e-4, atol=1e-4)


def test_training_reduces_the_loss_and_denoises_better_than_pca(digits):
    X = digits[0]
    X_train, X_test = X[:1400], X[1400:]
    noise = NoiseInjector(noise_factor=0.3, clip=(0, 1), random_state=0)
    noisy_test = noise.fit_transform(X_test)
    dae = DenoisingAutoencoder(
        (128, 32), noise=clone(noise), epochs=40, batch_size=32, random_state=0
    ).fit(X_train)
    pca = PCA(16).fit(noise.transform(X_train))
    dae_error = mse(X_test, dae.denoise(noisy_test))
    pca_error = mse(X_test, pca.inverse_transform(pca.transform(noisy_test)))
    assert dae_error < 0.8 * pca_error < 0.8 * mse(X_test, noisy_test)
    assert dae.history_["loss"][-1] < 0.85 * dae.history_["loss"][0]  # it trained


def test_transform_mode_denoise(fitted, digits):
    X = digits[0][:10]
    denoiser = clone(fitted).set_params(transform_mode="denoise").fit(digits[0][:600])
    np.testing.assert_allclose(denoiser.transform(X), denoiser.denoise(X))
    assert list(denoiser.get_feature_names_out()) == [f"x{i}" for i in range(64)]


def test_get_feature_names_out_for_codes(fitted):
    names = fitted.get_feature_names_out()
    assert list(names) == [f"denoisingautoencoder{i}" for i in range(8)]


def test_output_activation_auto(digits):
    X = digits[0][:200]
    assert small().fit(X).output_activation_ == "sigmoid"
    scaled = StandardScaler().fit_transform(X)
    assert small().fit(scaled).output_activation_ == "linear"
    assert small(output_activation="tanh").fit(X).output_activation_ == "tanh"


def test_penalties_add_losses(digits):
    X = digits[0][:100]
    plain = small().fit(X)
    assert not plain.model_.losses
    penalized = small(l1=1e-4, l2=1e-4, sparsity=1e-3).fit(X)
    assert len(penalized.model_.losses) >= 4  # the kernel of every Dense layer
    code = penalized.encoder_.get_layer("code")
    assert code.activity_regularizer is not None
    assert plain.encoder_.get_layer("code").activity_regularizer is None


def test_routed_optimizer_parameters(digits):
    dae = small(optimizer="sgd", optimizer__learning_rate=0.123).fit(digits[0][:100])
    assert isinstance(dae.model_.optimizer, keras.optimizers.SGD)
    assert float(dae.model_.optimizer.learning_rate) == pytest.approx(0.123)
    assert dae.get_params()["optimizer__learning_rate"] == 0.123
    assert clone(dae).get_params()["optimizer__learning_rate"] == 0.123


def test_user_callbacks_run(digits):
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(epoch)

    small(epochs=3, callbacks=[Record()]).fit(digits[0][:100])
    assert seen == [0, 1, 2]


# ------------------------------------------------------------- training modes
def test_paired_training_learns_noisy_to_clean(digits):
    X = digits[0][:1000]
    noise = NoiseInjector(noise_factor=0.3, clip=(0, 1), random_state=0)
    noisy = noise.fit_transform(X)
    dae = small(hidden_layer_sizes=(64, 32), epochs=20, run_eagerly=False)
    dae.fit(noisy, clean=X)
    assert mse(X, dae.denoise(noisy)) < 0.7 * mse(X, noisy)


def test_nan_loss_stops_and_raises(digits):
    X = digits[0][:100] * 1e30  # finite input whose squares overflow float32
    with pytest.raises(ValueError, match="loss became (nan|inf)"):
        small(output_activation="linear", epochs=3).fit(X)


# ---------------------------------------------------- scikit-learn tooling
def test_pipeline_with_logistic_regression(digits):
    X, y = digits
    pipe = Pipeline(
        [
            ("dae", small(hidden_layer_sizes=(64, 32), epochs=10, run_eagerly=False)),
            ("clf", LogisticRegression(max_iter=500)),
        ]
    )
    pipe.fit(X[:1200], y[:1200])
    assert pipe.score(X[1200:], y[1200:]) > 0.8


def test_cross_val_score_of_the_bare_autoencoder(digits):
    scores = cross_val_score(small(), digits[0][:300], cv=3)
    assert scores.shape == (3,) and np.all(scores < 0)


def test_set_params_noise_while_noise_is_none():
    dae = DenoisingAutoencoder().set_params(noise__noise_factor=0.3)
    assert isinstance(dae.noise, NoiseInjector) and dae.noise.noise_factor == 0.3


def test_repeated_fits_do_not_grow_memory(digits):
    X = digits[0][:200]
    dae = small(epochs=1, run_eagerly=False)
    for _ in range(5):  # warm up TensorFlow's one-off allocations
        dae.fit(X).transform(X)
    gc.collect()
    before = memory_mb("VmRSS")
    for _ in range(20):
        dae.fit(X).transform(X)
    gc.collect()
    growth = memory_mb("VmRSS") - before
    # TensorFlow keeps about 3 MB of each new Keras model's traced functions
    # (57 to 60 MB over these 20 fits; a plain keras.Sequential's fit and
    # predict_on_batch, 72 to 138 MB, measured on 2026-11-23): the bound is
    # over that, and catches what skdae would add, such as a traced predict
    # per call or data kept across fits.
    assert growth < 80, f"RSS grew by {growth:.0f} MB over 20 fits"


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "bad, message",
    [
        (np.array([[0.0, np.inf], [1.0, 0.0]]), "infinity"),
        (np.array([["a", "b"], ["c", "d"]]), "numeric"),
        (np.empty((0, 2)), "0 sample"),
        (np.array([0.5, 0.2]), "Expected 2D array"),
    ],
)
def test_bad_training_data_raises_a_clear_error(bad, message):
    with pytest.raises(ValueError, match=message):
        small().fit(bad)


@pytest.mark.parametrize(
    "params, name",
    [
        ({"hidden_layer_sizes": (8, -1)}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": ()}, "hidden_layer_sizes"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_them(params, name):
    with pytest.raises(ValueError, match=name):
        small(**params).fit(np.random.default_rng(0).random((20, 4)))


def test_verbose_2_logs_one_line_per_epoch(digits, caplog):
    with caplog.at_level("INFO", logger="skdae"):
        small(epochs=3, verbose=2, validation_split=0.2).fit(digits[0][:100])
    lines = [r.getMessage() for r in caplog.records if r.name == "skdae"]
    assert len(lines) == 3
    assert lines[0].startswith("DenoisingAutoencoder epoch 1/3: loss=")
    assert "val_loss=" in lines[-1]


def test_verbose_0_is_silent(digits, capsys, caplog):
    with caplog.at_level("INFO", logger="skdae"):
        small(epochs=2).fit(digits[0][:100])
    assert not [r for r in caplog.records if r.name == "skdae"]
    assert capsys.readouterr().out == ""


def test_validation_inputs_carry_a_fixed_corruption(digits):
    X = digits[0][:400]
    dae = small(epochs=1, validation_split=0.25).fit(X)
    _, validation = dae._training_batches(X, True)
    inputs, targets = validation[0]
    assert not np.allclose(inputs, targets)  # corrupted inputs, clean targets
    np.testing.assert_array_equal(validation[0][0], inputs)  # the same every epoch
    assert "val_loss" in dae.history_


def test_paired_validation_inputs_are_the_given_noisy_ones(digits):
    X = digits[0][:400]
    noisy = NoiseInjector(random_state=0).fit_transform(X)
    dae = small(epochs=1, validation_split=0.25).fit(noisy, clean=X)
    _, validation = dae._training_batches(noisy, X)
    inputs, targets = validation[0]
    rows = [np.flatnonzero((noisy == row).all(axis=1))[0] for row in inputs]
    np.testing.assert_array_equal(targets, X[rows])


@memory_bound_off_torch
def test_fit_from_a_memmap_reads_batches_not_the_whole_array(memmap_rows):
    X = memmap_rows
    dae = small(hidden_layer_sizes=(32,), epochs=1, batch_size=256, run_eagerly=False)
    for _ in range(2):  # the first fits' caches (see test_dataset.py's bound)
        dae.fit(X[:512])
    before = memory_mb("RssAnon")
    dae.fit(X).transform(X)
    growth = memory_mb("RssAnon") - before
    assert growth < 20, f"fitting a 60 MB memmap took {growth:.0f} MB of memory"
