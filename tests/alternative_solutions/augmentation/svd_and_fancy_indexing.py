"""Vectorized differently from the reference: flips and crops by index arrays, the draws with
endpoint=True, the mean for color jitter as a sum divided by the count (per channel first),
the principal components from the SVD of the centered pixels (s**2 / N are the eigenvalues,
the right singular vectors the eigenvectors), and the PCA offset as a row vector times the
transposed eigenvectors."""


def horizontal_flip(image):
    columns = np.arange(image.shape[1] - 1, -1, -1)
    return np.take(image, columns, axis=1)


def random_crop(image, size, rng):
    height, width = image.shape[:2]
    top = rng.integers(0, height - size, endpoint=True)
    left = rng.integers(0, width - size, endpoint=True)
    rows, columns = np.arange(top, top + size), np.arange(left, left + size)
    return image[np.ix_(rows, columns)]


def ten_crops(image, size):
    height, width = image.shape[:2]
    tops = [0, 0, height - size, height - size, (height - size) // 2]
    lefts = [0, width - size, 0, width - size, (width - size) // 2]
    mirror = horizontal_flip(image)
    crops = []
    for source in (image, mirror):
        for top, left in zip(tops, lefts):
            crops.append(source[np.ix_(np.arange(top, top + size), np.arange(left, left + size))])
    return np.array(crops, dtype=np.uint8)


def color_jitter(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    bright = image.astype(np.float64) * b
    channel_sums = bright.reshape(-1, 3).sum(axis=0)
    mean = channel_sums.sum() / bright.size
    out = (bright - mean) * c + mean
    return np.minimum(np.maximum(np.rint(out), 0), 255).astype(np.uint8)


def rgb_principal_components(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    centered = pixels - pixels.sum(axis=0) / len(pixels)
    _, singular_values, vt = np.linalg.svd(centered, full_matrices=False)
    return singular_values**2 / len(pixels), vt.T.copy()


def pca_color(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    offset = (alpha * np.sqrt(eigenvalues)) @ eigenvectors.T
    return np.clip(np.rint(image + offset), 0, 255).astype(np.uint8)


def training_crop_count(height, width, size):
    # The positions as the number of distinct (top, left) pairs of a grid, times the two flips.
    tops, lefts = np.arange(height - size + 1), np.arange(width - size + 1)
    return int(np.size(np.add.outer(tops, lefts))) * 2
