"""Inference (transform, inverse_transform, denoise, score): batches and tracing."""

import logging

import numpy as np
import pytest

from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder
from skdae._data import INFERENCE_VALUES, inference_batch_size, pad_rows

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch


def test_inference_batches_hold_a_fixed_number_of_values():
    assert inference_batch_size((784,), 128) == INFERENCE_VALUES // 784
    assert inference_batch_size((512, 512, 1), 128) == 128  # at least batch_size
    assert inference_batch_size((8, 8, 1), 64) * 64 <= INFERENCE_VALUES


def test_pad_rows_appends_zero_rows():
    batch = np.ones((3, 2, 2), dtype=np.float32)
    padded = pad_rows(batch, 4)
    assert padded.shape == (4, 2, 2) and padded.dtype == np.float32
    np.testing.assert_array_equal(padded[:3], batch)
    assert not padded[3].any()
    assert pad_rows(batch, 3) is batch


@pytest.fixture(scope="module", params=["dense", "conv"])
def fitted(request, digits, digit_images):
    if request.param == "dense":
        model = DenoisingAutoencoder((16, 8), epochs=2, random_state=0)
        return model.fit(digits[0][:300]), digits[0]
    model = ConvDenoisingAutoencoder(filters=(8, 4), epochs=2, random_state=0)
    return model.fit(digit_images[:300]), digit_images


@pytest.mark.parametrize("n_rows", [1, 5, 300, 1797])
def test_any_number_of_rows_gives_the_rows_of_the_whole(fitted, n_rows):
    """Padding short batches changes nothing in the rows returned."""
    model, X = fitted
    whole_codes, whole_denoised = model.transform(X), model.denoise(X)
    np.testing.assert_allclose(
        model.transform(X[:n_rows]), whole_codes[:n_rows], atol=1e-5
    )
    np.testing.assert_allclose(
        model.denoise(X[:n_rows]), whole_denoised[:n_rows], atol=1e-5
    )
    np.testing.assert_allclose(
        model.inverse_transform(whole_codes[:n_rows]),
        model.inverse_transform(whole_codes)[:n_rows],
        atol=1e-5,
    )


def test_inference_on_many_sizes_logs_no_retracing_warning(fitted, caplog):
    """TensorFlow's retracing warning never reaches a user of the estimators."""
    model, X = fitted
    with caplog.at_level(logging.WARNING):
        for n_rows in (7, 450, 3, 1797, 12, 100):
            codes = model.transform(X[:n_rows])
            model.inverse_transform(codes)
            model.denoise(X[:n_rows])
            model.score(X[:n_rows])
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
