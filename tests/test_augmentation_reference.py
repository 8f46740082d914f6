"""The augmentations against Pillow, scikit-learn's PCA and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps
from scipy.stats import chisquare
from sklearn.decomposition import PCA

from autograder.reference.augmentation import (
    color_jitter,
    horizontal_flip,
    pca_color,
    random_crop,
    rgb_principal_components,
    ten_crops,
)
from optlab.images import resize_short_side, sample_photos


@pytest.fixture(scope="module")
def photo():
    return resize_short_side(sample_photos()["china"], 64)


def test_is_the_flip_pillows_mirror(photo):
    np.testing.assert_array_equal(
        horizontal_flip(photo), np.asarray(ImageOps.mirror(Image.fromarray(photo)))
    )


def test_is_a_random_crop_pillows_crop_at_the_drawn_position(photo):
    draws = np.random.default_rng(5)
    top, left = (
        int(draws.integers(0, 64 - 40 + 1)),
        int(draws.integers(0, photo.shape[1] - 40 + 1)),
    )
    expected = np.asarray(Image.fromarray(photo).crop((left, top, left + 40, top + 40)))
    np.testing.assert_array_equal(random_crop(photo, 40, np.random.default_rng(5)), expected)


def test_are_crop_positions_uniform():
    image = np.random.default_rng(0).integers(0, 256, size=(6, 7, 3), dtype=np.uint8)
    rng = np.random.default_rng(1)
    counts = np.zeros((3, 4))
    for _ in range(2400):
        crop = random_crop(image, 4, rng)
        ((top, left),) = [
            (row, column)
            for row in range(3)
            for column in range(4)
            if np.array_equal(image[row : row + 4, column : column + 4], crop)
        ]
        counts[top, left] += 1
    assert chisquare(counts.ravel()).pvalue > 1e-3


def test_are_the_ten_crops_pillows_crops_of_the_corners_center_and_mirror(photo):
    height, width, size = photo.shape[0], photo.shape[1], 33
    boxes = [
        (0, 0),
        (width - size, 0),
        (0, height - size),
        (width - size, height - size),
        ((width - size) // 2, (height - size) // 2),
    ]
    expected = [
        np.asarray(source.crop((x, y, x + size, y + size)))
        for source in (Image.fromarray(photo), ImageOps.mirror(Image.fromarray(photo)))
        for x, y in boxes
    ]
    np.testing.assert_array_equal(ten_crops(photo, size), np.stack(expected))


def test_is_brightness_alone_pillows_brightness(photo):
    factor = np.random.default_rng(3).uniform(0.6, 1.4)
    ours = color_jitter(photo, 0.4, 0.0, np.random.default_rng(3))
    pillow = np.asarray(ImageEnhance.Brightness(Image.fromarray(photo)).enhance(factor))
    assert np.abs(ours.astype(int) - pillow.astype(int)).max() <= 1  # Pillow rounds in fixed point


def test_does_contrast_alone_keep_the_mean_and_scale_the_spread():
    image = np.random.default_rng(4).integers(60, 190, size=(20, 30, 3), dtype=np.uint8)
    draws = np.random.default_rng(9)
    draws.uniform(1.0, 1.0)  # brightness's draw comes first, even when it cannot vary
    c = draws.uniform(0.5, 1.5)
    out = color_jitter(image, 0.0, 0.5, np.random.default_rng(9)).astype(float)
    assert out.mean() == pytest.approx(image.mean(), abs=0.5)
    assert out.std() == pytest.approx(c * image.std(), abs=0.5)
    flat = np.full((4, 4, 3), 77, dtype=np.uint8)
    np.testing.assert_array_equal(color_jitter(flat, 0.0, 0.9, np.random.default_rng(0)), flat)


def test_are_the_components_scikit_learns_pca(photo):
    values, vectors = rgb_principal_components(photo)
    pixels = photo.reshape(-1, 3).astype(float)
    pca = PCA(n_components=3).fit(pixels)
    np.testing.assert_allclose(
        values, pca.explained_variance_ * (len(pixels) - 1) / len(pixels), rtol=1e-10
    )
    np.testing.assert_allclose(
        np.abs(np.sum(vectors * pca.components_.T, axis=0)), 1.0, rtol=1e-10
    )


def test_is_the_color_offset_along_the_components(photo):
    values, vectors = rgb_principal_components(photo)
    dark = (photo // 2 + 64).astype(np.uint8)  # no clipping for this offset
    alpha = np.random.default_rng(8).normal(0.0, 0.3, 3)
    offset = pca_color(dark, values, vectors, 0.3, np.random.default_rng(8)).astype(float) - dark
    np.testing.assert_allclose(
        offset.reshape(-1, 3).mean(axis=0), vectors @ (alpha * np.sqrt(values)), atol=0.5
    )
    np.testing.assert_array_equal(
        pca_color(photo, values, vectors, 0.0, np.random.default_rng(0)), photo
    )
