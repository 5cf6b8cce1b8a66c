"""Ensembles: one seeding rule, and dense members trained in one graph."""

import pickle
import warnings

import numpy as np
import pytest
from conftest import make_autoencoder

from skdae import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    ConvDenoisingAutoencoder,
    DenoisingAutoencoder,
    NoiseInjector,
)
from skdae._ensemble import (
    StackedAutoencoder,
    fit_members,
    member_seeds,
    seeded_members,
    trains_in_one_graph,
)

pytestmark = [pytest.mark.torch, pytest.mark.jax]


def _table(n=120, n_features=6, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, 2))
    mix = rng.normal(size=(2, n_features))
    return (base @ mix + 0.1 * rng.normal(size=(n, n_features))).astype(np.float32)


def _weights(autoencoder):
    return [np.asarray(w) for w in autoencoder.model_.get_weights()]


def test_member_seeds_first_is_the_lone_seed_and_the_others_differ():
    seeds = member_seeds(None, 5, 4)
    assert seeds[0] == 5
    assert len(set(seeds)) == 4
    assert member_seeds(None, 5, 4) == seeds  # reproducible
    assert member_seeds(3, 5, 2)[0] == 3  # the autoencoder's own seed first
    assert member_seeds(None, None, 3) == [None, None, None]


def test_one_graph_only_for_plain_dense_templates():
    assert trains_in_one_graph(DenoisingAutoencoder())
    assert not trains_in_one_graph(ConvDenoisingAutoencoder())
    assert not trains_in_one_graph(DenoisingAutoencoder(loss="mae"))
    assert not trains_in_one_graph(DenoisingAutoencoder(callbacks=[object()]))
    assert not trains_in_one_graph(DenoisingAutoencoder(metrics=["mae"]))


def test_the_joint_model_starts_from_each_members_own_weights():
    X = _table()
    template = make_autoencoder(hidden_layer_sizes=(8, 3))
    seeds = member_seeds(None, 0, 3)
    joint = StackedAutoencoder(**template.get_params(deep=False))
    joint._members = seeded_members(template, seeds)
    joint.initialize(X)
    stacked = joint.model_.get_weights()
    for index, seed in enumerate(seeds):
        alone = make_autoencoder(hidden_layer_sizes=(8, 3), random_state=seed)
        alone.initialize(X)
        # the networks' weights (alone's model_ also holds its whitening's)
        networks = [alone.model_.get_layer(name) for name in ("encoder", "decoder")]
        own_weights = [w for network in networks for w in network.get_weights()]
        for joint_w, own in zip(stacked, own_weights, strict=True):
            np.testing.assert_array_equal(np.asarray(joint_w)[index], own)
    assert not np.allclose(stacked[0][0], stacked[0][1])


@pytest.mark.parametrize("hidden_layer_sizes", [(8, 3), (5,)])
def test_one_graph_trains_each_member_as_it_would_train_alone(hidden_layer_sizes):
    # Without corruption and shuffling, a member's batches, gradients and Adam
    # steps are those of its lone fit: the joint model changes nothing but
    # the number of steps taken.
    X = _table()
    params = {
        "hidden_layer_sizes": hidden_layer_sizes,
        "noise": NoiseInjector(noise_factor=0.0),
        "shuffle": False,
        "epochs": 3,
        "batch_size": 32,
        "l2": 1e-3,
    }
    template = make_autoencoder(**params)
    seeds = member_seeds(None, 1, 3)
    members = fit_members(seeded_members(template, seeds), X)
    for member, seed in zip(members, seeds, strict=True):
        alone = make_autoencoder(**params, random_state=seed).fit(X)
        for joint, own in zip(_weights(member), _weights(alone), strict=True):
            np.testing.assert_allclose(joint, own, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(member.transform(X), alone.transform(X), atol=1e-4)
        assert member.n_iter_ == alone.n_iter_ == 3
    # history_: the members' mean loss
    losses = [
        make_autoencoder(**params, random_state=s).fit(X).history_["loss"]
        for s in seeds
    ]
    np.testing.assert_allclose(
        members[0].history_["loss"], np.mean(losses, axis=0), rtol=1e-4
    )


def test_members_are_corrupted_apart():
    X = _table()
    template = make_autoencoder(
        hidden_layer_sizes=(8, 3), noise=NoiseInjector(noise_factor=0.5), epochs=2
    )
    members = fit_members(seeded_members(template, [0, 0]), X)  # same seed
    # Same initial weights, same batches: only the corruption tells them apart.
    assert not np.allclose(_weights(members[0])[0], _weights(members[1])[0])


def test_the_joint_model_is_not_left_on_the_members():
    X = _table()
    members = fit_members(
        seeded_members(make_autoencoder(hidden_layer_sizes=(4,)), [0, 1]), X
    )
    for member in members:
        assert type(member) is DenoisingAutoencoder
        assert member.model_.get_layer("encoder").output.shape[1:] == (4,)
        assert member.denoise(X).shape == X.shape
    assert not any(isinstance(m, StackedAutoencoder) for m in members)


def test_members_have_no_optimizer_state_until_trained_on_their_own():
    X = _table()
    members = fit_members(
        seeded_members(make_autoencoder(hidden_layer_sizes=(5, 2)), [0, 1]), X
    )
    # The joint model's optimizer trained them: theirs holds no variables yet.
    assert not any(m.model_.optimizer.built for m in members)
    before = _weights(members[1])
    members[1].partial_fit(X)
    assert members[1].model_.optimizer.built
    assert members[1].n_iter_ == members[0].n_iter_ + 1
    assert not np.allclose(before[0], _weights(members[1])[0])


def test_pickled_ensembles_and_initialized_models_load_without_warnings():
    """A member trained in one graph has no optimizer state until pickled."""
    X = _table()
    members = fit_members(
        seeded_members(make_autoencoder(hidden_layer_sizes=(5, 2)), [0, 1]), X
    )
    untrained = make_autoencoder(hidden_layer_sizes=(3,)).initialize(X)
    with warnings.catch_warnings():
        # Keras warns when a file's optimizer holds fewer variables than the
        # model's rebuilt one (one saved before its variables were made)
        warnings.simplefilter("error", UserWarning)
        for model in (*members, untrained):
            restored = pickle.loads(pickle.dumps(model))
            np.testing.assert_allclose(restored.denoise(X), model.denoise(X))


def test_missing_entries_train_in_one_graph():
    X = _table()
    X[::3, 1] = np.nan
    members = fit_members(
        seeded_members(make_autoencoder(hidden_layer_sizes=(8,)), [0, 1]), X
    )
    for member in members:
        assert np.isfinite(member.history_["loss"]).all()
        assert np.isfinite(member.denoise(X)).all()


def test_detector_random_state_reproduces_its_scores():
    X = _table(200)
    ae = make_autoencoder(hidden_layer_sizes=(8, 2), random_state=None)
    scores = [
        AutoencoderOutlierDetector(ae, n_autoencoders=2, random_state=3)
        .fit(X)
        .score_samples(X)
        for _ in range(2)
    ]
    np.testing.assert_allclose(scores[0], scores[1], rtol=1e-5)
    other = AutoencoderOutlierDetector(ae, n_autoencoders=2, random_state=4)
    assert not np.allclose(other.fit(X).score_samples(X), scores[0])


def test_one_member_detector_is_the_lone_autoencoder():
    X = _table(200)
    ae = make_autoencoder(hidden_layer_sizes=(8, 2), random_state=None)
    detector = AutoencoderOutlierDetector(ae, n_autoencoders=1, random_state=7)
    detector.fit(X)
    alone = make_autoencoder(hidden_layer_sizes=(8, 2), random_state=7)
    alone.fit(detector._scaled(X))  # what the detector's autoencoder reads
    fitted = detector.autoencoder_
    for joint, own in zip(_weights(fitted), _weights(alone), strict=True):
        np.testing.assert_allclose(joint, own, rtol=1e-5, atol=1e-6)


def test_detector_and_imputer_seed_their_members_by_the_same_rule():
    X = _table(150)
    X_missing = X.copy()
    X_missing[::4, 0] = np.nan
    ae = make_autoencoder(hidden_layer_sizes=(8, 2), random_state=None)
    detector = AutoencoderOutlierDetector(
        ae, n_autoencoders=3, random_state=11, scaler=None
    ).fit(X)
    imputer = AutoencoderImputer(ae, n_autoencoders=3, random_state=11).fit(X_missing)
    expected = member_seeds(None, 11, 3)
    assert [e.autoencoder_.random_state for e in detector.estimators_] == expected
    assert [a.random_state for a in imputer.autoencoders_] == expected


def test_verbose_two_logs_the_joint_epochs(caplog):
    X = _table()
    template = make_autoencoder(hidden_layer_sizes=(4,), epochs=2, verbose=2)
    with caplog.at_level("INFO", logger="skdae"):
        fit_members(seeded_members(template, [0, 1, 2]), X)
    lines = [r.getMessage() for r in caplog.records if "epoch" in r.getMessage()]
    assert len(lines) == 2
    assert lines[0].startswith("3 DenoisingAutoencoder epoch 1/2")
