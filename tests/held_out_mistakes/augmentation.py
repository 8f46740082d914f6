"""Held-out wrong versions of the data-augmentation exercise: horizontal_flip, random_crop,
ten_crops, color_jitter, rgb_principal_components, pca_color and training_crop_count."""

import numpy as np

# --- horizontal_flip -------------------------------------------------------------------------


def horizontal_flip_upside_down(image):
    return image[::-1].copy()


def horizontal_flip_channels_reversed(image):
    return image[:, :, ::-1].copy()


def horizontal_flip_returns_view(image):
    return image[:, ::-1]


def horizontal_flip_off_by_one(image):
    out = np.empty_like(image)
    for j in range(image.shape[1]):
        out[:, j] = image[:, -j]
    return out


def horizontal_flip_every_axis(image):
    return np.flip(image).copy()


# --- random_crop -----------------------------------------------------------------------------


def random_crop_left_drawn_first(image, size, rng):
    height, width = image.shape[:2]
    left = rng.integers(0, width - size + 1)
    top = rng.integers(0, height - size + 1)
    return image[top : top + size, left : left + size].copy()


def random_crop_exclusive_upper_bound(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size)
    left = rng.integers(0, width - size)
    return image[top : top + size, left : left + size].copy()


def random_crop_one_draw_for_both(image, size, rng):
    height, width = image.shape[:2]
    top = left = rng.integers(0, min(height, width) - size + 1)
    return image[top : top + size, left : left + size].copy()


def random_crop_returns_view(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1)
    left = rng.integers(0, width - size + 1)
    return image[top : top + size, left : left + size]


def random_crop_indices_swapped(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size + 1)
    left = rng.integers(0, width - size + 1)
    return image[left : left + size, top : top + size].copy()


# --- ten_crops -------------------------------------------------------------------------------


def ten_crops_corner_order(image, size):
    height, width = image.shape[:2]
    corners = [
        (0, 0),
        (height - size, 0),
        (0, width - size),
        (height - size, width - size),
        ((height - size) // 2, (width - size) // 2),
    ]
    mirror = image[:, ::-1]
    return np.stack(
        [src[t : t + size, c : c + size] for src in (image, mirror) for t, c in corners]
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
    crops = [image[t : t + size, c : c + size] for t, c in corners]
    return np.stack(crops + [crop[:, ::-1] for crop in crops])


def ten_crops_center_from_halves(image, size):
    height, width = image.shape[:2]
    corners = [
        (0, 0),
        (0, width - size),
        (height - size, 0),
        (height - size, width - size),
        (height // 2 - size // 2, width // 2 - size // 2),
    ]
    mirror = image[:, ::-1]
    return np.stack(
        [src[t : t + size, c : c + size] for src in (image, mirror) for t, c in corners]
    )


def ten_crops_interleaved(image, size):
    height, width = image.shape[:2]
    corners = [
        (0, 0),
        (0, width - size),
        (height - size, 0),
        (height - size, width - size),
        ((height - size) // 2, (width - size) // 2),
    ]
    mirror = image[:, ::-1]
    return np.stack(
        [src[t : t + size, c : c + size] for t, c in corners for src in (image, mirror)]
    )


def ten_crops_vertical_mirror(image, size):
    height, width = image.shape[:2]
    corners = [
        (0, 0),
        (0, width - size),
        (height - size, 0),
        (height - size, width - size),
        ((height - size) // 2, (width - size) // 2),
    ]
    mirror = image[::-1]
    return np.stack(
        [src[t : t + size, c : c + size] for src in (image, mirror) for t, c in corners]
    )


# --- color_jitter ----------------------------------------------------------------------------


def color_jitter_contrast_drawn_first(image, brightness, contrast, rng):
    c = rng.uniform(1 - contrast, 1 + contrast)
    b = rng.uniform(1 - brightness, 1 + brightness)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return np.clip(np.rint(mean + c * (bright - mean)), 0, 255).astype(np.uint8)


def color_jitter_mean_per_channel(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean(axis=(0, 1))
    return np.clip(np.rint(mean + c * (bright - mean)), 0, 255).astype(np.uint8)


def color_jitter_mean_of_original(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    mean = image.mean()
    bright = b * image.astype(np.float64)
    return np.clip(np.rint(mean + c * (bright - mean)), 0, 255).astype(np.uint8)


def color_jitter_truncates(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return np.clip(mean + c * (bright - mean), 0, 255).astype(np.uint8)


def color_jitter_no_clip(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return np.rint(mean + c * (bright - mean)).astype(np.int64).astype(np.uint8)


def color_jitter_contrast_uses_brightness_range(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - brightness, 1 + brightness)
    bright = b * image.astype(np.float64)
    mean = bright.mean()
    return np.clip(np.rint(mean + c * (bright - mean)), 0, 255).astype(np.uint8)


# --- rgb_principal_components ----------------------------------------------------------------


def rgb_principal_components_ascending(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    covariance = np.cov(pixels, rowvar=False, bias=True)
    return np.linalg.eigh(covariance)


def rgb_principal_components_unbiased_covariance(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    covariance = np.cov(pixels, rowvar=False)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    return eigenvalues[::-1], eigenvectors[:, ::-1]


def rgb_principal_components_vectors_as_rows(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    covariance = np.cov(pixels, rowvar=False, bias=True)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1]
    return eigenvalues[order], eigenvectors[:, order].T


def rgb_principal_components_not_centered(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    second_moment = pixels.T @ pixels / len(pixels)
    eigenvalues, eigenvectors = np.linalg.eigh(second_moment)
    return eigenvalues[::-1], eigenvectors[:, ::-1]


def rgb_principal_components_vectors_not_reordered(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    covariance = np.cov(pixels, rowvar=False, bias=True)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    return np.sort(eigenvalues)[::-1], eigenvectors


def rgb_principal_components_uint8_products(images):
    pixels = np.asarray(images).reshape(-1, 3)
    mean = pixels.mean(axis=0)
    covariance = (pixels.T @ pixels) / len(pixels) - np.outer(mean, mean)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    return eigenvalues[::-1], eigenvectors[:, ::-1]


# --- pca_color -------------------------------------------------------------------------------


def pca_color_eigenvalues_not_rooted(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    offset = eigenvectors @ (alpha * eigenvalues)
    return np.clip(np.rint(image + offset), 0, 255).astype(np.uint8)


def pca_color_eigenvectors_as_rows(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    offset = eigenvectors.T @ (alpha * np.sqrt(eigenvalues))
    return np.clip(np.rint(image + offset), 0, 255).astype(np.uint8)


def pca_color_offset_per_pixel(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, image.shape)
    offset = (alpha * np.sqrt(eigenvalues)) @ eigenvectors.T
    return np.clip(np.rint(image + offset), 0, 255).astype(np.uint8)


def pca_color_forgets_sigma(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.standard_normal(3)
    offset = eigenvectors @ (alpha * np.sqrt(eigenvalues))
    return np.clip(np.rint(image + offset), 0, 255).astype(np.uint8)


def pca_color_truncates(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    offset = eigenvectors @ (alpha * np.sqrt(eigenvalues))
    return np.clip(image + offset, 0, 255).astype(np.uint8)


# --- training_crop_count ---------------------------------------------------------------------


def training_crop_count_forgets_plus_one(height, width, size):
    return 2 * (height - size) * (width - size)


def training_crop_count_forgets_flip(height, width, size):
    return (height - size + 1) * (width - size + 1)


def training_crop_count_height_twice(height, width, size):
    return 2 * (height - size + 1) ** 2


def training_crop_count_every_pixel(height, width, size):
    return 2 * height * width


HELD_OUT = {
    "horizontal_flip": {
        "flips rows (upside down) instead of columns": horizontal_flip_upside_down,
        "reverses the color channels instead of the columns": horizontal_flip_channels_reversed,
        "returns a view of the input, not a new array": horizontal_flip_returns_view,
        "column j from column -j: column 0 stays, the rest shift": horizontal_flip_off_by_one,
        "np.flip without an axis: flips rows, columns and channels": (horizontal_flip_every_axis),
    },
    "random_crop": {
        "draws left before top": random_crop_left_drawn_first,
        "upper bound height - size, exclusive: last position never drawn": (
            random_crop_exclusive_upper_bound
        ),
        "one draw used for both top and left": random_crop_one_draw_for_both,
        "returns a view of the image, not a copy": random_crop_returns_view,
        "slices image[left:..., top:...]: coordinates swapped": random_crop_indices_swapped,
    },
    "ten_crops": {
        "corner order: bottom-left before top-right": ten_crops_corner_order,
        "mirrors each of the five crops instead of cropping the mirror image": (
            ten_crops_mirrors_each_crop
        ),
        "center corner at height // 2 - size // 2 (rounds differently)": (
            ten_crops_center_from_halves
        ),
        "each crop followed by its mirror (interleaved)": ten_crops_interleaved,
        "second five from an upside-down image": ten_crops_vertical_mirror,
    },
    "color_jitter": {
        "contrast factor drawn before the brightness factor": color_jitter_contrast_drawn_first,
        "mean per channel instead of over all pixels and channels": (
            color_jitter_mean_per_channel
        ),
        "mean of the original image, not of the brightened one": color_jitter_mean_of_original,
        "truncates (astype) instead of rounding": color_jitter_truncates,
        "no clip: values outside 0..255 wrap around in uint8": color_jitter_no_clip,
        "contrast factor drawn from the brightness range": (
            color_jitter_contrast_uses_brightness_range
        ),
    },
    "rgb_principal_components": {
        "eigh's ascending order kept": rgb_principal_components_ascending,
        "covariance divided by N - 1 (np.cov's default)": (
            rgb_principal_components_unbiased_covariance
        ),
        "eigenvectors returned as rows (transposed)": rgb_principal_components_vectors_as_rows,
        "not centered: pixels^T pixels / N": rgb_principal_components_not_centered,
        "eigenvalues sorted, eigenvectors left in the old order": (
            rgb_principal_components_vectors_not_reordered
        ),
        "products of uint8 pixels: the sums overflow": rgb_principal_components_uint8_products,
    },
    "pca_color": {
        "multiplies by the eigenvalues, not their square roots": (
            pca_color_eigenvalues_not_rooted
        ),
        "eigenvectors taken as rows: eigenvectors.T @ ...": pca_color_eigenvectors_as_rows,
        "a new offset for every pixel: draws image.shape normals": pca_color_offset_per_pixel,
        "forgets sigma: rng.standard_normal(3)": pca_color_forgets_sigma,
        "truncates (astype) instead of rounding": pca_color_truncates,
    },
    "training_crop_count": {
        "forgets the + 1: (height - size) (width - size) positions": (
            training_crop_count_forgets_plus_one
        ),
        "forgets the flip: no factor 2": training_crop_count_forgets_flip,
        "height's positions used for the width too": training_crop_count_height_twice,
        "every pixel a position: 2 height width": training_crop_count_every_pixel,
    },
}
