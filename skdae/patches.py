"""Random patches of images of any sizes: training data for a photo denoiser."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state


def extract_patches(
    images: np.ndarray | Sequence[np.ndarray],
    patch_size: int | tuple[int, int],
    *,
    n_patches: int,
    augment: bool = True,
    random_state=None,
) -> np.ndarray:
    """Draw square (or rectangular) patches at random from images of any sizes.

    :class:`ConvDenoisingAutoencoder` is fully convolutional: fitted on patches,
    it denoises whole images of any size. This cuts the patches from a list of
    photos of different sizes (which :func:`sklearn.feature_extraction.image.
    extract_patches_2d` cannot take at once), spreading them over the images in
    proportion to their areas.

    Parameters
    ----------
    images : array of shape (n, h, w) or (n, h, w, c), or a sequence of arrays \
of shape (h, w) or (h, w, c)
        The images. In a sequence they may differ in height and width, not in
        channels.
    patch_size : int or (int, int)
        Height and width of a patch; an int for square patches.
    n_patches : int
        Number of patches to draw.
    augment : bool, default=True
        Also flip and rotate each patch, by one of the eight symmetries of the
        square drawn at random (square patches only): a standard augmentation
        for photo denoisers, which makes more of few images.
    random_state : int, RandomState instance or None, default=None
        Seeds the positions and symmetries.

    Returns
    -------
    patches : ndarray of shape (n_patches, patch_h, patch_w) or \
(n_patches, patch_h, patch_w, c)
        The patches, of the images' dtype, in the images' layout.

    Examples
    --------
    >>> import numpy as np
    >>> from skdae import extract_patches
    >>> photos = [np.zeros((300, 200)), np.ones((120, 160))]
    >>> patches = extract_patches(photos, 40, n_patches=1000, random_state=0)
    >>> patches.shape
    (1000, 40, 40)
    >>> # The second photo holds 9,801 of the 51,822 patch positions: 19 %.
    >>> round(float(patches.mean()), 2)
    0.2
    """
    images = [np.asarray(image) for image in images]
    if not images:
        raise ValueError("images is empty.")
    ndims = {image.ndim for image in images}
    if not ndims <= {2, 3} or len(ndims) > 1:
        raise ValueError(
            "images must be a 3-D or 4-D array, or a sequence of 2-D (h, w) or "
            f"3-D (h, w, c) arrays of one kind; got arrays of {sorted(ndims)} "
            "dimensions."
        )
    if len({image.shape[2:] for image in images}) > 1:
        raise ValueError("The images must all have the same number of channels.")
    height, width = _patch_shape(patch_size)
    too_small = [
        i for i, im in enumerate(images) if im.shape[0] < height or im.shape[1] < width
    ]
    if too_small:
        raise ValueError(
            f"patch_size={(height, width)} is larger than image(s) {too_small[:5]} "
            f"(the first is {images[too_small[0]].shape[:2]})."
        )
    if not isinstance(n_patches, Integral) or n_patches < 1:
        raise ValueError(f"n_patches must be a positive integer; got {n_patches!r}.")
    if augment and height != width:
        raise ValueError("augment=True flips and rotates square patches only.")

    rng = check_random_state(random_state)
    positions = np.array(
        [(im.shape[0] - height + 1) * (im.shape[1] - width + 1) for im in images],
        dtype=np.float64,
    )
    sources = rng.choice(len(images), size=n_patches, p=positions / positions.sum())
    patches = np.empty(
        (n_patches, height, width, *images[0].shape[2:]), dtype=images[0].dtype
    )
    for index, source in enumerate(sources):
        image = images[source]
        top = rng.randint(image.shape[0] - height + 1)
        left = rng.randint(image.shape[1] - width + 1)
        patch = image[top : top + height, left : left + width]
        if augment:
            symmetry = rng.randint(8)
            patch = np.rot90(patch, symmetry % 4)
            if symmetry >= 4:
                patch = patch[:, ::-1]
        patches[index] = patch
    return patches


def _patch_shape(patch_size) -> tuple[int, int]:
    size = (patch_size, patch_size) if isinstance(patch_size, Integral) else patch_size
    size = tuple(size)
    if len(size) != 2 or not all(isinstance(s, Integral) and s >= 1 for s in size):
        raise ValueError(
            "patch_size must be a positive int or a (height, width) pair of them; "
            f"got {patch_size!r}."
        )
    return size
