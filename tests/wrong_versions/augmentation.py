"""Wrong versions of the augmentations."""

import numpy as np

from autograder.checks import augmentation as checks
from autograder.reference.augmentation import pca_color, rgb_principal_components, ten_crops


def crop_never_at_the_last_position(image, size, rng):
    top = rng.integers(0, image.shape[0] - size)
    left = rng.integers(0, image.shape[1] - size)
    return image[top : top + size, left : left + size].copy()


def crop_drawing_left_first(image, size, rng):
    left = rng.integers(0, image.shape[1] - size + 1)
    top = rng.integers(0, image.shape[0] - size + 1)
    return image[top : top + size, left : left + size].copy()


def jitter_around_128(image, brightness, contrast, rng):
    b, c = rng.uniform(1 - brightness, 1 + brightness), rng.uniform(1 - contrast, 1 + contrast)
    return np.clip(np.rint(128 + c * (b * image.astype(float) - 128)), 0, 255).astype(np.uint8)


def jitter_truncated(image, brightness, contrast, rng):
    b, c = rng.uniform(1 - brightness, 1 + brightness), rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(float)
    return np.clip(bright.mean() + c * (bright - bright.mean()), 0, 255).astype(np.uint8)


MUTANTS = {
    "test_horizontal_flip": {
        "upside down": lambda image: image[::-1].copy(),
        "float64": lambda image: image.astype(np.float64)[:, ::-1],
    },
    "test_random_crop": {
        "never at the last position": crop_never_at_the_last_position,
        "left drawn first": crop_drawing_left_first,
    },
    "test_ten_crops": {
        "no mirror crops": lambda image, size: ten_crops(image, size)[[0, 1, 2, 3, 4] * 2],
        "left and right corners swapped": lambda image, size: ten_crops(image[:, ::-1], size)[
            [5, 6, 7, 8, 9, 0, 1, 2, 3, 4]
        ][:, :, ::-1],
    },
    "test_color_jitter": {
        "contrast around 128": jitter_around_128,
        "truncated": jitter_truncated,
    },
    "test_rgb_principal_components": {
        "smallest first": lambda images: (lambda v, e: (v[::-1], e[:, ::-1]))(
            *rgb_principal_components(images)
        ),
        "eigenvectors as rows": lambda images: (lambda v, e: (v, e.T))(
            *rgb_principal_components(images)
        ),
    },
    "test_pca_color": {
        "eigenvalues, not their square roots": lambda image, values, vectors, sigma, rng: (
            pca_color(image, values**2, vectors, sigma, rng)
        ),
        "image unchanged": lambda image, values, vectors, sigma, rng: image.copy(),
    },
}
CATALOGS = {
    "horizontal_flip": checks.FLIP_MISTAKES,
    "ten_crops": checks.TEN_CROPS_MISTAKES,
    "random_crop": checks.CROP_MISTAKES,
    "color_jitter": checks.JITTER_MISTAKES,
    "rgb_principal_components": checks.COMPONENT_MISTAKES,
    "pca_color": checks.PCA_MISTAKES,
    "training_crop_count": checks.CROP_COUNT_MISTAKES,
}
FEEDBACK = {
    "test_color_jitter": {"truncated": "Likely mistake: values are truncated"},
    "test_horizontal_flip": {"upside down": "Likely mistake: this flips the image upside down"},
}
# On 971, 1252 and 1420 the pca check's first draw is a patch whose offset rounds away, where
# the image returned unchanged would match the reference: the check must draw again.
SEEDS = (0, 971, 1252, 1420)

# training_crop_count: a prediction, compared exactly.
MUTANTS["test_training_crop_count"] = {
    "AlexNet's count, (height - size)(width - size) positions": lambda h, w, s: (
        2 * (h - s) * (w - s)
    ),
    "no flips counted": lambda h, w, s: (h - s + 1) * (w - s + 1),
    "the height's positions squared": lambda h, w, s: 2 * (h - s + 1) ** 2,
    "positions and flips added, not multiplied": lambda h, w, s: (h - s + 1) * (w - s + 1) + 2,
}
