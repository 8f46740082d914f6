"""Student mistakes in the data-augmentation exercise (flips, crops, color changes), written
from the notebook's docstrings and the chapter, not from the checks' catalogs."""

import numpy as np


def _to_uint8(values):
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def flip_upside_down(image):
    return image[::-1].copy()


def flip_channels(image):
    return image[:, :, ::-1].copy()


def flip_by_transpose(image):
    return image.transpose(1, 0, 2).copy()


def flip_every_axis(image):
    return np.flip(image).copy()


def flip_as_float(image):
    return image[:, ::-1].astype(np.float64)


def flip_by_shifting_columns(image):
    return np.roll(image[:, ::-1], 1, axis=1)


def crop_left_drawn_first(image, size, rng):
    height, width = image.shape[:2]
    left = rng.integers(0, width - size + 1)
    top = rng.integers(0, height - size + 1)
    return image[top : top + size, left : left + size].copy()


def crop_never_at_the_last_position(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size)
    left = rng.integers(0, width - size)
    return image[top : top + size, left : left + size].copy()


def crop_bounds_from_width_only(image, size, rng):
    width = image.shape[1]
    top = rng.integers(0, width - size + 1)
    left = rng.integers(0, width - size + 1)
    return image[top : top + size, left : left + size].copy()


def crop_one_pixel_short(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1)
    left = rng.integers(0, width - size + 1)
    return image[top : top + size - 1, left : left + size - 1].copy()


def crop_top_and_left_swapped_in_slice(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1)
    left = rng.integers(0, width - size + 1)
    return image[left : left + size, top : top + size].copy()


def crop_position_from_uniform(image, size, rng):
    height, width = image.shape[:2]
    top = int(rng.uniform(0, height - size + 1))
    left = int(rng.uniform(0, width - size + 1))
    return image[top : top + size, left : left + size].copy()


def crop_with_global_random(image, size, rng):
    height, width = image.shape[:2]
    top = np.random.randint(0, height - size + 1)
    left = np.random.randint(0, width - size + 1)
    return image[top : top + size, left : left + size].copy()


def crop_high_bound_included(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1, endpoint=True)
    left = rng.integers(0, width - size + 1, endpoint=True)
    return image[top : top + size, left : left + size].copy()


def _ten_crops(image, size, corners_of, mirror=lambda image: image[:, ::-1]):
    crops = [
        source[top : top + size, left : left + size]
        for source in (image, mirror(image))
        for top, left in corners_of(*image.shape[:2])
    ]
    return np.stack(crops)


def _right_ten_crops(image, size):
    return _ten_crops(
        image,
        size,
        lambda height, width: [
            (0, 0),
            (0, width - size),
            (height - size, 0),
            (height - size, width - size),
            ((height - size) // 2, (width - size) // 2),
        ],
    )


def ten_crops_center_from_halves(image, size):
    return _ten_crops(
        image,
        size,
        lambda height, width: [
            (0, 0),
            (0, width - size),
            (height - size, 0),
            (height - size, width - size),
            (height // 2 - size // 2, width // 2 - size // 2),
        ],
    )


def ten_crops_center_rounded_up(image, size):
    return _ten_crops(
        image,
        size,
        lambda height, width: [
            (0, 0),
            (0, width - size),
            (height - size, 0),
            (height - size, width - size),
            (-(-(height - size) // 2), -(-(width - size) // 2)),
        ],
    )


def ten_crops_top_right_and_bottom_left_swapped(image, size):
    return _ten_crops(
        image,
        size,
        lambda height, width: [
            (0, 0),
            (height - size, 0),
            (0, width - size),
            (height - size, width - size),
            ((height - size) // 2, (width - size) // 2),
        ],
    )


def ten_crops_mirrors_each_crop(image, size):
    height, width = image.shape[:2]
    corners = [
        (0, 0),
        (0, width - size),
        (height - size, 0),
        (height - size, width - size),
        ((height - size) // 2, (width - size) // 2),
    ]
    crops = [image[top : top + size, left : left + size] for top, left in corners]
    return np.stack(crops + [crop[:, ::-1] for crop in crops])


def ten_crops_vertical_mirror(image, size):
    height, width = image.shape[:2]
    corners = [
        (0, 0),
        (0, width - size),
        (height - size, 0),
        (height - size, width - size),
        ((height - size) // 2, (width - size) // 2),
    ]
    return _ten_crops(image, size, lambda *_: corners, mirror=lambda image: image[::-1])


def ten_crops_mirror_first(image, size):
    crops = _right_ten_crops(image, size)
    return np.concatenate([crops[5:], crops[:5]])


def ten_crops_interleaved(image, size):
    crops = _right_ten_crops(image, size)
    return np.stack([crops[k // 2 + 5 * (k % 2)] for k in range(10)])


def ten_crops_bottom_right_one_short(image, size):
    return _ten_crops(
        image,
        size,
        lambda height, width: [
            (0, 0),
            (0, width - size),
            (height - size, 0),
            (height - size - 1, width - size - 1),
            ((height - size) // 2, (width - size) // 2),
        ],
    )


def ten_crops_stacked_on_last_axis(image, size):
    return np.stack(list(_right_ten_crops(image, size)), axis=-1)


def ten_crops_height_and_width_swapped(image, size):
    return _ten_crops(
        image,
        size,
        lambda height, width: [
            (0, 0),
            (0, height - size),
            (width - size, 0),
            (width - size, height - size),
            ((width - size) // 2, (height - size) // 2),
        ],
    )


def jitter_contrast_drawn_first(image, brightness, contrast, rng):
    c = rng.uniform(1 - contrast, 1 + contrast)
    b = rng.uniform(1 - brightness, 1 + brightness)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return _to_uint8(mean + c * (bright - mean))


def jitter_mean_of_original(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = image.mean()
    return _to_uint8(mean + c * (bright - mean))


def jitter_mean_per_channel(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean(axis=(0, 1))
    return _to_uint8(mean + c * (bright - mean))


def jitter_truncates(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return np.clip(mean + c * (bright - mean), 0, 255).astype(np.uint8)


def jitter_not_clipped(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return np.rint(mean + c * (bright - mean)).astype(np.int64).astype(np.uint8)


def jitter_contrast_range_from_brightness(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - brightness, 1 + brightness)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return _to_uint8(mean + c * (bright - mean))


def jitter_bright_cast_to_uint8(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = (b * image).astype(np.uint8).astype(np.float64)
    mean = bright.mean()
    return _to_uint8(mean + c * (bright - mean))


def jitter_contrast_about_128(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    return _to_uint8(128 + c * (bright - 128))


def jitter_mean_not_added_back(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    return _to_uint8(c * (bright - bright.mean()))


def _right_components(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    values, vectors = np.linalg.eigh(np.cov(pixels, rowvar=False, bias=True))
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def components_sample_covariance(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    values, vectors = np.linalg.eigh(np.cov(pixels, rowvar=False))
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def components_increasing_order(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    return np.linalg.eigh(np.cov(pixels, rowvar=False, bias=True))


def components_as_rows(images):
    values, vectors = _right_components(images)
    return values, vectors.T


def components_vectors_not_reordered(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    values, vectors = np.linalg.eigh(np.cov(pixels, rowvar=False, bias=True))
    return values[::-1], vectors


def components_not_centered(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    values, vectors = np.linalg.eigh(pixels.T @ pixels / len(pixels))
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def components_channels_mixed_by_reshape(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(3, -1).T
    values, vectors = np.linalg.eigh(np.cov(pixels, rowvar=False, bias=True))
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def components_of_one_image_only(images):
    images = np.asarray(images, dtype=np.float64)
    pixels = images.reshape(images.shape[0] * images.shape[1], 3)
    values, vectors = np.linalg.eigh(np.cov(pixels, rowvar=False, bias=True))
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def components_of_pixels_scaled_to_one(images):
    return _right_components(np.asarray(images) / 255.0)


def components_singular_values(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    _, singular, vt = np.linalg.svd(pixels - pixels.mean(axis=0), full_matrices=False)
    return singular, vt.T


def pca_eigenvalues_not_square_rooted(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    return _to_uint8(image + eigenvectors @ (alpha * eigenvalues))


def pca_eigenvectors_as_rows(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    return _to_uint8(image + eigenvectors.T @ (alpha * np.sqrt(eigenvalues)))


def pca_alpha_per_pixel(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, image.shape)
    return _to_uint8(image + (alpha * np.sqrt(eigenvalues)) @ eigenvectors.T)


def pca_one_alpha_for_all_components(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma)
    return _to_uint8(image + eigenvectors @ (alpha * np.sqrt(eigenvalues)))


def pca_truncates(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    offset = eigenvectors @ (alpha * np.sqrt(eigenvalues))
    return np.clip(image + offset, 0, 255).astype(np.uint8)


def pca_not_clipped(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    offset = eigenvectors @ (alpha * np.sqrt(eigenvalues))
    return np.rint(image + offset).astype(np.int64).astype(np.uint8)


def pca_variance_for_std(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma**2, 3)
    return _to_uint8(image + eigenvectors @ (alpha * np.sqrt(eigenvalues)))


def pca_offset_subtracted(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    return _to_uint8(image - eigenvectors @ (alpha * np.sqrt(eigenvalues)))


def pca_sigma_ignored(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.standard_normal(3)
    return _to_uint8(image + eigenvectors @ (alpha * np.sqrt(eigenvalues)))


MISTAKES = {
    "horizontal_flip": {
        "flips upside down (rows) instead of left to right": flip_upside_down,
        "reverses the color channels": flip_channels,
        "transposes the image": flip_by_transpose,
        "np.flip without an axis: flips rows, columns and channels": flip_every_axis,
        "returns float64 instead of uint8": flip_as_float,
        "mirror shifted by one column (out[:, j] = image[:, width - j])": flip_by_shifting_columns,
    },
    "random_crop": {
        "left drawn before top": crop_left_drawn_first,
        "high bound height - size (exclusive): never the last position": (
            crop_never_at_the_last_position
        ),
        "both positions drawn below width - size + 1 (square images assumed)": (
            crop_bounds_from_width_only
        ),
        "window one pixel short: size - 1 rows and columns": crop_one_pixel_short,
        "top and left swapped in the slice": crop_top_and_left_swapped_in_slice,
        "positions from int(rng.uniform(...)) instead of rng.integers": (
            crop_position_from_uniform
        ),
        "draws from np.random instead of the rng given": crop_with_global_random,
        "endpoint=True with the high bound + 1: a window may run off the edge": (
            crop_high_bound_included
        ),
    },
    "ten_crops": {
        "center corner at height // 2 - size // 2 (wrong for odd differences)": (
            ten_crops_center_from_halves
        ),
        "center corner rounded up": ten_crops_center_rounded_up,
        "top-right and bottom-left swapped": ten_crops_top_right_and_bottom_left_swapped,
        "mirrors each crop instead of cropping the mirror image": ten_crops_mirrors_each_crop,
        "the mirror image flipped upside down": ten_crops_vertical_mirror,
        "mirror crops first, then the originals": ten_crops_mirror_first,
        "interleaved: each crop followed by its mirror's": ten_crops_interleaved,
        "bottom-right corner one pixel up and left": ten_crops_bottom_right_one_short,
        "crops stacked on the last axis": ten_crops_stacked_on_last_axis,
        "height and width swapped in the corners": ten_crops_height_and_width_swapped,
    },
    "color_jitter": {
        "contrast drawn before brightness": jitter_contrast_drawn_first,
        "mean of the original image instead of the brightened one": jitter_mean_of_original,
        "mean per channel instead of over all values": jitter_mean_per_channel,
        "truncated instead of rounded": jitter_truncates,
        "not clipped: values wrap around in uint8": jitter_not_clipped,
        "contrast factor drawn from the brightness range": jitter_contrast_range_from_brightness,
        "brightened image cast to uint8 before the contrast": jitter_bright_cast_to_uint8,
        "contrast about 128 instead of the mean": jitter_contrast_about_128,
        "the mean not added back": jitter_mean_not_added_back,
    },
    "rgb_principal_components": {
        "np.cov's default: divided by the number of pixels - 1": components_sample_covariance,
        "eigh's increasing order kept": components_increasing_order,
        "eigenvectors returned as rows": components_as_rows,
        "eigenvalues reversed but eigenvectors left in eigh's order": (
            components_vectors_not_reordered
        ),
        "pixels not centered (second moment instead of covariance)": components_not_centered,
        "reshape(3, -1) mixes the channels": components_channels_mixed_by_reshape,
        "reshape assumes one image: fails for a batch": components_of_one_image_only,
        "pixels scaled to 0..1 first": components_of_pixels_scaled_to_one,
        "singular values of the centered pixels instead of the eigenvalues": (
            components_singular_values
        ),
    },
    "pca_color": {
        "multiplies alpha by the eigenvalues, not their square roots": (
            pca_eigenvalues_not_square_rooted
        ),
        "eigenvectors used as rows": pca_eigenvectors_as_rows,
        "a new alpha drawn for every pixel": pca_alpha_per_pixel,
        "one alpha for all three components": pca_one_alpha_for_all_components,
        "truncated instead of rounded": pca_truncates,
        "not clipped: values wrap around in uint8": pca_not_clipped,
        "sigma ** 2 as the standard deviation": pca_variance_for_std,
        "offset subtracted": pca_offset_subtracted,
        "sigma ignored: alpha from rng.standard_normal(3)": pca_sigma_ignored,
    },
}


# Held out: written after the checks' catalogs were grown from MISTAKES, without reading them.


def held_to_uint8(values):
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def held_flip_view(image):
    return image[:, ::-1]


def held_flip_in_place(image):
    image[:] = image[:, ::-1].copy()
    return image


def held_flip_rotated(image):
    return np.rot90(image, 2).copy()


def held_crop_view(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1)
    left = rng.integers(0, width - size + 1)
    return image[top : top + size, left : left + size]


def held_crop_left_equals_top(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1)
    left = top
    return image[top : top + size, left : left + size].copy()


def held_crop_channels_dropped(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1)
    left = rng.integers(0, width - size + 1)
    return image[top : top + size, left : left + size, 0].copy()


def held_corners(height, width, size):
    return [
        (0, 0),
        (0, width - size),
        (height - size, 0),
        (height - size, width - size),
        ((height - size) // 2, (width - size) // 2),
    ]


def held_ten_crops_five_only(image, size):
    height, width = image.shape[:2]
    return np.stack(
        [image[t : t + size, c : c + size] for t, c in held_corners(height, width, size)]
    )


def held_ten_crops_center_first(image, size):
    height, width = image.shape[:2]
    corners = held_corners(height, width, size)
    corners = corners[-1:] + corners[:-1]
    return np.stack(
        [s[t : t + size, c : c + size] for s in (image, image[:, ::-1]) for t, c in corners]
    )


def held_ten_crops_corner_order(image, size):
    height, width = image.shape[:2]
    corners = held_corners(height, width, size)
    corners = [corners[0], corners[2], corners[1], corners[3], corners[4]]
    return np.stack(
        [s[t : t + size, c : c + size] for s in (image, image[:, ::-1]) for t, c in corners]
    )


def held_jitter_brightness_per_channel(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness, 3)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return held_to_uint8(mean + c * (bright - mean))


def held_jitter_additive_brightness(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = image.astype(np.float64) + (b - 1) * 255
    mean = bright.mean()
    return held_to_uint8(mean + c * (bright - mean))


def held_jitter_offsets_as_factors(image, brightness, contrast, rng):
    b = rng.uniform(-brightness, brightness)
    c = rng.uniform(-contrast, contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return held_to_uint8(mean + c * (bright - mean))


def held_components_standard_deviations(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(pixels, rowvar=False, bias=True))
    order = np.argsort(eigenvalues)[::-1]
    return np.sqrt(eigenvalues[order]), eigenvectors[:, order]


def held_components_scalar_mean(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    centered = pixels - pixels.mean()
    eigenvalues, eigenvectors = np.linalg.eigh(centered.T @ centered / len(pixels))
    order = np.argsort(eigenvalues)[::-1]
    return eigenvalues[order], eigenvectors[:, order]


def held_components_mean_over_images(images):
    images = np.asarray(images, dtype=np.float64)
    stack = images.reshape(-1, *images.shape[-3:])
    covariance = np.mean(
        [np.cov(one.reshape(-1, 3), rowvar=False, bias=True) for one in stack], axis=0
    )
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1]
    return eigenvalues[order], eigenvectors[:, order]


def held_pca_offset_cast_first(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    offset = eigenvectors @ (alpha * np.sqrt(eigenvalues))
    return np.clip(image + np.rint(offset).astype(np.uint8), 0, 255).astype(np.uint8)


def held_pca_sigma_as_mean(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(sigma, 1.0, 3)
    offset = eigenvectors @ (alpha * np.sqrt(eigenvalues))
    return held_to_uint8(image.astype(np.float64) + offset)


def held_pca_offset_per_channel(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    return held_to_uint8(image.astype(np.float64) + alpha * np.sqrt(eigenvalues))


def held_crop_count_no_flip(height, width, size):
    return (height - size + 1) * (width - size + 1)


def held_crop_count_off_by_one(height, width, size):
    return 2 * (height - size) * (width - size)


def held_crop_count_every_pixel(height, width, size):
    return 2 * height * width


def held_crop_count_square(height, width, size):
    return 2 * (height - size + 1) ** 2


SECOND_ROUND = {
    "horizontal_flip": {
        "returns a view: writing to it changes the image": held_flip_view,
        "flips the image in place": held_flip_in_place,
        "rotates by 180 degrees (flips rows too)": held_flip_rotated,
    },
    "random_crop": {
        "returns a view of the image": held_crop_view,
        "one draw for both: left = top": held_crop_left_equals_top,
        "keeps only the first channel": held_crop_channels_dropped,
    },
    "ten_crops": {
        "the five crops of the image only, no mirror": held_ten_crops_five_only,
        "center crop first, then the corners": held_ten_crops_center_first,
        "corners column by column: bottom-left before top-right": held_ten_crops_corner_order,
    },
    "color_jitter": {
        "a brightness factor per channel": held_jitter_brightness_per_channel,
        "brightness added: image + (b - 1) * 255": held_jitter_additive_brightness,
        "factors drawn around 0: uniform(-brightness, brightness)": (
            held_jitter_offsets_as_factors
        ),
    },
    "rgb_principal_components": {
        "returns the standard deviations (square roots of the eigenvalues)": (
            held_components_standard_deviations
        ),
        "centered by one mean over all channels": held_components_scalar_mean,
        "covariance of each image, averaged": held_components_mean_over_images,
    },
    "pca_color": {
        "offset cast to uint8 before adding: negative offsets wrap": held_pca_offset_cast_first,
        "rng.normal(sigma, 1, 3): sigma as the mean": held_pca_sigma_as_mean,
        "offset alpha * sqrt(eigenvalues) per channel, no eigenvectors": (
            held_pca_offset_per_channel
        ),
    },
    "training_crop_count": {
        "flip forgotten: positions only": held_crop_count_no_flip,
        "(height - size) (width - size): positions one short": held_crop_count_off_by_one,
        "2 height width: every pixel a corner": held_crop_count_every_pixel,
        "square images assumed: (height - size + 1) ** 2": held_crop_count_square,
    },
}
