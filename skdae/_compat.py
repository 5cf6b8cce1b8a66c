"""The one door to scikit-learn's private names, and small shims around them.

scikit-learn's private modules and helpers change between releases without a
deprecation cycle. This module is the only one in skdae that imports them (a
test, ``tests/test_compat.py``, holds every other module to it), so that a new
scikit-learn release is met here, once. Each private name says which public API
would replace it; what has a public equivalent is written with it, or in a few
lines of NumPy, below.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

# Row indexing of arrays, sparse matrices and DataFrames alike. In scikit-learn's
# public API documentation and in ``sklearn.utils.__all__`` despite its leading
# underscore; it would go for a public name.
from sklearn.utils import _safe_indexing as safe_indexing

# Parameter validation (``_parameter_constraints``, ``validate_params``):
# scikit-learn has no public API for it; these would go if it gained one.
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    MissingValues,
    StrOptions,
    validate_params,
)

# ``input_features`` checked against ``feature_names_in_``. Public only as the
# ``get_feature_names_out`` of ``OneToOneFeatureMixin``, which the autoencoders
# cannot inherit: their output names follow ``transform_mode``.
from sklearn.utils.validation import (
    _check_feature_names_in as check_feature_names_in,
)
from sklearn.utils.validation import validate_data

__all__ = [
    "HasMethods",
    "Interval",
    "MissingValues",
    "StrOptions",
    "check_feature_names",
    "check_feature_names_in",
    "is_scalar_nan",
    "missing_mask",
    "prefixed_feature_names_out",
    "safe_indexing",
    "validate_params",
]


def check_feature_names(estimator, X, *, reset):
    """Set (``reset=True``) or check ``feature_names_in_`` from X's columns.

    Only the names: X itself is neither checked nor converted, and
    ``n_features_in_`` is left to the caller (images count ``h * w * c``
    features, which scikit-learn's check would not).

    Parameters
    ----------
    estimator : estimator instance
        The estimator whose ``feature_names_in_`` is set or checked.
    X : array-like
        Input whose column names (a DataFrame's) are recorded or compared.
    reset : bool
        True in ``fit``: record the names (or delete stale ones); False after:
        warn or raise as scikit-learn does when the names differ.
    """
    # Public: validate_data does the names first; skip_check_array leaves X as
    # it is, and ensure_2d=False skips its n_features_in_ check.
    validate_data(estimator, X, reset=reset, skip_check_array=True, ensure_2d=False)


def prefixed_feature_names_out(estimator, n_features_out, input_features=None):
    """``<classname>0``, ..., ``<classname>{n_features_out - 1}`` (lowercase).

    The names of :class:`sklearn.base.ClassNamePrefixFeaturesOutMixin`.

    Parameters
    ----------
    estimator : estimator instance
        A fitted estimator; its class name is the prefix.
    n_features_out : int
        Number of names, at least 0.
    input_features : array-like of str or None, default=None
        Checked against the estimator's ``feature_names_in_``.

    Returns
    -------
    feature_names_out : ndarray of str objects
        The generated names.
    """
    check_feature_names_in(estimator, input_features, generate_names=False)
    prefix = type(estimator).__name__.lower()
    return np.asarray([f"{prefix}{i}" for i in range(n_features_out)], dtype=object)


def is_scalar_nan(x) -> bool:
    """Whether ``x`` is a float NaN (``np.nan``, ``float("nan")``).

    Parameters
    ----------
    x : object
        Any value; arrays, strings and None are not NaN.

    Returns
    -------
    bool
        True for a real, non-integral NaN scalar.
    """
    return (
        isinstance(x, numbers.Real)
        and not isinstance(x, numbers.Integral)
        and math.isnan(x)
    )


def missing_mask(X, missing_values) -> np.ndarray:
    """Boolean mask of the entries of ``X`` equal to ``missing_values``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Numeric data.
    missing_values : float, int or NaN
        The placeholder of a missing entry; NaN matches NaN.

    Returns
    -------
    mask : ndarray of bool of the shape of X
        True where the entry is missing.
    """
    X = np.asarray(X)
    if is_scalar_nan(missing_values):
        if X.dtype.kind == "f":
            return np.isnan(X)
        return np.zeros(X.shape, dtype=bool)
    return X == missing_values
