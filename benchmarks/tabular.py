"""Tables: do a denoising autoencoder's codes help a classifier, and does training?

(Work in progress: the control class first.)
"""

from skdae import DenoisingAutoencoder


class UntrainedAutoencoder(DenoisingAutoencoder):
    """The control for training: a ``DenoisingAutoencoder`` that never trains.

    ``fit`` builds the network exactly as ``DenoisingAutoencoder.fit`` would
    start it (``initialize``: the same layers, the same seeded initial weights)
    and fits the codes' whitening with the estimator's own ``_fit_code_map`` (the
    regularized ZCA that ``fit`` applies after training), so ``transform``
    returns the random network's codes processed exactly as the trained ones.
    """

    def fit(self, X, y=None):
        self.initialize(X)
        self._fit_code_map(X)
        return self
