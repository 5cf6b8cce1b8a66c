"""Grid searches in parallel processes: joblib's loky backend and a Dask cluster.

The search fits a tiny seeded DenoisingAutoencoder in a Pipeline on a digits
subset. Every draw of skdae is seeded from ``random_state``, so fitting in worker
processes must give the scores of fitting in this process (docs/user_guide/
scale_out.rst). Worker processes import TensorFlow, so each test takes a few
seconds of startup; the workers run one thread each, as the docs recommend.
"""

import os
import sys

import joblib
import numpy as np
import pytest
from joblib.externals.loky import get_reusable_executor
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoder

N_SAMPLES = 300
GRID = {"dae__noise__noise_factor": [0.1, 0.3]}
# Accuracy is discrete; the log loss shows any numerical difference in the codes.
SCORING = {"accuracy": "accuracy", "neg_log_loss": "neg_log_loss"}
# Keep each worker process to one thread (docs/user_guide/devices.rst, Threads).
THREAD_LIMITS = {
    "OMP_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}
# Scores of the same seeded fits in another process. Measured: bit-identical on
# TensorFlow/CPU (1 thread in the workers, 2 here); the tolerance only allows
# for thread-order round-off elsewhere.
ATOL = 1e-6


def make_search(n_jobs):
    pipe = Pipeline(
        [
            (
                "dae",
                DenoisingAutoencoder(
                    hidden_layer_sizes=(8,),
                    epochs=2,
                    batch_size=64,
                    random_state=0,
                    device="cpu",
                ),
            ),
            ("clf", LogisticRegression(max_iter=200)),
        ]
    )
    return GridSearchCV(
        pipe, GRID, scoring=SCORING, refit="accuracy", cv=2, n_jobs=n_jobs
    )


def split_scores(search):
    """Per-split test scores of every metric, shape (n_candidates, n_splits)."""
    res = search.cv_results_
    return {
        name: np.column_stack(
            [res[f"split{i}_test_{name}"] for i in range(search.n_splits_)]
        )
        for name in SCORING
    }


def check_search(search, X):
    """The search finished: 2 candidates, finite scores, a working best estimator."""
    res = search.cv_results_
    assert [p["dae__noise__noise_factor"] for p in res["params"]] == [0.1, 0.3]
    for scores in split_scores(search).values():
        assert scores.shape == (2, 2)
        assert np.isfinite(scores).all()
    assert np.isfinite(search.best_score_)
    # The grid reached the default noise (noise=None) of the estimator it cloned.
    best = search.best_params_["dae__noise__noise_factor"]
    assert search.best_estimator_["dae"].noise_.noise_factor == best
    assert search.estimator["dae"].noise is None
    codes = search.best_estimator_[:-1].transform(X[:10])
    assert codes.shape == (10, 8)
    assert np.isfinite(codes).all()
    assert search.best_estimator_.predict(X[:10]).shape == (10,)


def assert_same_results(search, reference):
    assert search.cv_results_["params"] == reference.cv_results_["params"]
    assert search.best_params_ == reference.best_params_
    expected = split_scores(reference)
    for name, scores in split_scores(search).items():
        np.testing.assert_allclose(scores, expected[name], rtol=0, atol=ATOL)


def probe_worker():
    """Run in a worker: its pid, thread limits, and whether it imported skdae."""
    return (
        os.getpid(),
        {name: os.environ.get(name) for name in THREAD_LIMITS},
        "skdae" in sys.modules,
    )


def shutdown_loky():
    """Stop joblib's reusable loky workers (spawned again on the next use)."""
    get_reusable_executor().shutdown(wait=True, kill_workers=True)


@pytest.fixture(scope="module")
def data(digits):
    X, y = digits
    return X[:N_SAMPLES], y[:N_SAMPLES]


@pytest.fixture(scope="module")
def sequential_search(data):
    """The reference: the search fitted in this process."""
    search = make_search(n_jobs=1).fit(*data)
    check_search(search, data[0])
    return search


@pytest.fixture
def fresh_loky_workers(monkeypatch):
    """Loky workers spawned now, inheriting one-thread limits; stopped after."""
    # Workers left by an earlier test would be reused with their environment.
    shutdown_loky()
    for name, value in THREAD_LIMITS.items():
        monkeypatch.setenv(name, value)
    yield
    shutdown_loky()


@pytest.fixture(scope="module")
def dask_client():
    """A local two-process Dask cluster; closed, workers included, after."""
    distributed = pytest.importorskip(
        "dask.distributed", reason="dask[distributed] is not installed"
    )
    import dask

    config = {
        # Workers import TensorFlow with the first task: be patient when busy.
        "distributed.comm.timeouts.connect": "60s",
        # Fresh interpreters (the default), whatever the user's Dask config says:
        # a forked worker would inherit this process's TensorFlow and skdae.
        "distributed.worker.multiprocessing-method": "spawn",
    }
    with dask.config.set(config):
        with distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            env=THREAD_LIMITS,
        ) as cluster:
            with distributed.Client(cluster, timeout="60s") as client:
                client.wait_for_workers(2, timeout=60)
                yield client


def test_grid_search_loky_processes_match_sequential(
    data, sequential_search, fresh_loky_workers
):
    X, y = data
    search = make_search(n_jobs=2).fit(X, y)

    check_search(search, X)
    assert_same_results(search, sequential_search)

    # The same (reused) loky workers ran with one thread each.
    probes = joblib.Parallel(n_jobs=2)(joblib.delayed(probe_worker)() for _ in range(4))
    for pid, env, _ in probes:
        assert pid != os.getpid()
        assert env == THREAD_LIMITS


def test_grid_search_dask_backend_matches_sequential(
    data, sequential_search, dask_client
):
    from dask.distributed import get_task_stream

    X, y = data
    workers = set(dask_client.scheduler_info()["workers"])
    assert len(workers) == 2
    # Nothing imported skdae on the workers before the search.
    assert not any(dask_client.run(lambda: "skdae" in sys.modules).values())

    search = make_search(n_jobs=2)
    with get_task_stream(dask_client) as tasks:
        with joblib.parallel_config(backend="dask"):
            search.fit(X, y)

    check_search(search, X)
    assert_same_results(search, sequential_search)

    # The 4 fits ran as tasks on both workers (the scheduler hands the first
    # tasks to both idle workers at once), which imported skdae to run them.
    ran_on = {task["worker"] for task in tasks.data}
    assert len(tasks.data) >= 2
    assert ran_on == workers
    probes = dask_client.run(probe_worker)
    for pid, env, imported_skdae in probes.values():
        assert pid != os.getpid()
        assert env == THREAD_LIMITS
        assert imported_skdae
