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
from ..sandbox.session import StudentCallFailed
from . import CheckFailed, Registry, as_array, as_tuple, draw_until, generator_argument
from .diagnosis import LIKELY_MISTAKE, unrecorded
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


def guarded(wrong):
    """``wrong``, giving an empty array where it cannot compute its answer on these arguments
    (a window that does not fit, a draw from an empty range): a wrong version names a mistake,
    it must not stop the check."""

    def version(*args):
        try:
            return wrong(*args)
        except (ValueError, IndexError):
            return np.empty(0)

    return version


FLIP_MISTAKES = {
    "this flips the image upside down (rows): a horizontal flip reverses the columns, "
    "image[:, ::-1]": lambda image: image[::-1].copy(),
    "this reverses the color channels too: flip only the columns": lambda image: image[
        :, ::-1, ::-1
    ].copy(),
    "this reverses the color channels (RGB becomes BGR), not the columns: a horizontal flip "
    "reverses the columns, image[:, ::-1]": lambda image: image[:, :, ::-1].copy(),
    "np.flip without an axis reverses every axis, the rows and the color channels too: a "
    "horizontal flip reverses the columns only, np.flip(image, axis=1) or image[:, ::-1]": (
        lambda image: image[::-1, ::-1, ::-1].copy()
    ),
    "this turns the image half a turn (rows and columns both reversed): a horizontal flip "
    "reverses the columns only, image[:, ::-1]": lambda image: image[::-1, ::-1].copy(),
    "this transposes the image (rows become columns): a horizontal flip keeps the rows and "
    "reverses the order of the columns": lambda image: image.transpose(1, 0, 2).copy(),
    "this turns the image a quarter turn counterclockwise (np.rot90): a horizontal flip keeps "
    "the rows and reverses the order of the columns, image[:, ::-1]": (
        lambda image: np.rot90(image).copy()
    ),
    "this turns the image a quarter turn clockwise (np.rot90 with k=-1): a horizontal flip "
    "keeps the rows and reverses the order of the columns, image[:, ::-1]": (
        lambda image: np.rot90(image, -1).copy()
    ),
    "the mirror is shifted by one column: column j becomes column width - 1 - j, so the last "
    "column comes first, image[:, ::-1]": lambda image: np.roll(image[:, ::-1], 1, axis=1),
    "the slice stops before column 0, so the mirror misses the first column: image[:, ::-1] "
    "(or image[:, width - 1 :: -1]) runs down to column 0": lambda image: image[:, :0:-1].copy(),
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


def _square_crop_from(image, size, rng, top_of, left_of, window=None):
    """A crop whose top is ``top_of(rng, height, width, size)``, then whose left is
    ``left_of(rng, top, height, width, size)``, cut by ``window(image, top, left, size)``."""
    height, width = image.shape[:2]
    top = top_of(rng, height, width, size)
    left = left_of(rng, top, height, width, size)
    if window is None:
        return image[top : top + size, left : left + size].copy()
    return window(image, top, left, size)


def crop_drawing(top_of, left_of, window=None):
    """A wrong version of random_crop that draws and cuts its window as given (see
    `_square_crop_from`)."""
    return guarded(
        lambda image, size, rng: _square_crop_from(image, size, rng, top_of, left_of, window)
    )


def draw_below(rng, high):
    return int(rng.integers(0, high))


# Wrong versions of random_crop, taking its arguments (the check calls them with a generator
# seeded as the student's was).
CROP_MISTAKES = {
    "left is drawn before top: the notebook draws the top row first, then the left column, "
    "so the same generator gives the same window": lambda image, size, rng: _crop(
        image, size, rng, left_first=True
    ),
    "left is the same number as top, one draw for both: draw top = rng.integers(0, height - "
    "size + 1), then left = rng.integers(0, width - size + 1), a draw of its own": (
        crop_drawing(
            lambda rng, height, width, size: draw_below(rng, height - size + 1),
            lambda rng, top, height, width, size: top,
        )
    ),
    "the last position is never drawn: a size x size window fits at height - size + 1 rows "
    "and width - size + 1 columns, and the upper bound of rng.integers is excluded": (
        lambda image, size, rng: _crop(image, size, rng, high=lambda length, size: length - size)
    ),
    "the first row and column are never drawn (the draws start at 1): a window may start at "
    "row 0 and column 0, rng.integers(0, height - size + 1)": crop_drawing(
        lambda rng, height, width, size: int(rng.integers(1, height - size + 1)),
        lambda rng, top, height, width, size: int(rng.integers(1, width - size + 1)),
    ),
    "the upper bound is included (endpoint=True) as well as raised by one, so the window can "
    "run past the edge: rng.integers(0, height - size + 1) excludes its upper bound": (
        crop_drawing(
            lambda rng, height, width, size: int(
                rng.integers(0, height - size + 1, endpoint=True)
            ),
            lambda rng, top, height, width, size: int(
                rng.integers(0, width - size + 1, endpoint=True)
            ),
        )
    ),
    "both positions are drawn with the width's bound, as if the image were square: top is "
    "drawn below height - size + 1, left below width - size + 1": crop_drawing(
        lambda rng, height, width, size: draw_below(rng, width - size + 1),
        lambda rng, top, height, width, size: draw_below(rng, width - size + 1),
    ),
    "the bounds are swapped: top is drawn with the width's bound and left with the height's; "
    "top runs over the rows, below height - size + 1, left over the columns": crop_drawing(
        lambda rng, height, width, size: draw_below(rng, width - size + 1),
        lambda rng, top, height, width, size: draw_below(rng, height - size + 1),
    ),
    "the position comes from a uniform float, rounded down: draw whole numbers with "
    "rng.integers, as the notebook does": lambda image, size, rng: _crop(
        image, size, rng, draw=lambda rng, high: int(rng.uniform(0, high))
    ),
    "top and left are swapped in the slice: the first axis is the rows, from top, the second "
    "the columns, from left": lambda image, size, rng: _crop(image, size, rng, swap_slice=True),
    "the window is one pixel short, size - 1 rows and columns: the slice top : top + size "
    "holds size rows, its end excluded": crop_drawing(
        lambda rng, height, width, size: draw_below(rng, height - size + 1),
        lambda rng, top, height, width, size: draw_below(rng, width - size + 1),
        lambda image, top, left, size: image[top : top + size - 1, left : left + size - 1].copy(),
    ),
    "the slice ends at size, not at top + size: the window runs from top to top + size, "
    "image[top : top + size, left : left + size]": crop_drawing(
        lambda rng, height, width, size: draw_below(rng, height - size + 1),
        lambda rng, top, height, width, size: draw_below(rng, width - size + 1),
        lambda image, top, left, size: image[top:size, left:size].copy(),
    ),
    "only the first color channel is kept: the crop keeps all three, "
    "image[top : top + size, left : left + size]": crop_drawing(
        lambda rng, height, width, size: draw_below(rng, height - size + 1),
        lambda rng, top, height, width, size: draw_below(rng, width - size + 1),
        lambda image, top, left, size: image[top : top + size, left : left + size, 0].copy(),
    ),
}


def reproduces(wrong, image, size, crops) -> bool:
    """Does the wrong version of random_crop give each crop of ``crops``, (seed, what the
    student's function returned for that seed)?"""
    for seed, returned in crops:
        answer = wrong(image, size, np.random.default_rng(seed))
        if not (
            isinstance(returned, np.ndarray)
            and returned.shape == answer.shape
            and np.array_equal(returned, answer)
        ):
            return False
    return True


def name_crop_mistake(student, returned, image, size, seed, crops=()) -> str:
    """The line naming the cataloged random_crop mistake that gives what the student's function
    returned for ``seed``, and every crop of ``crops`` before it (see `reproduces`); '' when none
    does. Two wrong versions can give the same window for one seed (left = top, and top and left
    swapped in the slice, when the two draws are equal): the student's function is then called
    on more seeds, until one of them is left."""
    if not (isinstance(returned, np.ndarray) and returned.dtype.kind in "biuf"):
        return ""
    matching = [
        why
        for why, wrong in CROP_MISTAKES.items()
        if reproduces(wrong, image, size, [*crops, (seed, returned)])
    ]
    if len(matching) > 1:
        more = [int(s) for s in np.random.default_rng(seed).integers(2**31, size=12)]
        try:
            with unrecorded(student):  # the check's own probes, not the call that failed
                probes = [
                    (s, student.call("random_crop", image, size, generator_argument(s)))
                    for s in more
                ]
        except StudentCallFailed:
            probes = []
        matching = [
            why for why in matching if reproduces(CROP_MISTAKES[why], image, size, probes)
        ] or matching
    return f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else ""


@CHECKS.check(
    "test_random_crop", "Is the crop the window this generator draws (top, then left)?", weight=2
)
def crops_follow_the_generator(student, rng):
    for _ in range(6):
        height, width = int(rng.integers(6, 20)), int(rng.integers(6, 20))
        size = int(rng.integers(2, min(height, width) + 1))
        image, seed = random_noise(rng, height, width), int(rng.integers(2**31))
        call = f"random_crop(image of shape {image.shape}, size={size}, rng)"
        returned = student.call("random_crop", image, size, generator_argument(seed))
        try:
            got = as_named_image(returned, call, (size, size, 3))
        except CheckFailed as failure:
            raise CheckFailed(
                f"{failure}{name_crop_mistake(student, returned, image, size, seed)}"
            ) from None
        expected = reference.random_crop(image, size, np.random.default_rng(seed))
        if np.array_equal(got, expected):
            continue
        named = name_crop_mistake(student, returned, image, size, seed)
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
    call = f"random_crop(image of shape {image.shape}, size={size}, rng)"
    seen, crops = set(), []
    for _ in range(150):
        seed = int(rng.integers(2**31))
        returned = student.call("random_crop", image, size, generator_argument(seed))
        try:
            got = as_named_image(returned, call, (size, size, 3))
        except CheckFailed as failure:
            raise CheckFailed(
                f"{failure}{name_crop_mistake(student, returned, image, size, seed, crops)}"
            ) from None
        position = window_position(got, image)
        if position is None:
            raise CheckFailed(
                f"{call}: not a window of the image"
                + name_crop_mistake(student, returned, image, size, seed, crops)
            )
        seen.add(position)
        crops.append((seed, returned))
    positions = {
        (top, left) for top in range(height - size + 1) for left in range(width - size + 1)
    }
    missing = sorted(positions - seen)
    if missing:
        # The mistake that gives every one of the 150 crops.
        last_seed, last = crops[-1]
        raise CheckFailed(
            f"{call}: in 150 crops the windows at (top, left) = {missing} never came up; "
            f"every position must be possible"
            + name_crop_mistake(student, last, image, size, last_seed, crops[:-1])
        )


def corners(height, width, size):
    """The five crops' (top, left), in the notebook's order: top-left, top-right, bottom-left,
    bottom-right, center."""
    return [
        (0, 0),
        (0, width - size),
        (height - size, 0),
        (height - size, width - size),
        ((height - size) // 2, (width - size) // 2),
    ]


def ten_crops_with(
    positions=corners,
    mirror=lambda image: image[:, ::-1],
    order=range(10),
    crop_mirrored=False,
):
    """A wrong version of ten_crops with one part swapped for a student's: the five crops'
    positions (``positions(height, width, size)``), the mirror image, the order of the ten, or
    the mirror crops made by mirroring each crop (``crop_mirrored``)."""

    def ten(image, size):
        windows = [
            (top, left, image[top : top + size, left : left + size])
            for top, left in positions(*image.shape[:2], size)
        ]
        if crop_mirrored:
            mirrored = [crop[:, ::-1] for _, _, crop in windows]
        else:
            flipped = mirror(image)
            mirrored = [flipped[top : top + size, left : left + size] for top, left, _ in windows]
        crops = [crop for _, _, crop in windows] + mirrored
        return np.stack([crops[k] for k in order])

    return guarded(ten)


TEN_CROPS_MISTAKES = {
    "the crops are stacked on the last axis: the ten crops are the first axis, "
    "(10, size, size, 3), crop k at [k]": lambda image, size: np.stack(
        list(reference.ten_crops(image, size)), axis=-1
    ),
    "only the five crops of the image: the ten crops are those five, then the same five of "
    "its mirror image": ten_crops_with(order=range(5)),
    "the five crops of the image come twice: the last five are those of its mirror image, "
    "image[:, ::-1]": ten_crops_with(order=[0, 1, 2, 3, 4] * 2),
    "the mirror image's crops come first: the ten crops are the five of the image, then the "
    "same five of its mirror image": ten_crops_with(order=[5, 6, 7, 8, 9, 0, 1, 2, 3, 4]),
    "each crop is followed by its mirror image's: the ten crops are the five of the image, "
    "then the same five of its mirror image": ten_crops_with(order=[0, 5, 1, 6, 2, 7, 3, 8, 4, 9]),
    "the center crop comes first: the order is top-left, top-right, bottom-left, "
    "bottom-right, center (for the image, then its mirror image)": ten_crops_with(
        order=[4, 0, 1, 2, 3, 9, 5, 6, 7, 8]
    ),
    "the top-right and bottom-left crops are swapped (the corners taken column by column): "
    "the order is top-left, top-right, bottom-left, bottom-right, center": ten_crops_with(
        order=[0, 2, 1, 3, 4, 5, 7, 6, 8, 9]
    ),
    "each crop is mirrored, not the image: the last five are the five crops of the mirror "
    "image, so its top-left crop mirrors the image's top-right corner": ten_crops_with(
        crop_mirrored=True
    ),
    "the mirror image is flipped upside down: its crops come from the horizontal flip, "
    "image[:, ::-1]": ten_crops_with(mirror=lambda image: image[::-1]),
    "the center crop's corner is height // 2 - size // 2, one pixel off when height - size is "
    "odd: the center's corner is ((height - size) // 2, (width - size) // 2)": ten_crops_with(
        positions=lambda height, width, size: (
            corners(height, width, size)[:4] + [(height // 2 - size // 2, width // 2 - size // 2)]
        )
    ),
    "the center crop's corner is rounded up: it is ((height - size) // 2, (width - size) // 2), "
    "rounded down": ten_crops_with(
        positions=lambda height, width, size: (
            corners(height, width, size)[:4]
            + [(-(-(height - size) // 2), -(-(width - size) // 2))]
        )
    ),
    "the bottom-right crop is one pixel up and to the left: its corner is "
    "(height - size, width - size), so that it ends at the last row and column": ten_crops_with(
        positions=lambda height, width, size: (
            corners(height, width, size)[:3]
            + [(height - size - 1, width - size - 1)]
            + corners(height, width, size)[4:]
        )
    ),
}


# Images on which the student's ten_crops is called again when two cataloged mistakes give its
# answer: every parity of height - size and width - size, where the centers' roundings part.
TEN_CROPS_PROBES = ((10, 11, 3), (11, 10, 4), (12, 12, 5), (13, 14, 4), (14, 13, 5), (15, 16, 6))


def name_ten_crops_mistake(student, returned, image, size) -> str:
    """The line naming the cataloged ten_crops mistake that gives what the student's function
    returned; '' when none does. Two can agree on one image (the center's corner rounded up,
    and taken as height // 2 - size // 2, agree when height is even and size odd): the
    student's function is then called on the probe images, until one of them is left."""
    if not (isinstance(returned, np.ndarray) and returned.dtype.kind in "biuf"):
        return ""
    got = returned.astype(np.float64)
    right = reference.ten_crops(image, size).astype(np.float64)
    matching = [
        why
        for why, wrong in TEN_CROPS_MISTAKES.items()
        if name_mistake(got, {why: wrong}, image, size, right_answer=right)
    ]
    if len(matching) > 1:
        probes = [
            (random_noise(np.random.default_rng(height * width), height, width), probe_size)
            for height, width, probe_size in TEN_CROPS_PROBES
        ]
        try:
            with unrecorded(student):  # the check's own probes, not the call that failed
                answers = [student.call("ten_crops", *probe) for probe in probes]
        except StudentCallFailed:
            answers = []
        matching = [
            why
            for why in matching
            if all(
                np.shape(answer) == np.shape(TEN_CROPS_MISTAKES[why](*probe))
                and np.array_equal(answer, TEN_CROPS_MISTAKES[why](*probe))
                for answer, probe in zip(answers, probes)
            )
        ] or matching
    return f"\n    {LIKELY_MISTAKE}{matching[0]}" if matching else ""


@CHECKS.check(
    "test_ten_crops",
    "Does it give the ten crops in order, for random sizes (odd margins included)?",
)
def ten(student, rng):
    for _ in range(3):
        image = random_photo(rng, (10, 40), (10, 40))
        size = int(rng.integers(3, min(image.shape[:2]) + 1))
        call = f"ten_crops(image of shape {image.shape}, size={size})"
        returned = student.call("ten_crops", image, size)
        try:
            got = as_named_image(returned, call, (10, size, size, 3))
        except CheckFailed as failure:
            raise CheckFailed(
                f"{failure}{name_ten_crops_mistake(student, returned, image, size)}"
            ) from None
        expected = reference.ten_crops(image, size)
        names = ["top-left", "top-right", "bottom-left", "bottom-right", "center"]
        for index in range(10):
            if not np.array_equal(got[index], expected[index]):
                which = names[index % 5] + (" of the mirror image" if index >= 5 else "")
                position = window_position(
                    got[index], image if index < 5 else reference.horizontal_flip(image)
                )
                found = f"; it is the window at (top, left) = {position}" if position else ""
                raise CheckFailed(
                    f"{call}: crop {index} should be the {which}{found}"
                    + name_ten_crops_mistake(student, returned, image, size)
                )


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
    "the contrast factor is drawn from the brightness range: c = rng.uniform(1 - contrast, "
    "1 + contrast), from its own argument": lambda image, B, C, rng: _jitter(
        image, *_factors(rng, B, B)
    ),
    "the factors are drawn around 0, rng.uniform(-brightness, brightness): they are factors "
    "around 1, b = rng.uniform(1 - brightness, 1 + brightness), and c the same way": (
        lambda image, B, C, rng: _jitter(image, rng.uniform(-B, B), rng.uniform(-C, C))
    ),
    "each channel gets a brightness factor of its own: b is one number, "
    "rng.uniform(1 - brightness, 1 + brightness), that multiplies the whole image": (
        lambda image, B, C, rng: _jitter(
            image, rng.uniform(1 - B, 1 + B, 3), rng.uniform(1 - C, 1 + C)
        )
    ),
    "the brightness is added, image + (b - 1) * 255: the brightness change multiplies the "
    "image by b, bright = b * image": lambda image, B, C, rng: _jitter(
        image, *_factors(rng, B, C), bright_of=lambda b, image: image + (b - 1) * 255
    ),
    "the factors' roles are swapped: the first draw, from the brightness range, is b, which "
    "multiplies the image (bright = b * image); the second, c, stretches the contrast": (
        lambda image, B, C, rng: _jitter(image, *_factors(rng, B, C)[::-1])
    ),
    "the contrast change multiplies the brightened image by c, a second brightness change: it "
    "stretches the values around their mean, mean + c (bright - mean)": (
        lambda image, B, C, rng: _jitter(
            image, *_factors(rng, B, C), mean_of=lambda bright, image: 0.0
        )
    ),
    "contrast is stretched around each pixel's own gray level (the mean of its three "
    "channels): the notebook's mean is one number, over every pixel and channel of the "
    "brightened image": lambda image, B, C, rng: _jitter(
        image,
        *_factors(rng, B, C),
        mean_of=lambda bright, image: bright.mean(axis=-1, keepdims=True),
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
    "these are the squared singular values of the centered pixels, the number of pixels times "
    "too large: the eigenvalues of the covariance are the squares divided by the number of "
    "pixels": lambda images: (lambda singular, vectors: (singular**2, vectors))(
        *_singular_values(images)
    ),
    "these are the standard deviations along the components, the square roots of the "
    "eigenvalues: return the eigenvalues of the covariance, the variances": lambda images: (
        lambda values, vectors: (np.sqrt(values), vectors)
    )(*_components(images)),
    "the pixels are centered by one mean over all three channels: each channel has its own "
    "mean, pixels.mean(axis=0), the mean color": lambda images: _largest_first(
        *np.linalg.eigh(
            (_pixels(images) - _pixels(images).mean()).T
            @ (_pixels(images) - _pixels(images).mean())
            / len(_pixels(images))
        )
    ),
    "the covariance of each image is averaged: the components are those of every pixel of "
    "every image together, one covariance of all the pixels (each image's own mean color "
    "is not subtracted)": lambda images: _largest_first(
        *np.linalg.eigh(
            np.mean(
                [
                    np.cov(_pixels(one), rowvar=False, bias=True)
                    for one in np.asarray(images).reshape(-1, *np.shape(images)[-3:])
                ],
                axis=0,
            )
        )
    ),
    "the covariance is divided by the number of values, three per pixel: np.cov(bias=True) "
    "divides by the number of pixels, the rows of the (number of pixels, 3) matrix": (
        lambda images: (lambda values, vectors: (values / 3, vectors))(*_components(images))
    ),
    "the pixels are scaled to 0..1 first, which divides the eigenvalues by 255**2: the "
    "notebook's components are those of the pixel values as they are, 0..255": (
        lambda images: (lambda values, vectors: (values / 255**2, vectors))(*_components(images))
    ),
    "this is the correlation matrix's (np.corrcoef), whose channels are scaled to unit "
    "variance: the components are the eigenvectors of the covariance, np.cov(..., bias=True)": (
        lambda images: _largest_first(*np.linalg.eigh(np.corrcoef(_pixels(images), rowvar=False)))
    ),
    "the eigenvalues are sorted but the eigenvectors are left in np.linalg.eigh's order: "
    "reorder the columns the same way, eigenvectors[:, order]": lambda images: (
        lambda values, vectors: (values[::-1], vectors)
    )(*np.linalg.eigh(np.cov(_pixels(images), rowvar=False, bias=True))),
    "the eigenvectors' rows are reordered, eigenvectors[order]: each eigenvector is a column, "
    "so the columns are sorted, eigenvectors[:, order]": lambda images: (
        lambda values, vectors: (values[::-1], vectors[::-1])
    )(*np.linalg.eigh(np.cov(_pixels(images), rowvar=False, bias=True))),
    "the eigenvectors are returned as rows: each principal direction is a column of the "
    "(3, 3) matrix, eigenvectors[:, k]": lambda images: (
        lambda values, vectors: (values, vectors.T)
    )(*_components(images)),
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
        try:
            result = components(pixels)
        except (ValueError, ArithmeticError):  # np.linalg.LinAlgError is a ValueError
            return np.empty(0), np.empty(0)  # a formula that cannot be computed here names nothing
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


def to_image(image, offset, rounding=np.rint):
    """The notebook's last step: add in floats, round, clip to 0..255, convert to uint8."""
    return np.clip(rounding(image + offset), 0, 255).astype(np.uint8)


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
    center=lambda sigma: 0.0,
    along_channels=False,
    summed=False,
    sign=1.0,
    rounding=np.rint,
    finish=to_image,
):
    """PCA color augmentation with one part swapped for a student's: the scale of each
    component (sqrt of its eigenvalue), the components as rows, draws per pixel or a single
    one, the center and the spread of the draws, the offset added to the channels as it is
    (no eigenvectors; ``summed``: its sum to all three), the offset's sign, the rounding, the
    last step."""
    scales = scale(np.asarray(values, dtype=np.float64))
    if per_pixel:
        offset = (rng.normal(center(sigma), spread(sigma), image.shape) * scales) @ vectors.T
    else:
        alpha = (
            rng.normal(center(sigma), spread(sigma))
            if one_draw
            else rng.normal(center(sigma), spread(sigma), 3)
        )
        if along_channels:
            offset = np.sum(alpha * scales) if summed else alpha * scales
        else:
            offset = (vectors.T if rows else vectors) @ (alpha * scales)
    return finish(image, sign * offset, rounding)


# Wrong versions of pca_color, taking its arguments (the check calls them with a generator
# seeded as the student's was).
PCA_MISTAKES = {
    "the offset uses the eigenvalues; "
    "the notebook's form uses their square roots, the standard deviations": (
        lambda *args: _pca_color(*args, scale=lambda values: values)
    ),
    "the offset is eigenvectors.T @ ...; the components are the columns: "
    "eigenvectors @ (alpha * sqrt(eigenvalues))": lambda *args: _pca_color(*args, rows=True),
    "the offset alpha * sqrt(eigenvalues) is added to the channels as it is, red, green, blue: "
    "it is a color along the principal components, eigenvectors @ (alpha * sqrt(eigenvalues))": (
        lambda *args: _pca_color(*args, along_channels=True)
    ),
    "the offset is one number, sum(alpha * sqrt(eigenvalues)), added to all three channels (a "
    "gray shift): it is a color, eigenvectors @ (alpha * sqrt(eigenvalues)), one value per "
    "channel": lambda *args: _pca_color(*args, along_channels=True, summed=True),
    "each pixel gets offsets of its own: one offset ζ_k per component is drawn for the whole "
    "image and added to every pixel": lambda *args: _pca_color(*args, per_pixel=True),
    "one offset is drawn for all three components: each component q_k gets its own "
    "ζ_k ~ N(0, σ_pca^2)": lambda *args: _pca_color(*args, one_draw=True),
    "the spread is squared: σ_pca is the standard deviation of each ζ_k, "
    "the scale rng.normal takes": lambda *args: _pca_color(*args, spread=lambda sigma: sigma**2),
    "sigma is the center of the draws, rng.normal(sigma, 1, 3): the offsets are drawn around "
    "0 with spread sigma, rng.normal(0, sigma, 3)": lambda *args: _pca_color(
        *args, center=lambda sigma: sigma, spread=lambda sigma: 1.0
    ),
    "sigma is ignored, the draws have spread 1 (rng.standard_normal): each ζ_k ~ N(0, σ_pca^2), "
    "rng.normal(0, sigma, 3)": lambda *args: _pca_color(*args, spread=lambda sigma: 1.0),
    "the offset is subtracted: it is added to every pixel": lambda *args: _pca_color(
        *args, sign=-1.0
    ),
    "values wrap around past 255 and below 0, as when the offset is converted to uint8 before "
    "it is added or the sum is not clipped: add the offset in floats, then round, clip to "
    "0..255 and convert to uint8": lambda *args: _pca_color(
        *args,
        finish=lambda image, offset, rounding: (
            np.rint(image + offset).astype(np.int64).astype(np.uint8)
        ),
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


def positions(length, size):
    """The positions a window of ``size`` can take along an axis of ``length``."""
    return length - size + 1


# Wrong counts, taking training_crop_count's arguments.
CROP_COUNT_MISTAKES = {
    "the flip is not counted: each of the (height - size + 1)(width - size + 1) windows comes "
    "mirrored or not, two draws": lambda height, width, size: (
        positions(height, size) * positions(width, size)
    ),
    "each axis has one position too few, height - size: a window of size fits at "
    "height - size + 1 rows (0 to height - size, both included), and the same for the "
    "columns": lambda height, width, size: 2 * (height - size) * (width - size),
    "each axis has one position too many, height - size + 2: a window of size fits at "
    "height - size + 1 rows (0 to height - size), and the same for the columns": (
        lambda height, width, size: 2 * (height - size + 2) * (width - size + 2)
    ),
    "every pixel is counted as a corner, 2 height width: a window must fit inside the image, "
    "so its top-left corner has (height - size + 1)(width - size + 1) places": (
        lambda height, width, size: 2 * height * width
    ),
    "the image is taken as square, with the height's positions on both axes: the columns "
    "have width - size + 1 positions of their own": lambda height, width, size: (
        2 * positions(height, size) ** 2
    ),
    "the image is taken as square, with the width's positions on both axes: the rows have "
    "height - size + 1 positions of their own": lambda height, width, size: (
        2 * positions(width, size) ** 2
    ),
    "the flip's two choices are added to the positions: every window comes mirrored or not, "
    "so the count of windows is multiplied by 2": lambda height, width, size: (
        positions(height, size) * positions(width, size) + 2
    ),
    "the positions of the two axes are added: every top goes with every left, so their "
    "counts multiply, (height - size + 1)(width - size + 1), times 2 for the flip": (
        lambda height, width, size: 2 * (positions(height, size) + positions(width, size))
    ),
    "four flips are counted (a vertical flip too): the recipe flips horizontally only, with "
    "probability 1/2, two choices": lambda height, width, size: (
        4 * positions(height, size) * positions(width, size)
    ),
}


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
                + name_mistake(number, CROP_COUNT_MISTAKES, height, width, size)
            )
