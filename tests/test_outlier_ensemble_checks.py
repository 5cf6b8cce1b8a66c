"""scikit-learn's estimator contract for the detector's ensemble of autoencoders."""

from sklearn.utils.estimator_checks import parametrize_with_checks
from tiny import EAGER

from skdae import AutoencoderOutlierDetector, DenoisingAutoencoder


# Two autoencoders, as n_autoencoders="auto" trains three for the default network
# on a table; the same expected failure as the one-autoencoder detector's.
@parametrize_with_checks(
    [
        AutoencoderOutlierDetector(
            DenoisingAutoencoder(
                hidden_layer_sizes=(4,),
                epochs=1,
                batch_size=32,
                random_state=0,
                run_eagerly=EAGER,
            ),
            n_autoencoders=2,
        )
    ],
    expected_failed_checks=lambda est: {
        "check_methods_subset_invariance": (
            "the standardized score divides reconstruction errors by their "
            "training variance: float32 reconstructions differ in their last "
            "bits with the batch's size (see test_estimator_checks.py)"
        )
    },
)
def test_outlier_ensemble_contract(estimator, check):
    check(estimator)
