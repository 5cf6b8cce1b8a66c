"""Saving fitted autoencoders: the whole estimator (pickle, joblib) and the Keras
models (``.keras`` files loaded with ``safe_mode=True``), as the docs describe."""

import io
import os
import pickle
import subprocess
import sys
import textwrap

import joblib
import keras
import numpy as np
import pytest
from tiny import EAGER

from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder, NoiseInjector

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = [pytest.mark.jax, pytest.mark.torch]

TINY = {"epochs": 2, "batch_size": 64, "random_state": 0, "run_eagerly": EAGER}


@pytest.fixture(scope="module")
def flat(digits):
    return digits[0][:300]


@pytest.fixture(scope="module")
def images(digit_images):
    return digit_images[:300]


@pytest.fixture(scope="module")
def dense(flat):
    noise = NoiseInjector(noise_factor=0.2, clip=(0, 1))
    return DenoisingAutoencoder((16, 4), noise=noise, **TINY).fit(flat)


@pytest.fixture(scope="module")
def dense_raw(flat):
    noise = NoiseInjector(noise_factor=0.2, clip=(0, 1))
    return DenoisingAutoencoder((16, 4), noise=noise, whiten=False, **TINY).fit(flat)


@pytest.fixture(scope="module")
def conv(images):
    noise = NoiseInjector("masking", 0.2)
    return ConvDenoisingAutoencoder(filters=(4, 2), noise=noise, **TINY).fit(images)


@pytest.fixture(scope="module")
def conv_skip(images):
    return ConvDenoisingAutoencoder(
        filters=(4, 2), downsampling="pool", skip_connections=True, **TINY
    ).fit(images)


@pytest.fixture(params=["dense", "dense_raw", "conv"])
def fitted_and_data(request):
    data = request.getfixturevalue("images" if request.param == "conv" else "flat")
    return request.getfixturevalue(request.param), data


def _pickle_round_trip(estimator, tmp_path):
    return pickle.loads(pickle.dumps(estimator))


def _joblib_round_trip(estimator, tmp_path):
    path = tmp_path / "estimator.joblib"
    joblib.dump(estimator, path)
    return joblib.load(path)


def _joblib_compressed_round_trip(estimator, tmp_path):
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer, compress=3)
    buffer.seek(0)
    return joblib.load(buffer)


ROUND_TRIPS = [_pickle_round_trip, _joblib_round_trip, _joblib_compressed_round_trip]


@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=lambda f: f.__name__[1:-11])
def test_whole_estimator_round_trip_gives_identical_outputs(
    fitted_and_data, round_trip, tmp_path
):
    estimator, X = fitted_and_data
    restored = round_trip(estimator, tmp_path)

    assert restored is not estimator
    assert repr(restored.get_params()) == repr(estimator.get_params())
    np.testing.assert_array_equal(restored.denoise(X), estimator.denoise(X))
    codes = estimator.transform(X)
    np.testing.assert_array_equal(restored.transform(X), codes)
    np.testing.assert_array_equal(
        restored.inverse_transform(codes), estimator.inverse_transform(codes)
    )
    assert restored.score(X) == estimator.score(X)
    assert restored.history_ == estimator.history_
    assert restored.n_features_in_ == estimator.n_features_in_
    assert restored.device_ == estimator.device_
    assert restored.code_shape_ == estimator.code_shape_
    assert restored.sample_shape_ == estimator.sample_shape_
    # encoder_ and decoder_ are rebuilt on the restored model_'s own networks.
    networks = (
        restored.model_.get_layer("encoder"),
        restored.model_.get_layer("decoder"),
    )
    assert restored.encoder_.get_layer("code") is networks[0].get_layer("code")
    assert restored.decoder_.get_layer("reconstruction") is networks[1].get_layer(
        "reconstruction"
    )
    x = np.asarray(X, dtype="float32").reshape(len(X), *estimator.sample_shape_)
    np.testing.assert_allclose(
        _flat(_call(restored.encoder_, x)), codes, rtol=1e-5, atol=1e-5
    )


def test_restored_estimator_trains_on(fitted_and_data, tmp_path):
    estimator, X = fitted_and_data
    restored = _joblib_round_trip(estimator, tmp_path)
    restored.partial_fit(X)
    assert restored.n_iter_ == estimator.n_iter_ + 1
    assert len(restored.history_["loss"]) == len(estimator.history_["loss"]) + 1
    restored.set_params(warm_start=True).fit(X)  # warm start continues too
    assert restored.n_iter_ == estimator.n_iter_ + 1 + estimator.epochs
    # The original is untouched.
    np.testing.assert_array_equal(
        _pickle_round_trip(estimator, tmp_path).denoise(X), estimator.denoise(X)
    )


def _save_and_load(model, tmp_path, name):
    path = tmp_path / f"{name}.keras"
    keras.saving.save_model(model, path)
    return keras.saving.load_model(path, safe_mode=True)


def _call(model, x):
    outputs = model(x, training=False)
    return keras.tree.map_structure(keras.ops.convert_to_numpy, outputs)


def _flat(codes):
    """Codes of the Keras encoder as ``transform`` returns them: flat."""
    return np.asarray(codes).reshape(len(codes), -1)


def test_keras_files_give_the_estimators_outputs(fitted_and_data, tmp_path):
    estimator, X = fitted_and_data
    model = _save_and_load(estimator.model_, tmp_path, "model")
    encoder = _save_and_load(estimator.encoder_, tmp_path, "encoder")
    decoder = _save_and_load(estimator.decoder_, tmp_path, "decoder")

    x = np.asarray(X, dtype="float32").reshape(len(X), *estimator.sample_shape_)
    denoised = _call(model, x).reshape(X.shape)
    np.testing.assert_allclose(denoised, estimator.denoise(X), rtol=1e-5, atol=1e-6)

    # The files are the whole maps: whitened codes out of the encoder, taken
    # back by the decoder (float32 whitening: 1e-5 of transform's float64 one).
    codes = _call(encoder, x)
    assert codes.shape == (len(X), *estimator.code_shape_)
    transformed = estimator.transform(X)
    np.testing.assert_allclose(_flat(codes), transformed, rtol=1e-5, atol=1e-5)

    decoded = _call(decoder, transformed.reshape(codes.shape)).reshape(X.shape)
    np.testing.assert_allclose(
        decoded, estimator.inverse_transform(transformed), rtol=1e-5, atol=1e-5
    )


def test_keras_files_predict_what_the_estimator_returns(fitted_and_data, tmp_path):
    """Keras' own ``predict`` on the loaded files gives the estimator's outputs."""
    estimator, X = fitted_and_data
    X = X[:20]
    x = np.asarray(X, dtype="float32").reshape(len(X), *estimator.sample_shape_)
    encoder = _save_and_load(estimator.encoder_, tmp_path, "encoder")
    codes = encoder.predict(x, verbose=0)
    np.testing.assert_allclose(
        _flat(codes), estimator.transform(X), rtol=1e-5, atol=1e-5
    )
    model = _save_and_load(estimator.model_, tmp_path, "model")
    np.testing.assert_allclose(
        model.predict(x, verbose=0).reshape(X.shape), estimator.denoise(X), atol=1e-6
    )


def test_keras_file_keeps_the_noise_layer(conv, images, tmp_path):
    model = _save_and_load(conv.model_, tmp_path, "model")
    layer = model.get_layer("noise")
    assert type(layer).__name__ == "NoiseLayer"
    config = layer.get_config()
    assert config["kind"] == "masking"
    assert config["active"] is True and layer.active is True
    assert config["noise_factor"] == pytest.approx(0.2)
    x = images[:8, ..., None]
    # The identity at inference, a corruption in training.
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)), x)
    corrupted = keras.ops.convert_to_numpy(layer(x, training=True))
    assert (corrupted == 0).sum() > (x == 0).sum()


def test_keras_file_of_a_model_with_skip_connections(conv_skip, images, tmp_path):
    model = _save_and_load(conv_skip.model_, tmp_path, "model")
    encoder = _save_and_load(conv_skip.encoder_, tmp_path, "encoder")
    x = images[..., None]
    np.testing.assert_allclose(
        _call(model, x)[..., 0], conv_skip.denoise(images), rtol=1e-5, atol=1e-6
    )
    codes = _call(encoder, x)[0]  # the code, then the skipped features
    np.testing.assert_allclose(
        codes.reshape(len(x), -1), conv_skip.transform(images), rtol=1e-5, atol=1e-6
    )


def test_keras_files_load_in_a_fresh_process(dense, dense_raw, flat, tmp_path):
    """The encoder without whitening needs only Keras; the whitened encoder (its
    CodeWhitening layer) and the full model (its layers for missing entries and
    noise) need ``import skdae``, and then give the estimator's codes."""
    dense_raw.encoder_.save(tmp_path / "raw_encoder.keras")
    dense.encoder_.save(tmp_path / "encoder.keras")
    dense.model_.save(tmp_path / "model.keras")
    np.save(tmp_path / "X.npy", flat[:50])
    np.save(tmp_path / "codes.npy", dense.transform(flat[:50]))
    script = textwrap.dedent(
        """
        import sys
        import keras
        import numpy as np

        folder = sys.argv[1]
        keras.saving.load_model(folder + "/raw_encoder.keras", safe_mode=True)
        for name, layers in [
            ("encoder", ["CodeWhitening"]),
            ("model", ["FillMissing", "NoiseLayer", "CodeWhitening"]),
        ]:
            try:
                keras.saving.load_model(f"{folder}/{name}.keras", safe_mode=True)
            except Exception as exc:
                assert any(layer in str(exc) for layer in layers), exc
            else:
                raise AssertionError("loaded skdae's layers without importing skdae")
        assert "skdae" not in sys.modules
        import skdae  # noqa: F401  (registers its layers)

        keras.saving.load_model(folder + "/model.keras", safe_mode=True)
        encoder = keras.saving.load_model(folder + "/encoder.keras", safe_mode=True)
        codes = encoder.predict(np.load(folder + "/X.npy"), verbose=0)
        np.testing.assert_allclose(
            codes, np.load(folder + "/codes.npy"), rtol=1e-5, atol=1e-5
        )
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")
