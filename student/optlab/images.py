"""Real photographs that ship offline, and resizing: the raw material of data augmentation.

    photos = sample_photos()        # {"china": (427, 640, 3) uint8, "flower": (427, 640, 3) uint8}
    small = resize_short_side(photos["flower"], 256)   # (256, 384, 3) uint8

The two photographs are scikit-learn's sample images, installed with it, so nothing is
downloaded. An image is an array of shape (height, width, 3) with dtype uint8 (0 to 255),
rows from top to bottom and columns from left to right.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from sklearn.datasets import load_sample_images


def sample_photos() -> dict[str, np.ndarray]:
    """scikit-learn's two sample photographs, by name: ``china`` (a temple) and ``flower``."""
    bunch = load_sample_images()
    names = [name.rsplit("/", 1)[-1].rsplit(".", 1)[0] for name in bunch.filenames]
    return {name: np.asarray(image, dtype=np.uint8) for name, image in zip(names, bunch.images)}


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """The image resampled to (height, width) with bilinear interpolation (antialiased when
    shrinking)."""
    resized = Image.fromarray(np.asarray(image, dtype=np.uint8)).resize(
        (width, height), Image.Resampling.BILINEAR
    )
    return np.asarray(resized, dtype=np.uint8)


def resize_short_side(image: np.ndarray, length: int) -> np.ndarray:
    """The image scaled so that its shorter side is ``length`` pixels, keeping its aspect ratio."""
    height, width = image.shape[:2]
    scale = length / min(height, width)
    return resize(image, max(length, round(height * scale)), max(length, round(width * scale)))
