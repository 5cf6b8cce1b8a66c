"""Plotting helpers for denoising autoencoders.

The functions in this module work on plain NumPy arrays and mappings only (they
never import Keras), so they can be used on the outputs of any model.
Matplotlib is an optional dependency; it is imported lazily when a function is
called. Install it with ``pip install 'skdae[plot]'``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:  # pragma: no cover - imported for type hints only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_code_maps",
    "plot_loss_curve",
    "plot_noise_robustness",
    "plot_reconstructions",
]

_INSTALL_HINT = (
    "Plotting requires matplotlib, which is not installed. "
    "Install it with: pip install 'skdae[plot]'"
)


def _import_pyplot() -> Any:
    """Import and return ``matplotlib.pyplot``, with an install hint on failure."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised via monkeypatch
        raise ImportError(_INSTALL_HINT) from exc
    return plt


def _check_positive_int(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}.")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}.")
    return int(value)


def _as_image_batch(
    array: ArrayLike, image_shape: tuple[int, ...] | None, index: int
) -> np.ndarray:
    """Return a float view/copy of ``array`` shaped ``(n, h, w)`` or ``(n, h, w, 3)``.

    The input is never modified.
    """
    arr = np.asarray(array, dtype=float)
    expected = (
        "expected (n, h, w), (n, h, w, c) with c in {1, 3}, or flat (n, d) "
        "with image_shape given (or d a perfect square)"
    )
    if arr.ndim == 2:
        n, d = arr.shape
        if image_shape is None:
            side = math.isqrt(d)
            if side * side != d:
                raise ValueError(
                    f"rows[{index}] has flat shape {arr.shape} and {d} features is "
                    f"not a perfect square; pass image_shape=(h, w) or (h, w, c) "
                    f"with h * w * c == {d} ({expected})."
                )
            shape: tuple[int, ...] = (side, side)
        else:
            shape = tuple(int(s) for s in image_shape)
            if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (1, 3)):
                raise ValueError(
                    f"image_shape must be (h, w) or (h, w, c) with c in {{1, 3}}, "
                    f"got {image_shape!r}."
                )
            if math.prod(shape) != d:
                raise ValueError(
                    f"rows[{index}] has flat shape {arr.shape}, which cannot be "
                    f"reshaped to image_shape={shape} "
                    f"(expected d == {math.prod(shape)})."
                )
        arr = arr.reshape((n, *shape))
    if arr.ndim == 4:
        channels = arr.shape[-1]
        if channels == 1:
            arr = arr[..., 0]
        elif channels != 3:
            raise ValueError(
                f"rows[{index}] has shape {arr.shape} with {channels} channels; "
                f"{expected}."
            )
    elif arr.ndim != 3:
        raise ValueError(f"rows[{index}] has shape {arr.shape}; {expected}.")
    return arr


def _display_image(image: np.ndarray, in_unit_range: bool) -> tuple[np.ndarray, dict]:
    """Return the image to draw and the ``imshow`` keyword arguments for it."""
    if in_unit_range:
        return np.clip(image, 0.0, 1.0), {"vmin": 0.0, "vmax": 1.0}
    lo = float(np.nanmin(image))
    hi = float(np.nanmax(image))
    if image.ndim == 3:
        # RGB: imshow ignores vmin/vmax, so rescale to [0, 1] by hand.
        span = hi - lo if hi > lo else 1.0
        return np.clip((image - lo) / span, 0.0, 1.0), {}
    return image, {"vmin": lo, "vmax": hi}


def plot_reconstructions(
    rows: Sequence[ArrayLike] | np.ndarray,
    titles: Sequence[str] | None = None,
    *,
    n_images: int = 10,
    image_shape: tuple[int, ...] | None = None,
    cmap: str = "gray",
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Plot a grid of images, one row per array (e.g. noisy / denoised / clean).

    Parameters
    ----------
    rows : sequence of array-like
        The image batches to show, one grid row each. Every batch may be shaped
        ``(n, h, w)``, ``(n, h, w, c)`` with ``c`` in ``{1, 3}``, or flat
        ``(n, d)``. Flat batches are reshaped to ``image_shape``; if
        ``image_shape`` is None and ``d`` is a perfect square, they are shown
        as square ``(sqrt(d), sqrt(d))`` grayscale images (e.g. 784 -> 28 x 28).
        A single ``numpy.ndarray`` is treated as one row.
    titles : sequence of str, optional
        One label per row, drawn as the y label of the row's first image.
    n_images : int, default=10
        Number of columns: the first ``n_images`` samples of every row are
        shown. If some row has fewer samples, the minimum over the rows is
        used instead.
    image_shape : tuple of int, optional
        ``(h, w)`` or ``(h, w, c)`` with ``c`` in ``{1, 3}``, used to reshape
        flat ``(n, d)`` rows; ignored for rows that are already images.
    cmap : str, default="gray"
        Colormap for single-channel images (ignored for RGB images).
    figsize : tuple of float, optional
        Figure size in inches; by default about 1.2 inch per image.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with ``len(rows) * n_columns`` axes in row-major order.

    Raises
    ------
    ValueError
        If ``rows`` is empty, ``titles`` does not have one entry per row, or a
        row does not have one of the shapes described above.

    Notes
    -----
    If all values of a row lie in ``[0, 1]`` its images are drawn on the fixed
    scale ``[0, 1]`` (clipped), so that rows are directly comparable.
    Otherwise (e.g. a noisy batch with values outside ``[0, 1]``) every image
    of that row is scaled individually between its own minimum and maximum.
    The inputs are never modified.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from skdae.plotting import plot_reconstructions
    >>> rng = np.random.default_rng(0)
    >>> clean = rng.random((6, 784))  # flat, inferred as 28 x 28
    >>> noisy = clean + rng.normal(scale=0.3, size=clean.shape)
    >>> fig = plot_reconstructions(
    ...     [noisy, clean], ["noisy", "clean"], n_images=5
    ... )
    >>> len(fig.axes)
    10
    >>> fig.axes[0].images[0].get_array().shape
    (28, 28)
    >>> fig.axes[5].get_ylabel()
    'clean'
    >>> plt.close(fig)
    """
    if isinstance(rows, np.ndarray):
        rows = [rows]
    rows = list(rows)
    if not rows:
        raise ValueError("rows must contain at least one array of images.")
    if isinstance(titles, str):
        titles = [titles]
    if titles is not None:
        titles = list(titles)
        if len(titles) != len(rows):
            raise ValueError(
                f"titles must have one entry per row: got {len(titles)} titles "
                f"for {len(rows)} rows."
            )
    n_images = _check_positive_int(n_images, "n_images")

    batches = [_as_image_batch(row, image_shape, i) for i, row in enumerate(rows)]
    n_cols = min(n_images, *(len(batch) for batch in batches))
    if n_cols == 0:
        raise ValueError("every row must contain at least one image.")

    plt = _import_pyplot()
    n_rows = len(batches)
    if figsize is None:
        figsize = (1.2 * n_cols + (0.4 if titles else 0.0), 1.2 * n_rows)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=figsize, squeeze=False, layout="constrained"
    )
    for r, batch in enumerate(batches):
        shown = batch[:n_cols]
        finite = shown[np.isfinite(shown)]
        in_unit_range = finite.size == 0 or (
            float(finite.min()) >= 0.0 and float(finite.max()) <= 1.0
        )
        for c in range(n_cols):
            ax = axes[r, c]
            image, kwargs = _display_image(shown[c], in_unit_range)
            ax.imshow(image, cmap=cmap, interpolation="nearest", **kwargs)
            ax.set_xticks([])
            ax.set_yticks([])
        if titles is not None:
            axes[r, 0].set_ylabel(str(titles[r]))
    return fig


def _history_mapping(history: Any) -> Mapping[str, Any]:
    if isinstance(history, Mapping):
        return history
    for attr in ("history_", "history"):
        value = getattr(history, attr, None)
        if isinstance(value, Mapping):
            return value
    raise TypeError(
        "history must be a mapping like keras.callbacks.History.history "
        "(e.g. {'loss': [...], 'val_loss': [...]}) or an object with a "
        f"history_ attribute holding one; got {type(history).__name__}."
    )


def plot_loss_curve(
    history: Mapping[str, Sequence[float]] | Any,
    *,
    ax: Axes | None = None,
    logy: bool = False,
) -> Axes:
    """Plot training (and validation) loss against the epoch number.

    Parameters
    ----------
    history : mapping or object
        Either a mapping like Keras' ``History.history``, e.g.
        ``{"loss": [...], "val_loss": [...]}``, or an object with a
        ``history_`` attribute holding such a mapping (a fitted estimator).
        A Keras ``History`` object (mapping in its ``history`` attribute) is
        accepted too.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created if None.
    logy : bool, default=False
        Use a logarithmic y axis.

    Returns
    -------
    matplotlib.axes.Axes
        The axes with one line per plotted series and a legend.

    Raises
    ------
    ValueError
        If the history has no ``"loss"`` key.
    TypeError
        If ``history`` is neither a mapping nor has a mapping ``history_``.

    Notes
    -----
    ``"loss"`` is always plotted, and ``"val_loss"`` if present (dashed, same
    colour). Any other metric ``m`` is plotted only when both ``m`` and
    ``"val_" + m`` are present. Epochs are numbered from 1.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from skdae.plotting import plot_loss_curve
    >>> history = {"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.6, 0.45]}
    >>> ax = plot_loss_curve(history)
    >>> [line.get_label() for line in ax.get_lines()]
    ['loss', 'val_loss']
    >>> ax.get_lines()[0].get_xdata().tolist()
    [1, 2, 3]
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('epoch', 'loss')
    >>> plt.close(ax.figure)
    """
    mapping = _history_mapping(history)
    if "loss" not in mapping:
        raise ValueError(
            f"history has no 'loss' key (keys: {sorted(map(str, mapping))})."
        )
    metrics = ["loss"] + [
        key
        for key in mapping
        if key != "loss" and not str(key).startswith("val_") and f"val_{key}" in mapping
    ]

    plt = _import_pyplot()
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        _, ax = plt.subplots(layout="constrained")

    for key in metrics:
        values = np.asarray(mapping[key], dtype=float).ravel()
        epochs = np.arange(1, values.size + 1)
        (line,) = ax.plot(epochs, values, label=key)
        val_key = f"val_{key}"
        if val_key in mapping:
            val_values = np.asarray(mapping[val_key], dtype=float).ravel()
            ax.plot(
                np.arange(1, val_values.size + 1),
                val_values,
                linestyle="--",
                color=line.get_color(),
                label=val_key,
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def _metric_label(metric: str) -> str:
    lowered = metric.lower()
    if lowered == "mse":
        return "MSE"
    if lowered == "psnr":
        return "PSNR (dB)"
    return metric


def plot_noise_robustness(
    results: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    ax: Axes | None = None,
    metric: str = "mse",
) -> Axes:
    """Plot a score against the test noise level, one line per model.

    Parameters
    ----------
    results : mapping of str to (noise_levels, scores)
        Maps a label (e.g. ``"trained at σ=0.3"``) to a pair of equal-length
        1-D sequences: the test noise levels and the scores measured at them.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is created if None.
    metric : str, default="mse"
        Name of the score, used as the y label: ``"mse"`` is shown as
        ``"MSE"``, ``"psnr"`` as ``"PSNR (dB)"``, anything else unchanged.

    Returns
    -------
    matplotlib.axes.Axes
        The axes with one line (with markers) per label and a legend.

    Raises
    ------
    ValueError
        If ``results`` is empty, an entry is not a pair, or the noise levels
        and scores of an entry differ in length.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from skdae.plotting import plot_noise_robustness
    >>> results = {
    ...     "trained at σ=0.1": ([0.1, 0.3, 0.5], [28.0, 22.0, 18.0]),
    ...     "trained at σ=0.3": ([0.1, 0.3, 0.5], [26.0, 24.0, 21.0]),
    ... }
    >>> ax = plot_noise_robustness(results, metric="psnr")
    >>> len(ax.get_lines())
    2
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('test noise level (σ)', 'PSNR (dB)')
    >>> plt.close(ax.figure)
    """
    if not isinstance(results, Mapping):
        raise TypeError(
            "results must be a mapping of label -> (noise_levels, scores), "
            f"got {type(results).__name__}."
        )
    if not results:
        raise ValueError("results must contain at least one entry.")
    series = []
    for label, pair in results.items():
        if isinstance(pair, (str, bytes)) or len(pair) != 2:
            raise ValueError(
                f"results[{label!r}] must be a pair (noise_levels, scores)."
            )
        levels = np.asarray(pair[0], dtype=float).ravel()
        scores = np.asarray(pair[1], dtype=float).ravel()
        if levels.shape != scores.shape:
            raise ValueError(
                f"results[{label!r}] has {levels.size} noise levels but "
                f"{scores.size} scores; they must have the same length."
            )
        series.append((str(label), levels, scores))

    plt = _import_pyplot()
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    for label, levels, scores in series:
        ax.plot(levels, scores, marker="o", label=label)
    ax.set_xlabel("test noise level (σ)")
    ax.set_ylabel(_metric_label(metric))
    ax.legend()
    return ax


def plot_code_maps(
    code_maps: ArrayLike,
    *,
    n_images: int = 4,
    max_channels: int = 8,
    cmap: str = "viridis",
) -> Figure:
    """Show the channels of convolutional code-layer activations.

    Parameters
    ----------
    code_maps : array-like of shape (n, h, w, c)
        Activations of a convolutional code (bottleneck) layer.
    n_images : int, default=4
        Number of images (grid rows); at most ``n``.
    max_channels : int, default=8
        Maximum number of channels (grid columns); the first
        ``min(c, max_channels)`` channels are shown.
    cmap : str, default="viridis"
        Colormap. Every map is scaled between its own minimum and maximum.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with ``min(n, n_images) * min(c, max_channels)`` axes in
        row-major order (row = image, column = channel).

    Raises
    ------
    ValueError
        If ``code_maps`` is not 4-D or is empty.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from skdae.plotting import plot_code_maps
    >>> codes = np.random.default_rng(0).random((10, 7, 7, 16))
    >>> fig = plot_code_maps(codes, n_images=3, max_channels=4)
    >>> len(fig.axes)
    12
    >>> fig.axes[0].images[0].get_array().shape
    (7, 7)
    >>> plt.close(fig)
    """
    maps = np.asarray(code_maps, dtype=float)
    if maps.ndim != 4:
        raise ValueError(
            "code_maps must be a 4-D array of shape (n, h, w, c), got shape "
            f"{maps.shape}."
        )
    n_images = _check_positive_int(n_images, "n_images")
    max_channels = _check_positive_int(max_channels, "max_channels")
    n_rows = min(n_images, maps.shape[0])
    n_cols = min(maps.shape[3], max_channels)
    if n_rows == 0 or n_cols == 0 or maps.shape[1] == 0 or maps.shape[2] == 0:
        raise ValueError(f"code_maps must not be empty, got shape {maps.shape}.")

    plt = _import_pyplot()
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(1.3 * n_cols + 0.4, 1.3 * n_rows + 0.3),
        squeeze=False,
        layout="constrained",
    )
    for r in range(n_rows):
        for c in range(n_cols):
            ax = axes[r, c]
            ax.imshow(maps[r, :, :, c], cmap=cmap, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(f"channel {c}", fontsize="small")
        axes[r, 0].set_ylabel(f"image {r}")
    return fig
