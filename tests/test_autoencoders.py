"""What both autoencoders share, tested once on each (as scikit-learn tests
MLPClassifier and MLPRegressor together): training modes, scikit-learn tooling,
bad input and the public surface. What is specific to one model lives in
tests/test_dense.py or tests/test_conv.py; saving lives in tests/test_saving.py.

Each case is a tiny seeded model on digits: flat (n, 64) rows for
DenoisingAutoencoder, (n, 8, 8) images for ConvDenoisingAutoencoder. Tests that
need 2-D input (sparse matrices, DataFrames) give the convolutional model flat
rows with ``image_shape=(8, 8)``.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from tiny import EAGER

from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder, NoiseInjector
from skdae.metrics import make_denoising_scorer, mse

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = [pytest.mark.jax, pytest.mark.torch]


@dataclass(frozen=True)
class Case:
    """One autoencoder class with its tiny defaults and its input layout."""

    cls: type
    defaults: dict
    flat_params: dict  # what lets the model read flat (n, 64) rows
    specific: dict  # non-default architecture parameters, for clone tests
    n_codes: int  # code width of the defaults on 8x8 digits
    flat_sample_shape: tuple  # how the model reads flat rows given flat_params

    def make(self, **params):
        return self.cls(**{**self.defaults, **params})

    def layout(self, X_flat):
        """Flat digits in the layout this model is fitted on in these tests."""
        if self.cls is ConvDenoisingAutoencoder:
            return X_flat.reshape(len(X_flat), 8, 8)
        return X_flat

    @property
    def name(self):
        return self.cls.__name__


CASES = {
    "dense": Case(
        DenoisingAutoencoder,
        {
            "hidden_layer_sizes": (16, 8),
            "epochs": 3,
            "batch_size": 64,
            "random_state": 0,
            "run_eagerly": EAGER,
        },
        flat_params={},
        specific={"hidden_layer_sizes": (16, 8), "activation": "tanh"},
        n_codes=8,
        flat_sample_shape=(64,),
    ),
    "conv": Case(
        ConvDenoisingAutoencoder,
        {
            "filters": (4, 2),
            "epochs": 1,
            "batch_size": 64,
            "random_state": 0,
            "run_eagerly": EAGER,
        },
        flat_params={"image_shape": (8, 8)},
        specific={
            "image_shape": (8, 8),
            "filters": (8, 4),
            "kernel_size": 5,
            "downsampling": "pool",
            "skip_connections": True,
        },
        n_codes=8,  # 8x8 -> 4x4 -> 2x2, 2 filters
        flat_sample_shape=(8, 8, 1),
    ),
}


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    return CASES[request.param]


@pytest.fixture(scope="module")
def X(case, digits):
    """300 digits in the case's layout."""
    return np.ascontiguousarray(case.layout(digits[0][:300]))


@pytest.fixture(scope="module")
def fitted(case, X):
    """A tiny model fitted on ``X``; tests must not change it."""
    return case.make().fit(X)


# ------------------------------------------------------------ public surface
def test_initialize_builds_the_model_fit_would_without_training(case, X):
    estimator = case.make()
    assert estimator.initialize(X) is estimator
    assert estimator.n_features_in_ == 64
    assert not hasattr(estimator, "history_") and not hasattr(estimator, "n_iter_")
    # The same weights as a fit that cannot move them (learning rate 0).
    frozen = case.make(epochs=1, optimizer__learning_rate=0.0).fit(X)
    np.testing.assert_allclose(
        estimator.denoise(X[:20]), frozen.denoise(X[:20]), rtol=1e-6, atol=1e-6
    )
    assert estimator.transform(X[:5]).shape == (5, case.n_codes)
    # and the model trains on from there, or afresh
    estimator.partial_fit(X)
    assert estimator.n_iter_ == 1
    assert estimator.initialize(X).fit(X).n_iter_ == case.defaults["epochs"]


def test_initialize_validates_like_fit(case):
    with pytest.raises(ValueError, match="epochs"):
        case.make(epochs=0).initialize(np.zeros((4, 8, 8)))
    with pytest.raises(ValueError, match="infinity"):  # NaN is a missing entry
        case.make().initialize(case.layout(np.full((4, 64), np.inf)))


def test_predict_routing_is_refused_with_a_clear_error(case, X):
    with pytest.raises(ValueError, match="predict__batch_size.*inference"):
        case.make(predict__batch_size=10).fit(X)
    with pytest.raises(ValueError, match="predict__verbose.*inference"):
        case.make().set_params(predict__verbose=1)
    # the other routes stay
    estimator = case.make().set_params(
        fit__validation_freq=2, optimizer__learning_rate=0.01
    )
    assert estimator.get_params()["optimizer__learning_rate"] == 0.01


def test_inverse_transform_exists_only_when_it_can_work(case, fitted, X):
    assert hasattr(case.make(), "inverse_transform")
    assert hasattr(fitted, "inverse_transform")
    denoiser = case.make(transform_mode="denoise")
    assert not hasattr(denoiser, "inverse_transform")
    with pytest.raises(AttributeError, match="inverse_transform"):
        denoiser.inverse_transform(np.zeros((2, case.n_codes)))
    assert hasattr(denoiser.set_params(transform_mode="code"), "inverse_transform")


def test_no_predict_method(fitted):
    assert not hasattr(fitted, "predict")


# ---------------------------------------------------------- training modes
def test_warm_start_continues_training(case, X):
    estimator = case.make(epochs=2, warm_start=True).fit(X)
    model = estimator.model_
    weights = [w.copy() for w in model.get_weights()]
    estimator.fit(X)
    assert estimator.model_ is model
    assert len(estimator.history_["loss"]) == 4 == estimator.n_iter_
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(weights, estimator.model_.get_weights(), strict=True)
    )


def test_without_warm_start_refit_starts_over(case, X):
    estimator = case.make(epochs=2).fit(X)
    first = estimator.model_
    estimator.fit(X)
    assert estimator.model_ is not first
    assert len(estimator.history_["loss"]) == 2


def test_partial_fit_trains_one_epoch_per_call(case, X):
    estimator = case.make().partial_fit(X)
    model = estimator.model_
    estimator.partial_fit(X)
    assert estimator.model_ is model
    assert len(estimator.history_["loss"]) == 2 == estimator.n_iter_


def test_early_stopping_with_validation_split(case, X):
    estimator = case.make(
        epochs=200,
        early_stopping=True,
        validation_split=0.2,
        n_iter_no_change=2,
        tol=0.5,  # nothing improves by this much: stops after the patience
    ).fit(X)
    assert "val_loss" in estimator.history_
    assert len(estimator.history_["val_loss"]) == len(estimator.history_["loss"])
    assert estimator.n_iter_ == 3


def test_early_stopping_without_validation_monitors_loss(case, X):
    estimator = case.make(epochs=200, early_stopping=True, n_iter_no_change=1, tol=1.0)
    estimator.fit(X[:100])
    assert estimator.n_iter_ == 2 and "val_loss" not in estimator.history_


def test_paired_training_learns_the_clean_targets(case, X):
    noisy = X
    clean = 1 - X  # a target the model could not reach by reconstructing X
    estimator = case.make(epochs=3, batch_size=32).fit(noisy, clean=clean)
    assert estimator.loss_curve_[-1] < estimator.loss_curve_[0]
    assert estimator.model_.get_layer("noise").active is False  # no synthetic noise
    output = estimator.denoise(noisy[:64])
    assert mse(clean[:64], output) < mse(noisy[:64], output)


def test_paired_training_adds_no_corruption_of_its_own(case, X):
    noisy = NoiseInjector(noise_factor=0.3, random_state=0).fit_transform(X)
    weak = case.make(noise=NoiseInjector(noise_factor=0.0)).fit(noisy, clean=X)
    strong = case.make(noise=NoiseInjector(noise_factor=5.0)).fit(noisy, clean=X)
    np.testing.assert_array_equal(weak.denoise(X), strong.denoise(X))
    assert strong.model_.get_layer("noise").active is False
    train_function = strong.model_.train_function
    strong.set_params(warm_start=True, epochs=1).fit(X)  # unpaired: noise back on
    assert strong.model_.get_layer("noise").active is True
    assert strong.model_.train_function is not train_function  # traced anew


def test_paired_training_checks_the_shapes(case, X):
    with pytest.raises(ValueError, match="clean must have the shape of X"):
        case.make().fit(X[:100], clean=X[:50])
    with pytest.raises(ValueError, match="clean"):
        case.make().fit(X[:64], clean=np.reshape(X[:64], (64, -1))[:, :32])


# ---------------------------------------------------- scikit-learn tooling
def test_random_state_reproduces_the_fit(case, X):
    for run_eagerly in (True, False):
        a = case.make(epochs=2, run_eagerly=run_eagerly).fit(X).transform(X)
        b = case.make(epochs=2, run_eagerly=run_eagerly).fit(X).transform(X)
        np.testing.assert_array_equal(a, b)
    other = case.make(epochs=2, random_state=1).fit(X).transform(X)
    assert not np.allclose(a, other)


def test_score_is_minus_reconstruction_mse(fitted, X):
    assert fitted.score(X[:100]) == pytest.approx(
        -mse(X[:100], fitted.denoise(X[:100])), rel=1e-5
    )


def test_set_output_pandas_on_codes(case, fitted, X):
    estimator = clone(fitted).set_output(transform="pandas").fit(X)
    codes = estimator.transform(X[:10])
    assert isinstance(codes, pd.DataFrame)
    assert codes.shape == (10, case.n_codes)
    assert list(codes.columns) == list(estimator.get_feature_names_out())
    assert list(codes.columns) == [
        f"{case.name.lower()}{i}" for i in range(case.n_codes)
    ]


def test_dataframe_input_keeps_feature_names(case, digits):
    frame = pd.DataFrame(digits[0][:200], columns=[f"pixel{i}" for i in range(64)])
    estimator = case.make(**case.flat_params).set_output(transform="pandas")
    estimator.fit(frame)
    assert list(estimator.feature_names_in_) == list(frame.columns)
    assert list(estimator.transform(frame).columns) == list(
        estimator.get_feature_names_out()
    )
    denoiser = case.make(transform_mode="denoise", **case.flat_params)
    denoiser.set_output(transform="pandas").fit(frame)
    assert list(denoiser.transform(frame).columns) == list(frame.columns)
    assert list(denoiser.get_feature_names_out()) == list(frame.columns)


def test_sparse_input_is_densified_one_batch_at_a_time(case, monkeypatch, digits):
    X = sp.csr_matrix(digits[0][:300])
    dense_rows = []
    original = sp.csr_matrix.toarray

    def spy(self, *args, **kwargs):
        dense_rows.append(self.shape[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sp.csr_matrix, "toarray", spy)
    # Inference batches and the scale check's sample, made smaller than X here.
    monkeypatch.setattr("skdae._data.INFERENCE_VALUES", 100 * 64)
    monkeypatch.setattr("skdae._scale.SAMPLE_ROWS", 50)
    estimator = case.make(batch_size=64, **case.flat_params).fit(X)
    assert estimator.sample_shape_ == case.flat_sample_shape
    # Training batches of 64 rows; after training, the dense model encodes X
    # once more (its codes' whitening) in inference batches of 100 rows.
    assert 64 in dense_rows and max(dense_rows) <= 100
    codes = estimator.transform(X)
    denoised = estimator.denoise(X)
    assert max(dense_rows) <= 100
    monkeypatch.undo()
    np.testing.assert_allclose(codes, estimator.transform(X.toarray()), atol=1e-6)
    np.testing.assert_allclose(
        denoised, estimator.denoise(X.toarray()), rtol=1e-6, atol=1e-6
    )
    assert estimator.score(X) == pytest.approx(estimator.score(X.toarray()), rel=1e-5)


def test_inputs_are_never_modified(case, X):
    X = X[:100].copy()
    X_copy = X.copy()
    estimator = case.make().fit(X)
    estimator.transform(X)
    estimator.denoise(X)
    estimator.score(X)
    estimator.score_samples(X)
    estimator.fit(X, clean=X)
    np.testing.assert_array_equal(X, X_copy)


def test_clone_keeps_params_and_drops_the_model(case, fitted):
    estimator = case.make(
        noise=NoiseInjector("masking", 0.3),
        epochs=3,
        optimizer__learning_rate=0.01,
        **case.specific,
    )
    cloned = clone(estimator)
    assert cloned is not estimator
    params, cloned_params = estimator.get_params(), cloned.get_params()
    assert cloned_params.keys() == params.keys()
    for name, value in params.items():
        if name == "noise":
            assert cloned.noise is not estimator.noise
            assert cloned.noise.get_params() == estimator.noise.get_params()
        elif not name.startswith("noise__"):
            assert cloned_params[name] == value, name
    for name, value in case.specific.items():
        assert cloned_params[name] == value, name
    assert cloned_params["optimizer__learning_rate"] == 0.01
    copy = clone(fitted)
    assert copy.get_params()["random_state"] == 0
    assert not hasattr(copy, "model_")


def test_grid_search_over_noise_factor_with_default_noise(case, X):
    estimator = case.make()
    assert estimator.noise is None
    search = GridSearchCV(
        estimator, {"noise__noise_factor": [0.1, 0.3]}, cv=2, n_jobs=1
    ).fit(X[:128])
    assert estimator.noise is None  # the searched estimator itself is untouched
    best = search.best_params_["noise__noise_factor"]
    assert best in (0.1, 0.3)
    assert search.best_estimator_.noise.noise_factor == best
    assert search.best_estimator_.noise_.noise_factor == best
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert (search.cv_results_["mean_test_score"] <= 0).all()  # minus MSE


def test_grid_search_with_the_denoising_scorer(case, X):
    scorer = make_denoising_scorer(NoiseInjector(noise_factor=0.2, clip=(0, 1)))
    search = GridSearchCV(
        case.make(),
        {"noise__kind": ["gaussian", "masking"]},
        scoring=scorer,
        cv=2,
        n_jobs=1,
    ).fit(X[:128])
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    assert (scores > 0).all()  # PSNR in dB
    assert np.isfinite(search.best_score_) and search.best_score_ > 0
    assert search.best_estimator_.denoise(X[:4]).shape == X[:4].shape


def test_device_cpu_and_gpu_without_one(case, X):
    assert case.make(device="cpu").fit(X[:64]).device_ == "cpu"
    assert case.make(device="auto").fit(X[:64]).device_ == "cpu"  # CI has no GPU
    with pytest.raises(RuntimeError, match="sees no GPU"):
        case.make(device="gpu").fit(X[:64])


# ---------------------------------------------------------------- bad input
def test_wrong_feature_count_at_transform(case, fitted):
    with pytest.raises(
        ValueError, match=f"X has 10 features, but {case.name} is expecting 64"
    ):
        fitted.transform(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="X has 63 features"):
        fitted.denoise(np.zeros((3, 63), dtype=np.float32))
    with pytest.raises(ValueError, match=f"code of {case.n_codes} features"):
        fitted.inverse_transform(np.zeros((3, 5)))


@pytest.mark.parametrize(
    "method", ["transform", "denoise", "score", "score_samples", "inverse_transform"]
)
def test_methods_before_fit_raise_not_fitted(case, method):
    with pytest.raises(NotFittedError):
        getattr(case.make(), method)(np.zeros((2, 4)))


@pytest.mark.parametrize(
    "params, name",
    [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": -5}, "batch_size"),
        ({"validation_split": 1.5}, "validation_split"),
        ({"transform_mode": "bogus"}, "transform_mode"),
        ({"device": "tpu"}, "device"),
        ({"noise": "gaussian"}, "noise"),
        ({"noise": NoiseInjector(noise_factor=-1)}, "noise_factor"),
        ({"noise": NoiseInjector(kind="speckle")}, "kind"),
        ({"bogus__x": 1}, "bogus__x"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_them(case, params, name):
    with pytest.raises(ValueError, match=name):
        case.make(**params).fit(case.layout(np.random.default_rng(0).random((20, 64))))
