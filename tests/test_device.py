"""Device choice: the GPU when the backend sees one, else the CPU."""

import pytest

from skdae import device

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = [pytest.mark.jax, pytest.mark.torch]


def test_cpu_is_always_available():
    assert device.resolve_device("cpu") == "cpu"


def test_auto_follows_the_gpu_count(monkeypatch):
    monkeypatch.setattr(device, "gpu_count", lambda: 0)
    assert device.resolve_device("auto") == "cpu"
    monkeypatch.setattr(device, "gpu_count", lambda: 2)
    assert device.resolve_device("auto") == "gpu"
    assert device.resolve_device("gpu") == "gpu"


def test_gpu_without_one_raises_a_clear_error(monkeypatch):
    monkeypatch.setattr(device, "gpu_count", lambda: 0)
    with pytest.raises(RuntimeError, match="sees no GPU"):
        device.resolve_device("gpu")


def test_unknown_device_raises():
    with pytest.raises(ValueError, match="device must be one of"):
        device.resolve_device("tpu")


def test_gpu_count_on_this_machine_is_an_int():
    assert isinstance(device.gpu_count(), int)


@pytest.mark.skipif(device.gpu_count() == 0, reason="no GPU visible to the backend")
def test_fit_on_the_gpu(digits):
    from skdae import DenoisingAutoencoder

    dae = DenoisingAutoencoder((8,), epochs=1, device="gpu").fit(digits[0][:100])
    assert dae.device_ == "gpu"
