"""AutoencoderImputer: a scikit-learn imputer built on DenoisingAutoencoder."""

import pickle
from functools import partial

import numpy as np
import pandas as pd
import pytest
from conftest import make_autoencoder
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError
from tiny import EAGER

from skdae import AutoencoderImputer
from skdae import impute as impute_module

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch


small = partial(make_autoencoder, epochs=3, random_state=None)


def imputer(**params):
    return AutoencoderImputer(small(), **{"random_state": 0, **params})


@pytest.fixture(scope="module")
def table():
    """Correlated columns of different scales, 20 % of entries missing."""
    rng = np.random.default_rng(0)
    latent = rng.normal(size=(200, 2))
    X = latent @ rng.normal(size=(2, 5)) + rng.normal(0, 0.1, (200, 5))
    X = X * [1, 10, 100, 0.1, 1] + [0, 5, -50, 0, 3]
    holes = X.copy()
    holes[rng.random(X.shape) < 0.2] = np.nan
    return X, holes


@pytest.fixture(scope="module")
def fitted(table):
    return imputer().fit(table[1])


def test_fills_every_missing_entry_and_keeps_observed_ones(fitted, table):
    _, holes = table
    before = holes.copy()
    out = fitted.transform(holes)
    assert out.shape == holes.shape and out.dtype == holes.dtype
    assert not np.isnan(out).any()
    observed = ~np.isnan(holes)
    np.testing.assert_array_equal(out[observed], holes[observed])  # bit for bit
    np.testing.assert_array_equal(holes, before)  # input never modified


def test_beats_the_column_mean_on_correlated_columns(table):
    X, holes = table
    missing = np.isnan(holes)
    trained = AutoencoderImputer(
        small(hidden_layer_sizes=(32,), epochs=40), random_state=0
    ).fit_transform(holes)
    mean = SimpleImputer().fit_transform(holes)
    scale = X.std(axis=0)
    error = np.abs((trained - X) / scale)[missing].mean()
    baseline = np.abs((mean - X) / scale)[missing].mean()
    assert error < baseline


def test_fit_transform_equals_fit_then_transform(fitted, table):
    _, holes = table
    np.testing.assert_array_equal(
        imputer().fit_transform(holes), fitted.transform(holes)
    )


def test_random_state_reproduces(table):
    _, holes = table
    first = imputer(random_state=3).fit_transform(holes)
    np.testing.assert_array_equal(first, imputer(random_state=3).fit_transform(holes))


def test_refinement_passes(fitted, table):
    _, holes = table
    assert fitted.max_iter == 0 and fitted.n_iter_ == 1
    refined = pickle.loads(pickle.dumps(fitted))
    refined.max_iter = 1  # transform reads it: one more pass over the rows
    out = refined.transform(holes)
    missing = np.isnan(holes)
    assert not np.isnan(out).any()
    assert not np.array_equal(out[missing], fitted.transform(holes)[missing])
    np.testing.assert_array_equal(out[~missing], holes[~missing])


def test_sample_posterior_draws_vary_with_random_state(table):
    _, holes = table
    model = imputer(sample_posterior=True).fit(holes)
    first = model.transform(holes)
    np.testing.assert_array_equal(first, model.transform(holes))
    other = pickle.loads(pickle.dumps(model))
    other.random_state = 1  # read again by transform for the draws
    second = other.transform(holes)
    missing = np.isnan(holes)
    assert not np.array_equal(first[missing], second[missing])
    np.testing.assert_array_equal(first[~missing], second[~missing])


def test_categorical_features_get_observed_categories(table):
    _, holes = table
    X = holes.copy()
    codes = np.random.default_rng(1).choice([0.0, 2.0, 7.0], size=len(X))
    codes[::5] = np.nan
    X[:, 1] = codes
    for categorical in ([1], [False, True, False, False, False]):
        out = imputer(categorical_features=categorical).fit_transform(X)
        assert set(np.unique(out[:, 1])) <= {0.0, 2.0, 7.0}


def test_bad_categorical_features_raise(table):
    with pytest.raises(ValueError, match="categorical_features"):
        imputer(categorical_features=[9]).fit(table[1])
    with pytest.raises(ValueError, match="boolean mask"):
        imputer(categorical_features=[True]).fit(table[1])


def test_indicator_and_feature_names(table):
    _, holes = table
    frame = pd.DataFrame(holes, columns=[f"c{i}" for i in range(5)])
    frame.iloc[:, 4] = 1.0  # no missing entry in the last column
    model = imputer(add_indicator=True).set_output(transform="pandas")
    out = model.fit_transform(frame)
    assert list(out.columns) == [
        "c0", "c1", "c2", "c3", "c4",
        "missingindicator_c0", "missingindicator_c1", "missingindicator_c2",
        "missingindicator_c3",
    ]  # fmt: skip
    np.testing.assert_array_equal(out["missingindicator_c0"], frame["c0"].isna())
    assert not out.isna().any().any()


# ----------------------------------------------------------------- bad input
def test_all_missing_column_is_dropped_or_kept_as_simple_imputer(table):
    _, holes = table
    X = holes.copy()
    X[:, 2] = np.nan
    dropped = imputer().fit(X)
    assert dropped.transform(X).shape == (len(X), 4)
    assert list(dropped.get_feature_names_out()) == ["x0", "x1", "x3", "x4"]
    kept = imputer(keep_empty_features=True).fit_transform(X)
    reference = SimpleImputer(keep_empty_features=True).fit_transform(X)
    np.testing.assert_array_equal(kept[:, 2], reference[:, 2])  # zeros
    assert not np.isnan(kept).any()


def test_all_missing_row_is_filled(fitted, table):
    _, holes = table
    X = holes[:5].copy()
    X[2] = np.nan
    assert not np.isnan(fitted.transform(X)).any()


def test_every_entry_missing_at_fit():
    X = np.full((10, 3), np.nan)
    out = imputer(keep_empty_features=True).fit_transform(X)
    np.testing.assert_array_equal(out, 0.0)
    assert imputer().fit_transform(X).shape == (10, 0)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.array([[0.0, np.inf], [1.0, 0.0]]), "infinity"),
        (np.array([["a", "b"], ["c", "d"]], dtype=object), "could not convert"),
        (np.empty((0, 2)), "0 sample"),
    ],
)
def test_bad_input_raises_a_clear_error(bad, message):
    with pytest.raises(ValueError, match=message):
        imputer().fit(bad)


def test_other_number_of_columns_at_transform(fitted, table):
    with pytest.raises(ValueError, match="features"):
        fitted.transform(table[1][:, :3])


def test_other_missing_values_placeholder(table):
    X, holes = table
    coded = np.where(np.isnan(holes), -999.0, holes)
    out = imputer(missing_values=-999.0).fit_transform(coded)
    assert not (out == -999.0).any()
    observed = ~np.isnan(holes)
    np.testing.assert_array_equal(out[observed], holes[observed])
    assert not get_tags(imputer(missing_values=-999.0)).input_tags.allow_nan
    assert get_tags(imputer()).input_tags.allow_nan


def test_invalid_parameter_is_named():
    with pytest.raises(InvalidParameterError, match="max_iter"):
        imputer(max_iter=-1).fit(np.ones((4, 2)))


# ------------------------------------------------------- scikit-learn API
def test_default_autoencoder_and_nested_params():
    model = AutoencoderImputer()
    assert model.get_params()["autoencoder"] is None
    model.set_params(autoencoder__epochs=2, autoencoder__noise__noise_factor=0.4)
    assert model.autoencoder.epochs == 2
    assert model.autoencoder.noise.noise_factor == 0.4
    assert (
        model.autoencoder.hidden_layer_sizes
        == (impute_module.DEFAULT_AUTOENCODER["hidden_layer_sizes"])
    )
    assert model.autoencoder.noise.kind == "masking"
    # the weights kept are a moving average of the last steps' (Keras' EMA)
    params = model.autoencoder.get_params()
    assert params["optimizer__use_ema"] is True
    assert params["optimizer__ema_momentum"] == 0.99
    assert model.autoencoder.epochs == 2  # set above; the default trains 200
    assert impute_module.default_autoencoder().epochs == 200


def test_default_autoencoder_keeps_the_moving_average_of_its_weights(table):
    _, holes = table
    model = AutoencoderImputer(random_state=0).set_params(
        autoencoder__epochs=2,
        autoencoder__hidden_layer_sizes=(8,),
        autoencoder__run_eagerly=EAGER,
    )
    model.fit(holes)
    optimizer = model.autoencoder_.model_.optimizer
    # Keras writes the averaged weights into the model at the end of fit
    assert optimizer.use_ema
    assert optimizer.ema_momentum == 0.99


def test_autoencoder_is_cloned_not_changed(fitted):
    assert fitted.autoencoder_ is not fitted.autoencoder
    assert not hasattr(fitted.autoencoder, "model_")
    assert fitted.autoencoder.random_state is None


def test_clone_pickle_and_pipeline(fitted, table):
    _, holes = table
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(holes), fitted.transform(holes))
    y = (np.nan_to_num(holes[:, 0]) > 0).astype(int)
    pipe = make_pipeline(imputer(), LogisticRegression())
    search = GridSearchCV(pipe, {"autoencoderimputer__max_iter": [0, 1]}, cv=2)
    search.fit(holes, y)
    assert search.score(holes, y) > 0.5
    assert clone(fitted).get_params()["max_iter"] == fitted.max_iter


def test_default_batch_size_follows_the_number_of_rows():
    size = impute_module.default_batch_size
    assert [size(n) for n in (10, 300, 1000, 4601, 20000)] == [32, 32, 128, 512, 1024]


def test_default_epochs_bound_the_gradient_steps():
    epochs = impute_module.default_epochs
    assert epochs(1000, 128) == 200  # 8 steps an epoch: 1,600 steps
    assert epochs(20_000, 1024) == 200  # letter: 20 steps an epoch, 4,000 steps
    assert epochs(200_000, 1024) == 20  # 196 steps an epoch
    assert epochs(619_326, 1024) == 6
    assert epochs(10_000_000, 1024) == 1


def test_default_autoencoder_epochs_adapt_at_fit(table, monkeypatch):
    _, holes = table
    monkeypatch.setattr(impute_module, "MAX_STEPS", 20)  # 200 rows, 7 batches an epoch
    model = AutoencoderImputer(random_state=0).set_params(
        autoencoder__hidden_layer_sizes=(8,), autoencoder__run_eagerly=EAGER
    )
    model.fit(holes)
    assert model.autoencoder_.epochs == 2
    assert len(model.autoencoder_.history_["loss"]) == 2
    assert model.autoencoder.epochs == 200  # the parameter is left as it was
    explicit = model.set_params(autoencoder__epochs=3).fit(holes)
    assert explicit.autoencoder_.epochs == 3


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, 32),  # the default's 1024 adapts to 300 rows
        ({"autoencoder__batch_size": 64}, 64),  # an explicit size is kept
    ],
)
def test_default_autoencoder_batch_size_adapts_at_fit(table, params, expected):
    _, holes = table
    model = AutoencoderImputer(random_state=0).set_params(
        autoencoder__epochs=1,
        autoencoder__hidden_layer_sizes=(8,),
        autoencoder__run_eagerly=EAGER,
        **params,
    )
    model.fit(np.vstack([holes, holes[:100]]))
    assert model.autoencoder_.batch_size == expected
    # the parameter itself is left as it was set
    assert model.autoencoder.batch_size == params.get("autoencoder__batch_size", 1024)
    explicit = AutoencoderImputer(small(batch_size=7), random_state=0).fit(holes)
    assert explicit.autoencoder_.batch_size == 7


# ------------------------------------------------------------ n_autoencoders
def test_n_models_averages_the_reconstructions_of_differently_seeded_models(table):
    _, holes = table
    model = imputer(n_autoencoders=3).fit(holes)
    assert len(model.autoencoders_) == 3
    assert model.autoencoder_ is model.autoencoders_[0]
    seeds = [member.random_state for member in model.autoencoders_]
    assert seeds[0] == 0 and len(set(seeds)) == 3  # the first is a lone model's
    out = model.transform(holes)
    missing = np.isnan(holes)
    np.testing.assert_array_equal(out[~missing], holes[~missing])
    # the mean of each member's imputation (a one-model imputer around it)
    members = []
    for member in model.autoencoders_:
        alone = pickle.loads(pickle.dumps(model))
        alone.autoencoders_ = [member]
        members.append(alone.transform(holes)[missing])
    # float32 reconstructions: equal up to rounding
    np.testing.assert_allclose(
        out[missing], np.mean(members, axis=0), rtol=1e-5, atol=1e-4
    )
    assert not np.allclose(members[0], members[1])
    # the first member is seeded as the lone autoencoder is (trained in one
    # graph with the others, it reads its own corruption: tests/test_ensemble.py)
    assert imputer(n_autoencoders=1).fit(holes).autoencoder_.random_state == seeds[0]


def test_n_models_with_sample_posterior_draws_one_model(table):
    _, holes = table
    model = imputer(n_autoencoders=2, sample_posterior=True).fit(holes)
    first = model.transform(holes)
    np.testing.assert_array_equal(first, model.transform(holes))
    assert not np.isnan(first).any()
    np.testing.assert_array_equal(first[~np.isnan(holes)], holes[~np.isnan(holes)])


def test_n_models_with_an_autoencoder_seeded_by_the_user(table):
    _, holes = table
    model = AutoencoderImputer(small(random_state=5), n_autoencoders=2).fit(holes)
    assert model.autoencoders_[0].random_state == 5
    assert model.autoencoders_[1].random_state != 5
    with pytest.raises(InvalidParameterError, match="n_autoencoders"):
        imputer(n_autoencoders=0).fit(holes)
