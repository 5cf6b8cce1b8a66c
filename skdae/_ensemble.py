"""Ensembles of autoencoders: the seeding rule, and members trained in one graph.

:class:`~skdae.AutoencoderOutlierDetector` and :class:`~skdae.AutoencoderImputer`
average several autoencoders (``n_autoencoders``). :func:`member_seeds` is the
rule that seeds them, and :func:`fit_members` trains them: dense autoencoders
as parallel branches of one Keras model (:class:`StackedAutoencoder`), one
optimizer step for all members on the same batch, each member with its own
initial weights and its own corruption; any other autoencoder one after the
other. Each member comes back as an ordinary fitted autoencoder.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._base import EpochLogger, _target_stats
from .dense import DenoisingAutoencoder
from .missing import MSE_NAMES, MaskedMeanSquaredError
from .noise import seed_from


def member_seeds(own, random_state, n_members: int) -> list:
    """The ``random_state`` of each of ``n_members`` autoencoders.

    The seed comes from the autoencoder's own ``random_state`` (``own``), or,
    when that is None, from the ensemble's ``random_state``. The first member
    is seeded as a lone autoencoder would be (an integer seed stays itself), so
    one member is the lone autoencoder; the others draw their seeds from the
    first, so each starts and is corrupted differently. With both None, every
    member is None: each fit draws its own seeds.

    Examples
    --------
    >>> from skdae._ensemble import member_seeds
    >>> seeds = member_seeds(None, 0, 3)
    >>> seeds[0], len(set(seeds))
    (0, 3)
    >>> member_seeds(7, 0, 1)
    [7]
    """
    source = own if own is not None else random_state
    if source is None:
        return [None] * n_members
    first = seed_from(source)
    rng = check_random_state(first)
    return [first] + [seed_from(rng) for _ in range(n_members - 1)]


def seeded_members(template, seeds) -> list:
    """Unfitted clones of ``template``, one per seed (unchanged where it has no
    ``random_state``)."""
    members = []
    for seed in seeds:
        member = clone(template)
        if "random_state" in member.get_params(deep=False):
            member.set_params(random_state=seed)
        members.append(member)
    return members


def trains_in_one_graph(template) -> bool:
    """Whether :func:`fit_members` trains clones of ``template`` as one model.

    Dense autoencoders (:class:`~skdae.DenoisingAutoencoder` itself) with the
    mean squared error, on one device, without metrics or callbacks of the
    user (which would see the joint model); anything else is trained member by
    member.
    """
    if type(template) is not DenoisingAutoencoder:
        return False
    params = template.get_params(deep=False)
    return (
        isinstance(params["loss"], str)
        and params["loss"] in MSE_NAMES
        and not params["metrics"]
        and not params["callbacks"]
        and not params["data_parallel"]
        and not any(k.startswith(("callbacks__", "metrics__")) for k in params)
    )


def fit_members(members, X) -> list:
    """Fit the unfitted autoencoders ``members`` on ``X``; return them.

    Clones of one dense template (:func:`trains_in_one_graph`) train together
    in one :class:`StackedAutoencoder`; otherwise each trains alone. Every
    member is then an ordinary fitted autoencoder: its ``model_`` holds its
    trained weights, its code map is fitted on ``X``, and its ``history_`` is
    the joint model's loss divided by the number of members (their mean loss).
    """
    if len(members) == 1 or not trains_in_one_graph(members[0]):
        return [member.fit(X) for member in members]
    joint = StackedAutoencoder(**members[0].get_params(deep=False))
    joint._members = members
    joint.fit(X)
    data = joint._training_data
    del joint._training_data
    for index, member in enumerate(members):
        for name in joint.layer_names:
            stacked = _layer(joint.model_, name)
            own = _layer(member.model_, name)
            own.set_weights([w[index] for w in stacked.get_weights()])
        member.history_ = {
            key: [value / len(members) for value in values]
            for key, values in joint.history_.items()
        }
        member.n_iter_ = joint.n_iter_
        member._fit_code_map(data)
    return members


def _layer(model, name):
    """The layer ``name`` of the encoder or the decoder of ``model``."""
    for network in ("encoder", "decoder"):
        try:
            return model.get_layer(network).get_layer(name)
        except ValueError:
            continue
    raise ValueError(f"No layer {name!r} in {model.name}.")


class StackedDense(keras.layers.Layer):
    """A Dense layer of each of several models, side by side.

    Inputs ``(n_models, batch, n_in)``; outputs ``(n_models, batch, units)``:
    model ``k`` applies its own kernel ``kernel[k]`` and bias ``bias[k]``, in one
    batched matrix product. The weights start at zero: they are set from the
    models' own layers.
    """

    def __init__(
        self,
        units,
        activation=None,
        kernel_regularizer=None,
        activity_regularizer=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)
        self.kernel_regularizer = kernel_regularizer

    def build(self, input_shape):
        n_models, n_in = input_shape[0], input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(n_models, n_in, self.units),
            initializer="zeros",
            regularizer=self.kernel_regularizer,
        )
        self.bias = self.add_weight(
            name="bias", shape=(n_models, self.units), initializer="zeros"
        )

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel) + ops.expand_dims(self.bias, 1)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)


class StackedMeanSquaredError(MaskedMeanSquaredError):
    """The members' masked mean squared errors, summed.

    ``y_pred`` holds every member's reconstruction, ``(batch, n_models, ...)``;
    ``y_true`` the one target ``(batch, ...)``. The sum (not the mean) makes the
    gradient of each member's weights that of its own loss.
    """

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        n_models = ops.shape(y_pred)[1]
        y_true = ops.broadcast_to(ops.expand_dims(y_true, 1), ops.shape(y_pred))
        return super().call(y_true, y_pred) * ops.cast(n_models, y_pred.dtype)


class StackedAutoencoder(DenoisingAutoencoder):
    """The joint model of :func:`fit_members`: ``_members`` as parallel branches.

    Built and trained by :class:`DenoisingAutoencoder`'s own training path, with
    three differences: each member's branch reads its own corruption of the
    batch; every Dense layer is a :class:`StackedDense` whose weights start as
    the members' own (each member is initialized first, from its own seed, as
    a lone fit would be); the loss is :class:`StackedMeanSquaredError`. The
    members must be set (``_members``) before :meth:`fit` or :meth:`initialize`.
    Private to :func:`fit_members`, which copies the trained weights back.
    """

    def _fit(self, X, clean, *, epochs, warm):
        stats = _target_stats(self._validate_X(X, reset=True))
        for member in self._members:
            member._validate_X(X, reset=True)
            member._initialize(stats)
        return super()._fit(X, clean, epochs=epochs, warm=warm)

    def _build_networks(self, sample_shape, new_seed):
        # The members' networks, already built, are the template.
        template = self._members[0].model_
        n_models = len(self._members)
        networks = []
        for network in map(template.get_layer, ("encoder", "decoder")):
            width = network.input.shape[-1]
            inputs = keras.Input((n_models, width), name=f"{network.name}_input")
            # models first inside: each layer is one batched matrix product
            hidden = ops.transpose(inputs, (1, 0, 2))
            for layer in network.layers[1:]:
                hidden = StackedDense(
                    layer.units,
                    activation=layer.activation,
                    kernel_regularizer=layer.kernel_regularizer,
                    activity_regularizer=layer.activity_regularizer,
                    dtype=layer.dtype_policy,
                    name=layer.name,
                )(hidden)
            outputs = ops.transpose(hidden, (1, 0, 2))
            networks.append(keras.Model(inputs, outputs, name=network.name))
        self.layer_names = [
            layer.name
            for network in networks
            for layer in network.layers
            if isinstance(layer, StackedDense)
        ]
        return tuple(networks)

    def _default_callbacks(self, has_validation):
        callbacks = super()._default_callbacks(has_validation)
        for callback in callbacks:  # verbose=2: "3 DenoisingAutoencoder epoch 1/20"
            if isinstance(callback, EpochLogger):
                callback.name = f"{len(self._members)} DenoisingAutoencoder"
        return callbacks

    def _corrupted(self, noise, inputs):
        return ops.stack([noise(inputs) for _ in self._members], axis=1)

    def _training_loss(self, loss):
        return StackedMeanSquaredError()

    def _compose(self, inputs, encoder, decoder):
        # No whitening layer: each member's own model_ holds its whitening.
        return decoder(encoder(inputs))

    def _start_at_mean(self, feature_mean):
        # The members' initial weights, their output bias at the mean included.
        for name in self.layer_names:
            layer = _layer(self.model_, name)
            layer.set_weights(
                [
                    np.stack(weights)
                    for weights in zip(
                        *(_layer(m.model_, name).get_weights() for m in self._members),
                        strict=True,
                    )
                ]
            )

    def _fit_code_map(self, X):
        # No code map of its own: fit_members fits each member's on these
        # validated training data.
        self._training_data = X
