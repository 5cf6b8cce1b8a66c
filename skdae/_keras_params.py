"""Keras' training objects from an autoencoder's parameters, by routed names.

The autoencoders take Keras' objects as parameters (``optimizer``, ``loss``,
``metrics``, ``callbacks``) and set their arguments through routed parameters,
the convention scikeras made familiar: ``optimizer__learning_rate=1e-3`` is an
argument of the optimizer's class, ``callbacks__patience`` of a callback class
(``callbacks__0__patience`` of the first in a list), ``fit__*`` of
:meth:`keras.Model.fit` and ``compile__*`` of :meth:`keras.Model.compile`.

- A string names a Keras object: ``"adam"``, ``"mse"``, ``"mae"``.
- A class is instantiated with its routed arguments.
- An instance is used as it is, and takes no routed arguments (a
  ``TypeError`` says so).

Nothing here imports scikeras: the routing is skdae's own, so that a fit can be
read without reading scikeras' wrappers.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

import keras

#: The prefixes of routed parameters, each the destination it names.
ROUTES = frozenset({"fit", "compile", "optimizer", "loss", "metrics", "callbacks"})

#: Arguments of ``keras.Model.fit`` that the estimator sets itself; ``fit__*``
#: may not set them (each is an estimator parameter, or the data).
OWN_FIT_ARGUMENTS = frozenset(
    {
        "x",
        "y",
        "epochs",
        "initial_epoch",
        "batch_size",
        "shuffle",
        "steps_per_epoch",
        "validation_data",
        "validation_split",
        "verbose",
        "sample_weight",
    }
)

#: Metric names Keras resolves from the model itself; passed through as they are.
_KERAS_RESOLVED_METRICS = frozenset({"acc", "accuracy", "ce", "crossentropy"})


def routed(params: Mapping, destination: str) -> dict:
    """The parameters routed to ``destination``, without their prefix."""
    prefix = destination + "__"
    return {
        name[len(prefix) :]: value
        for name, value in params.items()
        if name.startswith(prefix)
    }


def instantiate(item, arguments: Mapping, name: str):
    """``item`` with its routed ``arguments`` applied.

    A class is called with the arguments without ``__``; each element of a list,
    tuple or dict gets those too, and its own ``<index or key>__<argument>``
    ones. Anything else is returned as it is, and may take no arguments.
    """
    shared = {key: value for key, value in arguments.items() if "__" not in key}
    if isinstance(item, (list, tuple)):
        return type(item)(
            instantiate(each, {**shared, **routed(arguments, str(index))}, name)
            for index, each in enumerate(item)
        )
    if isinstance(item, Mapping):
        return {
            key: instantiate(each, {**shared, **routed(arguments, str(key))}, name)
            for key, each in item.items()
        }
    if inspect.isclass(item):
        return item(**shared)
    if shared:
        raise TypeError(
            f"{name}={item!r} is not a class, so it cannot take the routed "
            f"arguments {sorted(shared)}; pass its class, or set them on the "
            "instance."
        )
    return item


def _each(items, convert):
    """``convert`` applied to a string, or to each string of a list/tuple/dict."""
    if isinstance(items, str):
        return convert(items)
    if isinstance(items, (list, tuple)):
        return type(items)(_each(item, convert) for item in items)
    if isinstance(items, Mapping):
        return {key: _each(item, convert) for key, item in items.items()}
    return items


def _optimizer_class(name: str):
    return type(keras.optimizers.get(name))  # get() returns an instance


def _metric(name: str):
    return name if name in _KERAS_RESOLVED_METRICS else keras.metrics.get(name)


def compile_arguments(params: Mapping) -> dict:
    """Keyword arguments of ``keras.Model.compile``: ``compile__*``,
    ``run_eagerly``, and the optimizer, loss and metrics built from their
    routed arguments (a new optimizer each call)."""
    arguments = routed(params, "compile")
    arguments["run_eagerly"] = params["run_eagerly"]
    arguments["optimizer"] = instantiate(
        _each(params["optimizer"], _optimizer_class),
        routed(params, "optimizer"),
        "optimizer",
    )
    arguments["loss"] = instantiate(
        _each(params["loss"], keras.losses.get), routed(params, "loss"), "loss"
    )
    metrics = instantiate(
        _each(params["metrics"], _metric), routed(params, "metrics"), "metrics"
    )
    if metrics is not None and not isinstance(metrics, (list, dict)):
        metrics = [metrics]  # Keras takes a list
    arguments["metrics"] = metrics
    return arguments


def _callback_list(callbacks, arguments, name) -> list:
    if callbacks is None:
        return []
    built = instantiate(callbacks, arguments, name)
    if isinstance(built, Mapping):
        built = list(built.values())
    elif not isinstance(built, (list, tuple)):
        built = [built]
    flat = []
    for each in built:
        flat.extend(each if isinstance(each, (list, tuple)) else [each])
    wrong = [each for each in flat if not isinstance(each, keras.callbacks.Callback)]
    if wrong:
        raise TypeError(
            f"{name} must hold keras.callbacks.Callback instances or classes "
            f"(a single one, a list or a dict of them); got {wrong!r}."
        )
    return flat


def callbacks(params: Mapping) -> list:
    """The user's callbacks for one fit: ``callbacks`` and ``fit__callbacks``,
    classes instantiated with their routed arguments."""
    fit_arguments = routed(params, "fit")
    return _callback_list(
        params.get("callbacks"), routed(params, "callbacks"), "callbacks"
    ) + _callback_list(
        fit_arguments.get("callbacks"),
        routed(fit_arguments, "callbacks"),
        "fit__callbacks",
    )


def fit_arguments(params: Mapping) -> dict:
    """The user's extra keyword arguments of ``keras.Model.fit`` (``fit__*``,
    callbacks aside)."""
    return {
        name: value
        for name, value in routed(params, "fit").items()
        if name.split("__", 1)[0] != "callbacks"
    }


def check_fit_arguments(params: Mapping, owner: str) -> None:
    """Raise a ValueError for ``fit__*`` parameters the estimator sets itself."""
    own = sorted(OWN_FIT_ARGUMENTS.intersection(fit_arguments(params)))
    if own:
        raise ValueError(
            f"{owner} sets {own} of keras.Model.fit itself; set the estimator's "
            "parameters (epochs, batch_size, shuffle, validation_split, "
            f"verbose) instead of {['fit__' + name for name in own]}."
        )
