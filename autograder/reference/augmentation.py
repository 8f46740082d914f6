"""Reference for the data-augmentation exercise: flips, crops and color changes of photographs.

An image is an array (height, width, 3) of dtype uint8. Every function returns a new
array and keeps the dtype; the random ones draw from the generator ``rng`` they are
given, so the same seed gives the same image. Colors are computed in float64, then
rounded to the nearest integer and clipped to 0..255.
"""

from __future__ import annotations

import numpy as np


def horizontal_flip(image):
    """The mirror image: column j becomes column width - 1 - j."""
    return image[:, ::-1].copy()


def random_crop(image, size, rng):
    """A size x size window at a uniformly random position: top, then left, drawn with
    rng.integers."""
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1)
    left = rng.integers(0, width - size + 1)
    return image[top : top + size, left : left + size].copy()


def ten_crops(image, size):
    """The multi-crop test set of the notes: (10, size, size, 3).

    Top-left, top-right, bottom-left, bottom-right and center crops (the center's corner at
    ((height - size) // 2, (width - size) // 2)), then the same five of the mirror image.
    """
    height, width = image.shape[:2]
    corners = [
        (0, 0),
        (0, width - size),
        (height - size, 0),
        (height - size, width - size),
        ((height - size) // 2, (width - size) // 2),
    ]
    crops = [
        source[top : top + size, left : left + size]
        for source in (image, horizontal_flip(image))
        for top, left in corners
    ]
    return np.stack(crops)


def to_uint8(values):
    """Round to the nearest integer and clip to 0..255."""
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def color_jitter(image, brightness, contrast, rng):
    """Random brightness, then random contrast.

    b = rng.uniform(1 - brightness, 1 + brightness), then
    c = rng.uniform(1 - contrast, 1 + contrast); bright = b * image;
    out = mean + c * (bright - mean), where mean is the mean of ``bright`` over all pixels and
    channels.
    """
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return to_uint8(mean + c * (bright - mean))


def rgb_principal_components(images):
    """The principal components of the RGB values of every pixel of ``images`` (..., 3).

    Returns (eigenvalues, eigenvectors): the variances (3,) in decreasing order and the
    unit directions as the columns of a (3, 3) matrix, from the covariance of the pixels
    (divided by the number of pixels).
    """
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    covariance = np.cov(pixels, rowvar=False, bias=True)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1]
    return eigenvalues[order], eigenvectors[:, order]


def pca_color(image, eigenvalues, eigenvectors, sigma, rng):
    """PCA color augmentation: one offset, along the principal components, added to every pixel.

    alpha = rng.normal(0, sigma, 3); offset = eigenvectors @ (alpha * sqrt(eigenvalues)).
    With sqrt, alpha counts standard deviations along each component. Krizhevsky et al.
    (2012) multiply by the eigenvalues themselves, for pixels scaled to 0..1.
    """
    alpha = rng.normal(0.0, sigma, 3)
    offset = eigenvectors @ (alpha * np.sqrt(eigenvalues))
    return to_uint8(image.astype(np.float64) + offset)


def training_crop_count(height, width, size):
    """The draws of a random size x size crop and a flip with probability 1/2: two choices of the
    flip for each of (height - size + 1) (width - size + 1) window positions."""
    return 2 * (height - size + 1) * (width - size + 1)
