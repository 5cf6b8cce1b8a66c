"""What the meta-estimators around an autoencoder share: the ``autoencoder``
parameter, with None meaning a default one, and ``autoencoder__<name>``
parameters that work while it is None."""

from __future__ import annotations

from sklearn.base import MetaEstimatorMixin


class AutoencoderMetaMixin(MetaEstimatorMixin):
    """Mixin of an estimator whose parameter ``autoencoder`` it clones and fits.

    The class sets :meth:`_default_autoencoder`, the autoencoder that
    ``autoencoder=None`` stands for.
    """

    @staticmethod
    def _default_autoencoder():
        raise NotImplementedError

    def _autoencoder(self):
        """The autoencoder parameter, with None read as the default one."""
        if self.autoencoder is None:
            return self._default_autoencoder()
        return self.autoencoder

    def set_params(self, **params):
        """Set parameters, including the autoencoder's as ``autoencoder__<name>``.

        ``autoencoder__<name>`` works also while ``autoencoder`` is None: the
        default autoencoder is created first.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
            This estimator.
        """
        nested = any(key.startswith("autoencoder__") for key in params)
        if nested and "autoencoder" not in params and self.autoencoder is None:
            self.autoencoder = self._default_autoencoder()
        return super().set_params(**params)
