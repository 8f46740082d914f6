"""Hidden checks for the data-augmentation exercise (solutions/augmentation/augmentation.ipynb).

    test_horizontal_flip            horizontal_flip(image)
    test_random_crop                random_crop(image, size, rng)
    test_ten_crops                  ten_crops(image, size)
    test_color_jitter               color_jitter(image, brightness, contrast, rng)
    test_rgb_principal_components   rgb_principal_components(images)
                                        -> (eigenvalues, eigenvectors)
    test_pca_color                  pca_color(image, eigenvalues, eigenvectors, sigma, rng)

Images are crops of the real photographs of `optlab.images`, of random sizes (odd ones
included), and random noise where a window must be found unambiguously. Every result
must be uint8 of the right shape. The random functions get a generator seeded by the
check; the notebook fixes the order of the draws, so the result must be the reference's.
Colors may differ by 1 on at most 1% of the values (a sum written in another order can
round the other way); everything else must be equal.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from optlab.images import resize_short_side, sample_photos
from optlab.testing import as_image, assert_close

from ..reference import augmentation as reference
from . import CheckFailed, Registry, as_array, as_tuple, draw_until, generator_argument
from .mistakes import name_mistake

# The section of book/augmentation.md that explains each function, for feedback.
SECTIONS = {
    "test_horizontal_flip": "horizontal-flips",
    "test_random_crop": "training-the-resnet-recipe",
    "test_ten_crops": "testing-a-fixed-set-of-crops",
    "test_color_jitter": "color-jitter",
    "test_rgb_principal_components": "the-principal-components-of-the-pixel-colors",
    "test_pca_color": "offsets-along-the-components",
}
MISTAKE_SECTIONS = {
    "the offset uses the eigenvalues": "offsets-along-the-components",
}
CHECKS = Registry(
    "augmentation",
    sections=SECTIONS,
    mistake_sections=MISTAKE_SECTIONS,
    returns_new=frozenset({"horizontal_flip", "random_crop", "color_jitter", "pca_color"}),
)


@lru_cache(maxsize=1)
def _photos() -> tuple[np.ndarray, ...]:
    return tuple(resize_short_side(photo, 96) for photo in sample_photos().values())


def random_photo(rng, height_range=(9, 40), width_range=(9, 50)) -> np.ndarray:
    """A random window of one of the real photographs (shrunk to a short side of 96)."""
    photo = _photos()[int(rng.integers(len(_photos())))]
    height, width = int(rng.integers(*height_range)), int(rng.integers(*width_range))
    top, left = (
        int(rng.integers(photo.shape[0] - height + 1)),
        int(rng.integers(photo.shape[1] - width + 1)),
    )
    return photo[top : top + height, left : left + width].copy()


def random_noise(rng, height, width) -> np.ndarray:
    return rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)


def within_rounding(got: np.ndarray, expected: np.ndarray) -> bool:
    """Equal, up to values off by one on at most 1% of them (a sum written in another order)."""
    difference = np.abs(got.astype(np.int16) - expected.astype(np.int16))
    return bool(difference.max() <= 1 and np.mean(difference > 0) <= 0.01)


def as_named_image(got, what: str, shape: tuple, mistakes: dict | None = None, *args):
    """``got`` as a uint8 image of ``shape`` (optlab.testing.as_image); if it is not one, the
    failure names the cataloged mistake that gives ``got`` (a wrong shape, say)."""
    try:
        return as_image(got, what, shape)
    except AssertionError as failure:
        numbers = isinstance(got, np.ndarray) and got.dtype.kind in "biuf"
        named = (
            name_mistake(got.astype(np.float64), mistakes, *args) if mistakes and numbers else ""
        )
        raise CheckFailed(f"{failure}{named}") from None


def seeded(mistakes: dict) -> dict:
    """A catalog of wrong versions whose last argument is a generator, taking a seed instead:
    each then draws from a generator of its own."""
    return {
        why: lambda *args, wrong=wrong: wrong(*args[:-1], np.random.default_rng(args[-1]))
        for why, wrong in mistakes.items()
    }


def compare_images(got, expected, what: str, mistakes: dict | None = None, *args) -> None:
    """Equal within rounding (see within_rounding); else say where, and name a mistake."""
    got = as_named_image(got, what, expected.shape, mistakes, *args)
    if within_rounding(got, expected):
        return
    difference = np.abs(got.astype(np.int16) - expected.astype(np.int16))
    first = tuple(int(i) for i in np.argwhere(difference > (1 if difference.max() > 1 else 0))[0])
    message = (
        f"{what}: {int((difference > 0).sum())} of {difference.size} values differ "
        f"from the expected image (largest difference {int(difference.max())}); "
        f"at index {first}: got {got[first]}, "
        f"expected {expected[first]}"
    )
    raise CheckFailed(
        message + (name_mistake(got.astype(np.float64), mistakes, *args) if mistakes else "")
    )


def window_position(crop: np.ndarray, image: np.ndarray) -> tuple[int, int] | None:
    size_y, size_x = crop.shape[:2]
    for top in range(image.shape[0] - size_y + 1):
        for left in range(image.shape[1] - size_x + 1):
            if np.array_equal(image[top : top + size_y, left : left + size_x], crop):
                return top, left
    return None


# --- flips and crops ---------------------------------------------------------------------

FLIP_MISTAKES = {
    "this flips the image upside down (rows): a horizontal flip reverses the columns, "
    "image[:, ::-1]": lambda image: image[::-1].copy(),
    "this reverses the color channels too: flip only the columns": lambda image: image[
        :, ::-1, ::-1
    ].copy(),
    "this transposes the image (rows become columns): a horizontal flip keeps the rows and "
    "reverses the order of the columns": lambda image: image.transpose(1, 0, 2).copy(),
}


@CHECKS.check(
    "test_horizontal_flip", "Does it mirror real photographs of random sizes, keeping uint8?"
)
def flips(student, rng):
    for _ in range(3):
        image = random_photo(rng)
        compare_images(
            student.call("horizontal_flip", image),
            reference.horizontal_flip(image),
            f"horizontal_flip(image of shape {image.shape})",
            FLIP_MISTAKES,
            image,
        )


def _crop(
    image,
    size,
    rng,
    left_first=False,
    high=lambda length, size: length - size + 1,
    draw=lambda rng, high: rng.integers(0, high),
    swap_slice=False,
):
    """random_crop with one part swapped for a student's: the order of the draws, their upper
    bound, how a position is drawn, which position indexes the rows."""
    height, width = image.shape[:2]
    if left_first:
        left = draw(rng, high(width, size))
        top = draw(rng, high(height, size))
    else:
        top = draw(rng, high(height, size))
        left = draw(rng, high(width, size))
    if swap_slice:
        top, left = left, top
    return image[top : top + size, left : left + size].copy()


# Wrong versions of random_crop, taking its arguments (the check calls them with a generator
# seeded as the student's was).
CROP_MISTAKES = {
    "left is drawn before top: the notebook draws the top row first, then the left column, "
    "so the same generator gives the same window": lambda image, size, rng: _crop(
        image, size, rng, left_first=True
    ),
    "the last position is never drawn: a size x size window fits at height - size + 1 rows "
    "and width - size + 1 columns, and the upper bound of rng.integers is excluded": (
        lambda image, size, rng: _crop(image, size, rng, high=lambda length, size: length - size)
    ),
    "the position comes from a uniform float, rounded down: draw whole numbers with "
    "rng.integers, as the notebook does": lambda image, size, rng: _crop(
        image, size, rng, draw=lambda rng, high: int(rng.uniform(0, high))
    ),
    "top and left are swapped in the slice: the first axis is the rows, from top, the second "
    "the columns, from left": lambda image, size, rng: _crop(image, size, rng, swap_slice=True),
}


@CHECKS.check(
    "test_random_crop", "Is the crop the window this generator draws (top, then left)?", weight=2
)
def crops_follow_the_generator(student, rng):
    mistakes = seeded(CROP_MISTAKES)
    for _ in range(6):
        height, width = int(rng.integers(6, 20)), int(rng.integers(6, 20))
        size = int(rng.integers(2, min(height, width) + 1))
        image, seed = random_noise(rng, height, width), int(rng.integers(2**31))
        call = f"random_crop(image of shape {image.shape}, size={size}, rng)"
        got = as_named_image(
            student.call("random_crop", image, size, generator_argument(seed)),
            call,
            (size, size, 3),
            mistakes,
            image,
            size,
            seed,
        )
        expected = reference.random_crop(image, size, np.random.default_rng(seed))
        if np.array_equal(got, expected):
            continue
        named = name_mistake(got.astype(np.float64), mistakes, image, size, seed)
        position = window_position(got, image)
        if position is None:
            raise CheckFailed(
                f"{call}: the result is not a size x size window of the image{named}"
            )
        draws = np.random.default_rng(seed)
        expected_position = (
            int(draws.integers(0, height - size + 1)),
            int(draws.integers(0, width - size + 1)),
        )
        raise CheckFailed(
            f"{call}: the window at (top, left) = {position} "
            f"is not the one this generator draws, {expected_position}: "
            "draw top = rng.integers(0, height - size + 1), then left the same "
            f"way with the width (the upper bound of rng.integers is excluded){named}"
        )


@CHECKS.check("test_random_crop", "Does every position come up, the last row and column included?")
def every_position(student, rng):
    height, width, size = 7, 8, 5
    image = random_noise(rng, height, width)
    mistakes = seeded(CROP_MISTAKES)
    seen, crops = set(), []
    for _ in range(150):
        seed = int(rng.integers(2**31))
        got = as_named_image(
            student.call("random_crop", image, size, generator_argument(seed)),
            f"random_crop(image of shape {image.shape}, size={size}, rng)",
            (size, size, 3),
            mistakes,
            image,
            size,
            seed,
        )
        position = window_position(got, image)
        if position is None:
            raise CheckFailed(
                f"random_crop(image of shape {image.shape}, size={size}, rng): "
                "not a window of the image"
                + name_mistake(got.astype(np.float64), mistakes, image, size, seed)
            )
        seen.add(position)
        crops.append((seed, got))
    positions = {
        (top, left) for top in range(height - size + 1) for left in range(width - size + 1)
    }
    missing = sorted(positions - seen)
    if missing:
        # The mistake that gives every one of the 150 crops.
        named = next(
            (
                f"\n    Likely mistake: {why}"
                for why, wrong in CROP_MISTAKES.items()
                if all(
                    np.array_equal(got, wrong(image, size, np.random.default_rng(seed)))
                    for seed, got in crops
                )
            ),
            "",
        )
        raise CheckFailed(
            f"random_crop(image of shape {image.shape}, size={size}, rng): "
            f"in 150 crops the windows at (top, left) = {missing} never came up; "
            f"every position must be possible{named}"
        )


TEN_CROPS_MISTAKES = {
    "the crops are stacked on the last axis: the ten crops are the first axis, "
    "(10, size, size, 3), crop k at [k]": lambda image, size: np.stack(
        list(reference.ten_crops(image, size)), axis=-1
    ),
}


@CHECKS.check(
    "test_ten_crops",
    "Does it give the ten crops in order, for random sizes (odd margins included)?",
)
def ten(student, rng):
    for _ in range(3):
        image = random_photo(rng, (10, 40), (10, 40))
        size = int(rng.integers(3, min(image.shape[:2]) + 1))
        call = f"ten_crops(image of shape {image.shape}, size={size})"
        got = as_named_image(
            student.call("ten_crops", image, size),
            call,
            (10, size, size, 3),
            TEN_CROPS_MISTAKES,
            image,
            size,
        )
        expected = reference.ten_crops(image, size)
        names = ["top-left", "top-right", "bottom-left", "bottom-right", "center"]
        for index in range(10):
            if not np.array_equal(got[index], expected[index]):
                which = names[index % 5] + (" of the mirror image" if index >= 5 else "")
                position = window_position(
                    got[index], image if index < 5 else reference.horizontal_flip(image)
                )
                found = f"; it is the window at (top, left) = {position}" if position else ""
                raise CheckFailed(f"{call}: crop {index} should be the {which}{found}")


# --- colors ------------------------------------------------------------------------------


def _jitter(
    image,
    b,
    c,
    mean_of=lambda bright, image: bright.mean(),
    rounding=np.rint,
    clip=True,
    bright_of=lambda b, image: b * image,
    mean_added_back=True,
):
    """Color jitter by the factors b and c, with one part swapped for a student's: the mean
    the contrast stretches around, the rounding, the clipping, the brightened image, whether
    the mean is added back. As uint8: without clipping, values wrap around."""
    bright = bright_of(b, image.astype(np.float64))
    mean = mean_of(bright, image)
    values = rounding((mean if mean_added_back else 0.0) + c * (bright - mean))
    return (np.clip(values, 0, 255) if clip else values % 256).astype(np.uint8)


def _factors(rng, brightness, contrast):
    return rng.uniform(1 - brightness, 1 + brightness), rng.uniform(1 - contrast, 1 + contrast)


# Wrong versions of color_jitter, taking its arguments (the check calls them with a generator
# seeded as the student's was).
JITTER_MISTAKES = {
    "the factors are drawn in the other order: first b (brightness), then c (contrast)": (
        lambda image, B, C, rng: _jitter(image, *_factors(rng, C, B)[::-1])
    ),
    "contrast is stretched around 128; "
    "the notebook's form stretches around the mean of the brightened image": (
        lambda image, B, C, rng: _jitter(
            image, *_factors(rng, B, C), mean_of=lambda bright, image: 128.0
        )
    ),
    "contrast is stretched around the mean of the original image, before the brightness change": (
        lambda image, B, C, rng: _jitter(
            image, *_factors(rng, B, C), mean_of=lambda bright, image: image.mean()
        )
    ),
    "contrast is stretched around each channel's own mean: the notebook's mean is one number, "
    "over every pixel and channel of the brightened image": lambda image, B, C, rng: _jitter(
        image, *_factors(rng, B, C), mean_of=lambda bright, image: bright.mean(axis=(0, 1))
    ),
    "the brightened image is converted to uint8 before the contrast change, which truncates "
    "it and wraps values past 255 around: compute both changes in floats, round once at the "
    "end": lambda image, B, C, rng: _jitter(
        image, *_factors(rng, B, C), bright_of=lambda b, image: np.floor(b * image) % 256
    ),
    "the mean is not added back: the contrast change stretches the values around the mean, "
    "mean + c (bright - mean)": lambda image, B, C, rng: _jitter(
        image, *_factors(rng, B, C), mean_added_back=False
    ),
    "values are truncated by astype(np.uint8); round them with np.rint first": (
        lambda image, B, C, rng: _jitter(image, *_factors(rng, B, C), rounding=np.floor)
    ),
    "values wrap around past 255: clip to 0..255 before converting to uint8": (
        lambda image, B, C, rng: _jitter(image, *_factors(rng, B, C), clip=False)
    ),
}


@CHECKS.check(
    "test_color_jitter", "Does it give the reference's image for the same generator?", weight=2
)
def jitter(student, rng):
    for brightness, contrast in (
        (float(rng.uniform(0.1, 0.6)), float(rng.uniform(0.1, 0.6))),
        (0.8, 0.8),
        (0.0, 0.0),
    ):
        image, seed = random_photo(rng), int(rng.integers(2**31))
        call = (
            f"color_jitter(image of shape {image.shape}, "
            f"brightness={brightness:.3g}, contrast={contrast:.3g}, rng)"
        )
        got = student.call("color_jitter", image, brightness, contrast, generator_argument(seed))
        compare_images(
            got,
            reference.color_jitter(image, brightness, contrast, np.random.default_rng(seed)),
            call,
            seeded(JITTER_MISTAKES),
            image,
            brightness,
            contrast,
            seed,
        )


COMPONENT_MISTAKES = {
    "np.cov divides by N - 1 by default; "
    "the notebook divides by the number of pixels (bias=True)": (
        lambda pixels: _components(pixels, ddof=1)
    ),
    "the eigenvalues are in increasing order (as np.linalg.eigh returns them): "
    "sort them in decreasing order": (
        lambda pixels: tuple(part[..., ::-1] for part in _components(pixels))
    ),
    "the pixels are not centered: the principal components are the eigenvectors of the "
    "covariance, the mean color subtracted from every pixel": lambda images: _largest_first(
        *np.linalg.eigh(_pixels(images).T @ _pixels(images) / len(_pixels(images)))
    ),
    "the channels are mixed: the last axis holds a pixel's three colors, so each row of the "
    "(number of pixels, 3) matrix must be one pixel": lambda images: _components(
        np.asarray(images).reshape(3, -1).T
    ),
    "these are the singular values of the centered pixels: the eigenvalues of their "
    "covariance are their squares divided by the number of pixels": lambda images: (
        _singular_values(images)
    ),
}


def _pixels(images):
    return np.asarray(images, dtype=np.float64).reshape(-1, 3)


def _largest_first(values, vectors):
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def _singular_values(images):
    pixels = _pixels(images)
    _, singular, vt = np.linalg.svd(pixels - pixels.mean(axis=0), full_matrices=False)
    return singular, vt.T


def _components(pixels, ddof=0):
    values, vectors = np.linalg.eigh(
        np.cov(pixels.reshape(-1, 3).astype(np.float64), rowvar=False, ddof=ddof)
    )
    return values[::-1], vectors[:, ::-1]


def with_unsigned_vectors(components):
    """``components`` with the signs of the eigenvectors dropped, as the comparison drops them."""

    def unsigned(pixels):
        result = components(pixels)
        return result[0], np.abs(result[1])

    return unsigned


@CHECKS.check(
    "test_rgb_principal_components",
    "Does it give the eigenvalues and unit eigenvectors, largest first?",
)
def components(student, rng):
    for images in (
        random_photo(rng),
        np.stack([random_photo(rng, (12, 13), (15, 16)) for _ in range(3)]),
    ):
        call = f"rgb_principal_components(images of shape {images.shape})"
        values, vectors = as_tuple(
            student.call("rgb_principal_components", images), ("eigenvalues", "eigenvectors"), call
        )
        values, vectors = (
            as_array(values, f"{call}: eigenvalues", (3,)),
            as_array(vectors, f"{call}: eigenvectors", (3, 3)),
        )
        expected_values, expected_vectors = reference.rgb_principal_components(images)
        try:
            # Round-off in an eigenvalue is relative to the largest one, not to itself.
            assert_close(
                values,
                expected_values,
                rtol=1e-8,
                atol=1e-8 * float(expected_values[0]),
                what="eigenvalues",
            )
            alignment = np.abs(
                np.sum(vectors * expected_vectors, axis=0)
            )  # a column may point either way
            if not np.all(np.abs(alignment - 1) <= 1e-6):  # written so that NaN fails
                rows = np.abs(np.sum(vectors.T * expected_vectors, axis=0))
                hint = (
                    "; they are the rows: return them as columns"
                    if np.all(np.abs(rows - 1) <= 1e-6)
                    else ""
                )
                raise AssertionError(
                    f"eigenvectors: the columns are not the principal directions, in order "
                    f"(|cosines| with the expected ones: {np.round(alignment, 4)}){hint}"
                )
        except AssertionError as failure:
            got = (values, np.abs(vectors))
            catalog = {
                why: with_unsigned_vectors(wrong) for why, wrong in COMPONENT_MISTAKES.items()
            }
            raise CheckFailed(f"{call}: {failure}" + name_mistake(got, catalog, images)) from None


def _pca_color(
    image,
    values,
    vectors,
    sigma,
    rng,
    scale=np.sqrt,
    rows=False,
    per_pixel=False,
    one_draw=False,
    spread=lambda sigma: sigma,
    sign=1.0,
    rounding=np.rint,
):
    """PCA color augmentation with one part swapped for a student's: the scale of each
    component (sqrt of its eigenvalue), the components as rows, draws per pixel or a single
    one, the spread of the draws, the offset's sign, the rounding."""
    scales = scale(np.asarray(values, dtype=np.float64))
    if per_pixel:
        offset = (rng.normal(0.0, spread(sigma), image.shape) * scales) @ vectors.T
    else:
        alpha = rng.normal(0.0, spread(sigma)) if one_draw else rng.normal(0.0, spread(sigma), 3)
        offset = (vectors.T if rows else vectors) @ (alpha * scales)
    return np.clip(rounding(image + sign * offset), 0, 255).astype(np.uint8)


# Wrong versions of pca_color, taking its arguments (the check calls them with a generator
# seeded as the student's was).
PCA_MISTAKES = {
    "the offset uses the eigenvalues; "
    "the notebook's form uses their square roots, the standard deviations": (
        lambda *args: _pca_color(*args, scale=lambda values: values)
    ),
    "the offset is eigenvectors.T @ ...; the components are the columns: "
    "eigenvectors @ (alpha * sqrt(eigenvalues))": lambda *args: _pca_color(*args, rows=True),
    "each pixel gets offsets of its own: one offset ζ_k per component is drawn for the whole "
    "image and added to every pixel": lambda *args: _pca_color(*args, per_pixel=True),
    "one offset is drawn for all three components: each component q_k gets its own "
    "ζ_k ~ N(0, σ_pca^2)": lambda *args: _pca_color(*args, one_draw=True),
    "the spread is squared: σ_pca is the standard deviation of each ζ_k, "
    "the scale rng.normal takes": lambda *args: _pca_color(*args, spread=lambda sigma: sigma**2),
    "the offset is subtracted: it is added to every pixel": lambda *args: _pca_color(
        *args, sign=-1.0
    ),
    "values are truncated by astype(np.uint8): round them to the nearest integer first": (
        lambda *args: _pca_color(*args, rounding=np.floor)
    ),
}


@CHECKS.check(
    "test_pca_color", "Does it add the reference's color offset for the same generator?", weight=2
)
def pca(student, rng):
    for sigma in (float(rng.uniform(0.1, 1.0)), 0.0):

        def draw(rng, sigma=sigma):
            image, seed = random_photo(rng), int(rng.integers(2**31))
            values, vectors = reference.rgb_principal_components(
                random_photo(rng, (30, 40), (30, 50))
            )
            return (
                image,
                seed,
                values,
                vectors,
                reference.pca_color(image, values, vectors, sigma, np.random.default_rng(seed)),
            )

        # With sigma > 0, a draw whose offset rounds away (the small eigenvalues of a flat patch,
        # about 1 draw in 400) cannot tell pca_color from returning the image unchanged.
        image, seed, values, vectors, expected = draw_until(
            rng,
            draw,
            lambda drawn, sigma=sigma: sigma == 0 or not within_rounding(drawn[0], drawn[-1]),
        )
        call = (
            f"pca_color(image of shape {image.shape}, eigenvalues, eigenvectors, "
            f"sigma={sigma:.3g}, rng)"
        )
        got = student.call("pca_color", image, values, vectors, sigma, generator_argument(seed))
        compare_images(
            got, expected, call, seeded(PCA_MISTAKES), image, values, vectors, sigma, seed
        )


# test_training_crop_count: a prediction, a whole number, compared exactly with the reference's.
SECTIONS["test_training_crop_count"] = "random-crops-and-scales"


@CHECKS.check(
    "test_training_crop_count",
    "Does it count every window position and flip a training crop can draw?",
)
def every_crop_and_flip(student, rng):
    for _ in range(10):
        height, width = (int(n) for n in rng.integers(8, 600, size=2))
        size = int(rng.integers(4, min(height, width) + 1))
        got = student.call("training_crop_count", height, width, size)
        number = float(got) if isinstance(got, (int, float, np.integer, np.floating)) else None
        if number is None or isinstance(got, bool) or not np.isfinite(number):
            raise CheckFailed(f"training_crop_count(): expected a whole number, got {got!r}")
        expected = reference.training_crop_count(height, width, size)
        if number != expected:
            raise CheckFailed(
                f"training_crop_count({height}, {width}, {size}): got {number:.10g}, expected "
                f"{expected} (exactly): count the window positions random_crop can draw, and the "
                f"choices of the flip"
            )
