"""AutoencoderOutlierDetector: an outlier detector built on the autoencoders."""

from functools import partial

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_autoencoder
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.utils import get_tags
from sklearn.utils._param_validation import InvalidParameterError

from skdae import (
    AutoencoderOutlierDetector,
    ConvDenoisingAutoencoder,
    DenoisingAutoencoder,
)
from skdae import outlier as outlier_module

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch


small = partial(make_autoencoder, epochs=3, run_eagerly=False)


def scaled(detector, X):
    """What the detector's autoencoder reads: the scaled columns, compressed."""
    z = detector.scaler_.transform(X)
    return (np.sign(z) * np.log1p(np.abs(z))).astype(np.float32)


@pytest.fixture(scope="module")
def zeros_and_others(digits):
    """Zeros of the digits for training; a test set of zeros and other digits."""
    X, y = digits
    zeros = np.flatnonzero(y == 0)
    train, test = zeros[:120], np.setdiff1d(np.arange(len(y)), zeros[:120])
    return X[train], X[test], y[test] == 0


@pytest.fixture(scope="module")
def detector(zeros_and_others):
    train, _, _ = zeros_and_others
    autoencoder = DenoisingAutoencoder((32, 8), epochs=30, random_state=0)
    # Pixels share one scale: not scaled as a table's columns would be; clean
    # training data (novelty detection): every code counts.
    return AutoencoderOutlierDetector(
        autoencoder, scaler=None, support_fraction=1.0, contamination=0.05
    ).fit(train)


def test_novelty_detection_separates_unseen_classes(detector, zeros_and_others):
    _, test, is_zero = zeros_and_others
    assert roc_auc_score(is_zero, detector.score_samples(test)) > 0.95
    predicted = detector.predict(test)
    assert (predicted[~is_zero] == -1).mean() > 0.9
    assert (predicted[is_zero] == 1).mean() > 0.8


def test_reconstruction_scores_come_from_the_autoencoder(zeros_and_others, digits):
    train, _, _ = zeros_and_others
    detector = AutoencoderOutlierDetector(small(), score_method="reconstruction").fit(
        train
    )
    assert not hasattr(detector, "error_variance_")
    X = digits[0][:200]
    scores = detector.score_samples(X)
    inputs = scaled(detector, X)
    np.testing.assert_allclose(
        scores, detector.autoencoder_.score_samples(inputs), rtol=1e-6
    )
    np.testing.assert_array_equal(
        detector.decision_function(X), scores - detector.offset_
    )
    predicted = detector.predict(X)
    assert predicted.dtype.kind == "i"
    np.testing.assert_array_equal(
        predicted, np.where(scores >= detector.offset_, 1, -1)
    )


@pytest.mark.parametrize("contamination", [0.02, 0.1, 0.5])
def test_float_contamination_flags_that_share_of_training_samples(
    zeros_and_others, contamination
):
    train, _, _ = zeros_and_others
    detector = AutoencoderOutlierDetector(small(), contamination=contamination)
    detector.fit(train)
    scores = detector.score_samples(train)
    assert detector.offset_ == np.percentile(scores, 100 * contamination)
    flagged = (detector.predict(train) == -1).mean()
    assert flagged == pytest.approx(contamination, abs=1 / len(train))


def test_auto_contamination_is_tukeys_fence_on_training_scores(zeros_and_others):
    train, _, _ = zeros_and_others
    detector = AutoencoderOutlierDetector(small()).fit(train)
    assert detector.contamination == "auto"
    scores = detector.score_samples(train)
    q1, q3 = np.percentile(scores, [25, 75])
    assert detector.offset_ == pytest.approx(q1 - 1.5 * (q3 - q1))
    errors = -scores
    q1_error, q3_error = np.percentile(errors, [25, 75])
    fence = q3_error + 1.5 * (q3_error - q1_error)
    np.testing.assert_array_equal(detector.predict(train) == -1, errors > fence + 1e-12)


def test_fit_predict_flags_planted_outliers(digits):
    X = digits[0][:400]
    planted = 1 - digits[0][400:408]  # negative images of other digits
    data = np.concatenate([X, planted])
    detector = AutoencoderOutlierDetector(
        small(epochs=10), scaler=None, support_fraction=1.0, contamination=0.02
    )  # pixels: one scale; every code (1 of the 8 flagged on JAX with 0.9)
    labels = detector.fit_predict(data)
    assert set(np.unique(labels)) == {-1, 1}
    assert np.all(labels[-8:] == -1)
    np.testing.assert_array_equal(labels, detector.predict(data))


def test_default_autoencoder_has_a_bottleneck(digits):
    detector = AutoencoderOutlierDetector()
    assert detector.autoencoder is None
    detector.set_params(autoencoder__epochs=1)  # creates the default first
    assert isinstance(detector.autoencoder, DenoisingAutoencoder)
    params = detector.get_params()
    assert params["autoencoder__hidden_layer_sizes"] == "auto"  # sized at fit
    assert params["autoencoder__epochs"] == 1
    X = np.random.default_rng(0).random((200, 784), dtype=np.float32)
    detector.fit(X)
    assert isinstance(detector.autoencoder_, DenoisingAutoencoder)
    assert detector.autoencoder_.hidden_layer_sizes == (256, 64)  # images
    assert detector.autoencoder_.code_shape_ == (64,)  # narrower than 784 inputs
    assert detector.autoencoder_.n_iter_ == 1
    assert detector.autoencoder == detector.autoencoder  # the parameter stays
    assert detector.get_params()["autoencoder__hidden_layer_sizes"] == "auto"
    assert detector.autoencoder_.activation == "relu"  # "auto", for images
    # The default trains ReLU units 50 epochs on images, tanh units 20 epochs
    # on tables, unless told.
    unfitted = AutoencoderOutlierDetector()._autoencoder()
    assert unfitted.get_params()["epochs"] == "auto"
    assert unfitted.get_params()["activation"] == "auto"
    assert outlier_module.auto_parameters(784) == {
        "hidden_layer_sizes": (256, 64),
        "activation": "relu",
        "epochs": 50,
        "batch_size": 128,
    }
    assert outlier_module.auto_parameters(6) == {
        "hidden_layer_sizes": (16, 2),
        "activation": "tanh",
        "epochs": 20,
        "batch_size": 256,
    }
    # On tables, the epochs follow a budget of about 800 steps of 256 rows.
    assert outlier_module.auto_parameters(6, 1000)["epochs"] == 20
    assert outlier_module.auto_parameters(6, 10_000)["epochs"] == 20
    assert outlier_module.auto_parameters(6, 20_480)["epochs"] == 10
    assert outlier_module.auto_parameters(6, 600_000)["epochs"] == 1
    assert outlier_module.auto_parameters(784, 600_000)["epochs"] == 50


@pytest.mark.parametrize(
    "max_samples, n_expected", [("auto", 256), (100, 100), (0.5, 150), (1.0, 300)]
)
def test_max_samples_bounds_the_rows_the_autoencoders_see(
    max_samples, n_expected, monkeypatch
):
    monkeypatch.setattr(outlier_module, "TABLE_STEPS", 1)  # "auto": 256 rows
    seen = []
    original = outlier_module.fit_members

    def spy(members, X):
        seen.append(X.shape[0])
        return original(members, X)

    monkeypatch.setattr(outlier_module, "fit_members", spy)
    X = np.random.default_rng(0).normal(size=(300, 6))
    detector = AutoencoderOutlierDetector(
        max_samples=max_samples, n_autoencoders=1, random_state=0
    )
    detector.set_params(autoencoder__epochs=2).fit(X)
    assert seen == [n_expected]
    assert detector.score_samples(X).shape == (300,)  # every row is scored
    assert detector.offset_ < np.median(detector.score_samples(X))


def test_nested_params_while_none_reach_the_fit(digits):
    detector = AutoencoderOutlierDetector()
    detector.set_params(autoencoder__epochs=1, autoencoder__hidden_layer_sizes=(8,))
    detector.fit(digits[0][:100])
    assert detector.autoencoder_.code_shape_ == (8,)
    assert detector.autoencoder_.n_iter_ == 1


def test_fitting_clones_the_autoencoder(digits):
    autoencoder = small(epochs=1)
    detector = AutoencoderOutlierDetector(autoencoder).fit(digits[0][:100])
    assert detector.autoencoder_ is not autoencoder
    assert not hasattr(autoencoder, "model_")


def test_grid_search_reaches_the_autoencoder(zeros_and_others):
    train, test, is_zero = zeros_and_others
    X = np.concatenate([train, test[:200]])
    y = np.concatenate([np.ones(len(train)), np.where(is_zero[:200], 1, -1)])
    search = GridSearchCV(
        AutoencoderOutlierDetector(small()),
        {"autoencoder__epochs": [1, 2]},
        scoring="roc_auc",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    ).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_
    assert best.autoencoder_.n_iter_ == search.best_params_["autoencoder__epochs"]


def test_conv_autoencoder_on_images(digit_images, digits):
    y = digits[1]
    detector = AutoencoderOutlierDetector(
        ConvDenoisingAutoencoder(filters=(8, 4), epochs=2, random_state=0)
    ).fit(digit_images[y == 0])
    assert detector.n_features_in_ == 64
    assert detector.predict(digit_images[:10]).shape == (10,)
    assert detector.score_samples(digit_images).shape == (len(y),)


def test_sparse_input_and_tags(digits):
    X = digits[0][:150]
    detector = AutoencoderOutlierDetector(small(epochs=1)).fit(sp.csr_matrix(X))
    np.testing.assert_allclose(
        detector.score_samples(sp.csr_matrix(X)),
        detector.score_samples(X),
        rtol=1e-5,
        atol=1e-6,
    )
    tags = get_tags(detector)
    assert tags.estimator_type == "outlier_detector"
    assert tags.input_tags.sparse
    assert not tags.target_tags.required


def test_feature_names_follow_the_last_fit(digits):
    pd = pytest.importorskip("pandas")
    X = digits[0][:100]
    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(64)])
    detector = AutoencoderOutlierDetector(small(epochs=1)).fit(frame)
    assert list(detector.feature_names_in_) == list(frame.columns)
    detector.fit(X)
    assert not hasattr(detector, "feature_names_in_")


def test_standardized_score_adds_two_distances_standardized_on_training(
    detector, zeros_and_others
):
    train, test, _ = zeros_and_others
    autoencoder = detector.autoencoder_

    def mahalanobis(codes, mean, precision):
        return np.einsum("ij,jk,ik->i", codes - mean, precision, codes - mean)

    def distances(X):
        errors = X.astype(np.float64) - autoencoder.denoise(X)
        codes = autoencoder.transform(X).astype(np.float64)
        return np.column_stack(
            [
                np.sum(errors**2 / detector.error_variance_, axis=1),
                mahalanobis(codes, detector.code_mean_, detector.code_precision_),
            ]
        )

    # The statistics are the training samples', robust to outliers among
    # them: each feature's error variance plus a small ridge; the mean
    # and covariance (its inverse, with a small ridge) of the codes.
    errors = train.astype(np.float64) - autoencoder.denoise(train)
    variance = errors.var(axis=0)
    ridge = outlier_module.ERROR_VARIANCE_RIDGE * variance.mean()
    np.testing.assert_allclose(detector.error_variance_, variance + ridge, rtol=1e-4)

    def mean_and_covariance(codes):
        covariance = np.cov(codes, rowvar=False)
        ridge = outlier_module.CODE_COVARIANCE_RIDGE * np.trace(covariance)
        return codes.mean(axis=0), covariance + ridge / len(covariance) * np.eye(
            len(covariance)
        )

    codes = autoencoder.transform(train).astype(np.float64)
    mean, covariance = mean_and_covariance(codes)
    # support_fraction=1.0: every code (see the test below for 0.9)
    np.testing.assert_allclose(detector.code_mean_, mean, atol=1e-5)
    identity = np.eye(len(covariance))
    product = detector.code_precision_ @ covariance
    np.testing.assert_allclose(product, identity, atol=1e-4)
    # 64 features, a dense autoencoder: distance_scale="auto" reads a table.
    # Each distance is divided by its median over the training samples (a
    # typical training sample scores 1 on each); the score is minus their sum.
    # (The detector decodes the codes instead of calling denoise: equal up to
    # float32 rounding.)
    np.testing.assert_array_equal(detector.distance_center_, 0.0)
    np.testing.assert_allclose(
        detector.distance_scale_, np.median(distances(train), axis=0), rtol=1e-4
    )
    ratios = distances(test) / detector.distance_scale_
    np.testing.assert_allclose(
        detector.score_samples(test), -ratios.sum(axis=1), rtol=1e-4, atol=1e-4
    )


def test_iqr_distance_scale_centres_and_spreads_alike(digits):
    X = digits[0][:150]
    detector = AutoencoderOutlierDetector(small(epochs=1), distance_scale="iqr")
    detector.fit(X)
    distances = detector._all_distances(X)
    np.testing.assert_allclose(detector.distance_center_, np.median(distances, 0))
    z = (distances - detector.distance_center_) / detector.distance_scale_
    np.testing.assert_allclose(np.median(z, axis=0), 0, atol=1e-9)
    q1, q3 = np.percentile(z, [25, 75], axis=0)
    np.testing.assert_allclose(q3 - q1, 1, rtol=1e-9)
    np.testing.assert_allclose(detector.score_samples(X), -z.sum(axis=1), rtol=1e-5)
    # "median" on the same autoencoder: the same distances, divided by medians.
    median = clone(detector).set_params(distance_scale="median").fit(X)
    np.testing.assert_allclose(
        median.distance_scale_, np.median(distances, axis=0), rtol=1e-5
    )


def test_auto_distance_scale_is_median_for_tables_iqr_for_images(digit_images):
    images = digit_images[:60]
    conv = AutoencoderOutlierDetector(
        ConvDenoisingAutoencoder(filters=(4,), epochs=1, random_state=0)
    ).fit(images)
    assert np.all(conv.distance_center_ > 0)  # centred on the medians: "iqr"
    flat = images.reshape(len(images), -1)
    table = AutoencoderOutlierDetector(small(epochs=1)).fit(flat)
    np.testing.assert_array_equal(table.distance_center_, 0.0)  # "median"
    wide = np.tile(flat, (1, 4))  # 256 features: images for "auto"
    pixels = AutoencoderOutlierDetector(small(epochs=1), scaler=None).fit(wide)
    assert np.all(pixels.distance_center_ > 0)


def test_a_distance_whose_median_is_zero_is_divided_by_its_mean():
    rng = np.random.default_rng(0)
    distances = rng.random((100, 2)) + 0.5
    distances[:60, 1] = 0.0  # most samples exactly typical: median 0
    divisor = outlier_module._typical_distance(distances)
    np.testing.assert_allclose(divisor[0], np.median(distances[:, 0]))
    np.testing.assert_allclose(divisor[1], distances[:, 1].mean())
    assert np.all(outlier_module._typical_distance(np.zeros((5, 2))) == 1.0)


def test_standardized_score_reads_chunks_of_rows(monkeypatch, digits):
    X = digits[0][:150]
    whole = AutoencoderOutlierDetector(small(epochs=1)).fit(X)
    monkeypatch.setattr(outlier_module, "INFERENCE_VALUES", 7 * X.shape[1])
    chunked = AutoencoderOutlierDetector(small(epochs=1)).fit(X)
    # Equal up to the float32 rounding of two fits (PyTorch's differ in the last
    # bits): within 1e-6 of each statistic's largest value.
    for name in outlier_module.STANDARDIZED_ATTRIBUTES + ("offset_",):
        expected = getattr(whole, name)
        np.testing.assert_allclose(
            getattr(chunked, name),
            expected,
            rtol=1e-5,
            atol=1e-6 * np.abs(expected).max(),
        )
    np.testing.assert_allclose(
        chunked.score_samples(X), whole.score_samples(X), rtol=1e-5, atol=1e-6
    )


def test_standardized_score_needs_codes_and_reconstructions(digits):
    class ScoreOnly(BaseEstimator):
        def fit(self, X, y=None):
            self.n_features_in_ = X.shape[1]
            return self

        def score_samples(self, X):
            return -np.abs(X).sum(axis=1)

    X = digits[0][:50]
    with pytest.raises(ValueError, match="needs transform and denoise"):
        AutoencoderOutlierDetector(ScoreOnly()).fit(X)
    detector = AutoencoderOutlierDetector(ScoreOnly(), score_method="reconstruction")
    assert detector.fit(X).predict(X).shape == (50,)


def test_refit_with_the_reconstruction_score_drops_the_statistics(digits):
    X = digits[0][:100]
    detector = AutoencoderOutlierDetector(small(epochs=1)).fit(X)
    assert detector.code_precision_.shape == (16, 16)
    detector.set_params(score_method="reconstruction").fit(X)
    for name in outlier_module.STANDARDIZED_ATTRIBUTES:
        assert not hasattr(detector, name)


@pytest.mark.parametrize(
    "params",
    [
        {"contamination": 0.0},
        {"contamination": 0.6},
        {"contamination": "high"},
        {"score_method": "likelihood"},
        {"distance_scale": "mad"},
        {"support_fraction": 0.0},
        {"scaler": "standard"},
        {"autoencoder": "dae"},
        {"error_weight": -1.0},
        {"error_weight": "high"},
        {"n_autoencoders": 0},
        {"n_autoencoders": 1.5},
    ],
)
def test_invalid_parameters_are_rejected_at_fit(params, digits):
    detector = clone(AutoencoderOutlierDetector(small(epochs=1))).set_params(**params)
    with pytest.raises(InvalidParameterError):
        detector.fit(digits[0][:50])


def tables(n=300, seed=0):
    """Rows of 6 correlated columns of very different scales, and 6 outliers."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 2))
    X = latent @ rng.normal(size=(2, 6)) + 0.1 * rng.normal(size=(n, 6))
    X[-6:] = rng.normal(size=(6, 6)) * 3  # off the 2-d structure
    X = X * np.array([1e-3, 1.0, 10.0, 1e3, 1e5, 0.5]) + 7.0
    return X, np.r_[np.zeros(n - 6), np.ones(6)]


def test_raw_columns_of_any_scale_are_scaled_robustly():
    X, _ = tables()
    X[:, 5] = np.where(np.arange(len(X)) % 10 == 0, 3.0, 0.0)  # interquartile 0
    detector = AutoencoderOutlierDetector(small(hidden_layer_sizes=(8, 2))).fit(X)
    scaler = detector.scaler_
    np.testing.assert_allclose(scaler.center_, np.median(X, axis=0))
    q1, q3 = np.percentile(X, [25, 75], axis=0)
    np.testing.assert_allclose(scaler.scale_[:5], (q3 - q1)[:5] / 1.3489795, rtol=1e-6)
    assert scaler.scale_[5] == pytest.approx(X[:, 5].std())  # its std instead
    # The autoencoder learns from the scaled columns, compressed as
    # sign(z) log(1 + |z|), and the scores do not depend on the columns' units.
    assert detector.autoencoder_.n_features_in_ == 6
    np.testing.assert_allclose(
        detector._scaled(X), scaled(detector, X), rtol=1e-6, atol=1e-6
    )
    z = detector.scaler_.transform(X)
    assert np.abs(z).max() > 5 > np.abs(detector._scaled(X)).max()
    rescaled = AutoencoderOutlierDetector(small(hidden_layer_sizes=(8, 2)))
    rescaled.fit(X * np.array([1e3, 1e-2, 1, 1, 1e-4, 2]))
    np.testing.assert_allclose(
        rescaled.score_samples(X * np.array([1e3, 1e-2, 1, 1, 1e-4, 2])),
        detector.score_samples(X),
        rtol=1e-3,
        atol=1e-3,
    )


def test_no_scaler_for_images_or_when_asked(digit_images, digits):
    X = digits[0][:100]
    detector = AutoencoderOutlierDetector(small(epochs=1), scaler=None).fit(X)
    assert not hasattr(detector, "scaler_")
    np.testing.assert_array_equal(
        AutoencoderOutlierDetector(small(epochs=1), score_method="reconstruction")
        .set_params(scaler=None)
        .fit(X)
        .score_samples(X),
        small(epochs=1).fit(X).score_samples(X),
    )
    conv = ConvDenoisingAutoencoder(filters=(4,), epochs=1, random_state=0)
    detector = AutoencoderOutlierDetector(conv).fit(digit_images[:50])  # "auto"
    assert not hasattr(detector, "scaler_")
    detector.set_params(scaler="robust").fit(digit_images[:50])
    assert detector.scaler_.center_.shape == (64,)  # per pixel
    assert detector.score_samples(digit_images[:5]).shape == (5,)


@pytest.mark.parametrize(
    ("n_features", "sizes"),
    [
        (2, (16, 1)),
        (3, (16, 2)),
        (6, (16, 2)),
        (21, (42, 3)),
        (64, (128, 10)),
        (784, (256, 64)),
    ],
)
def test_default_network_is_sized_from_the_features(n_features, sizes):
    assert outlier_module.default_hidden_layer_sizes(n_features) == sizes
    assert sizes[-1] < n_features  # a bottleneck


def test_default_detector_on_raw_table_beats_chance():
    X, y = tables()
    detector = AutoencoderOutlierDetector().set_params(
        autoencoder__epochs=5, autoencoder__random_state=0
    )
    scores = detector.fit(X).score_samples(X)
    assert detector.autoencoder_.hidden_layer_sizes == (16, 2)
    assert detector.autoencoder_.batch_size == 256  # "auto", for tables
    assert detector.autoencoder_.n_iter_ == 5  # as set
    assert roc_auc_score(y, -scores) > 0.8  # 0.89 on JAX, 0.5 is chance


def test_denoise_mode_autoencoder_is_scored_on_its_codes(digits):
    X = digits[0][:150]
    in_code_mode = AutoencoderOutlierDetector(small(epochs=1)).fit(X)
    in_denoise_mode = AutoencoderOutlierDetector(
        small(epochs=1, transform_mode="denoise")
    )
    in_denoise_mode.fit(X)
    assert in_denoise_mode.autoencoder.transform_mode == "denoise"  # untouched
    assert in_denoise_mode.autoencoder_.transform_mode == "code"
    assert in_denoise_mode.code_precision_.shape == (16, 16)  # codes, not pixels
    np.testing.assert_allclose(
        in_denoise_mode.score_samples(X), in_code_mode.score_samples(X), rtol=1e-5
    )


def test_errors_and_codes_come_from_one_encoding(monkeypatch, digits):
    X = digits[0][:100]
    detector = AutoencoderOutlierDetector(small(epochs=1), scaler=None).fit(X)
    expected = detector.score_samples(X)
    calls = []
    autoencoder = detector.autoencoder_
    monkeypatch.setattr(autoencoder, "denoise", lambda X: calls.append(X))
    np.testing.assert_array_equal(detector.score_samples(X), expected)
    assert not calls  # the reconstruction is the decoding of the code
    (errors, codes), *_ = detector._errors_and_codes(X)
    np.testing.assert_allclose(
        errors, X - small(epochs=1).fit(X).denoise(X), rtol=1e-4, atol=1e-5
    )
    np.testing.assert_allclose(codes, autoencoder.transform(X), rtol=1e-6)


def test_estimator_without_codes_needs_the_reconstruction_score(digits):
    from sklearn.decomposition import PCA

    X = digits[0][:100]
    detector = AutoencoderOutlierDetector(PCA(8), score_method="reconstruction")
    assert detector.fit(X).score_samples(X).shape == (100,)
    # PCA encodes (transform) and decodes (inverse_transform): the
    # standardized score works on it, its codes being PCA's components.
    standardized = AutoencoderOutlierDetector(PCA(8), scaler=None).fit(X)
    pca = standardized.autoencoder_
    np.testing.assert_allclose(
        standardized._all_distances(X)[:, 0],
        np.sum(
            (X - pca.inverse_transform(pca.transform(X))) ** 2
            / standardized.error_variance_,
            axis=1,
        ),
        rtol=1e-6,
    )

    class EncoderOnly(BaseEstimator):  # codes, but no way back
        def fit(self, X, y=None):
            return self

        def transform(self, X):
            return X[:, :2]

        def score_samples(self, X):
            return -np.abs(X).sum(axis=1)

    with pytest.raises(ValueError, match=r"needs denoise \(or inverse_transform\)"):
        AutoencoderOutlierDetector(EncoderOnly()).fit(X)
    fitted = AutoencoderOutlierDetector(EncoderOnly(), score_method="reconstruction")
    assert fitted.fit(X).n_features_in_ == 64  # the estimator has none: X's


def test_support_fraction_trims_the_codes(digits):
    X = digits[0][:150]
    whole = AutoencoderOutlierDetector(small(epochs=1)).fit(X)  # default: 1.0
    codes = whole.autoencoder_.transform(scaled(whole, X))
    np.testing.assert_allclose(whole.code_mean_, codes.mean(axis=0), atol=1e-5)
    trimmed = AutoencoderOutlierDetector(small(epochs=1), support_fraction=0.9)
    trimmed.fit(X)
    assert not np.allclose(trimmed.code_mean_, whole.code_mean_, atol=1e-5)
    # Twice: the mean of the 90% of the codes closest to the last estimate.
    codes = trimmed.autoencoder_.transform(scaled(trimmed, X)).astype(np.float64)
    kept = np.ones(len(codes), dtype=bool)
    for _ in range(3):
        covariance = np.cov(codes[kept], rowvar=False)
        ridge = 1e-6 * np.trace(covariance) / len(covariance)
        precision = np.linalg.inv(covariance + ridge * np.eye(len(covariance)))
        mean = codes[kept].mean(axis=0)
        distance = np.einsum("ij,jk,ik->i", codes - mean, precision, codes - mean)
        kept = distance <= np.percentile(distance, 90)
    np.testing.assert_allclose(trimmed.code_mean_, mean, rtol=1e-4, atol=1e-4)


def test_default_detector_on_a_table_averages_three_autoencoders():
    X, _ = tables()
    detector = AutoencoderOutlierDetector().set_params(
        autoencoder__epochs=2, autoencoder__random_state=0
    )
    detector.fit(X)
    members = detector.estimators_
    assert len(members) == outlier_module.TABLE_AUTOENCODERS == 3
    assert detector.autoencoder_ is members[0].autoencoder_
    # Seeded apart, from the autoencoder's random_state: reproducible.
    seeds = [member.autoencoder_.random_state for member in members]
    assert len(set(seeds)) == 3
    refit = clone(detector).fit(X)
    assert [member.autoencoder_.random_state for member in refit.estimators_] == seeds
    # Each member: one default autoencoder on the columns scaled once by the
    # detector, the table's error weight and distance scale resolved.
    for member in members:
        assert not hasattr(member, "scaler_")
        assert not hasattr(member, "estimators_")
        assert member.error_weight == outlier_module.TABLE_ERROR_WEIGHT == 1.5
        assert member.distance_scale == "median"
        assert member.autoencoder_.hidden_layer_sizes == (16, 2)
        assert member.autoencoder_.n_iter_ == 2
    # The score is the mean of the members' standardized scores.
    scaled_X = detector._scaled(X)
    np.testing.assert_allclose(
        detector.score_samples(X),
        np.mean([member.score_samples(scaled_X) for member in members], axis=0),
    )
    assert not hasattr(detector, "error_variance_")  # the members' own
    # A refit with one autoencoder drops the ensemble.
    detector.set_params(n_autoencoders=1).fit(X)
    assert not hasattr(detector, "estimators_")
    assert detector.error_variance_.shape == (6,)


def test_error_weight_weighs_the_reconstruction_distance(digits):
    X = digits[0][:150]
    detector = AutoencoderOutlierDetector(small(epochs=1), error_weight=2.5).fit(X)
    ratios = detector._all_distances(X) / detector.distance_scale_
    np.testing.assert_allclose(
        detector.score_samples(X), -(2.5 * ratios[:, 0] + ratios[:, 1]), rtol=1e-5
    )


def test_auto_ensemble_and_weight_are_for_the_default_network_on_tables(digits):
    # The default network (hidden_layer_sizes="auto") on a table: three
    # autoencoders, the error weighed 1.5; on images, or for a network of the
    # user's, one autoencoder and weight 1.
    default = AutoencoderOutlierDetector()
    assert (default._n_autoencoders(64), default._error_weight(64)) == (3, 1.5)
    assert (default._n_autoencoders(784), default._error_weight(784)) == (1, 1.0)
    tuned = AutoencoderOutlierDetector().set_params(autoencoder__epochs=5)
    assert (tuned._n_autoencoders(6), tuned._error_weight(6)) == (3, 1.5)
    conv = AutoencoderOutlierDetector(ConvDenoisingAutoencoder())
    assert (conv._n_autoencoders(64), conv._error_weight(64)) == (1, 1.0)
    X = digits[0][:100]
    own = AutoencoderOutlierDetector(small(epochs=1)).fit(X)
    assert not hasattr(own, "estimators_")
    assert own._error_weight(64) == 1.0


@pytest.mark.parametrize("score_method", ["standardized", "reconstruction"])
def test_an_ensemble_of_any_autoencoder_averages_its_scores(score_method, digits):
    X = digits[0][:100]
    detector = AutoencoderOutlierDetector(
        small(epochs=1, random_state=None),
        n_autoencoders=2,
        score_method=score_method,
        contamination=0.1,
    ).fit(X)
    assert len(detector.estimators_) == 2
    assert [m.autoencoder_.random_state for m in detector.estimators_] == [None] * 2
    scaled_X = detector._scaled(X)
    scores = [member.score_samples(scaled_X) for member in detector.estimators_]
    assert not np.allclose(scores[0], scores[1])  # differently initialized
    np.testing.assert_allclose(detector.score_samples(X), np.mean(scores, axis=0))
    # contamination reads the ensemble's training scores.
    assert np.mean(detector.predict(X) == -1) == pytest.approx(0.1, abs=0.02)
