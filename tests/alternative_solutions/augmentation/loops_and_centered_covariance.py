"""Written with loops and explicit formulas: the flip and crops copy column by column, the mirror
image's crops are flips of the original's crops at mirrored positions, color jitter uses
mean(b * image) = b * mean(image) and the form c * bright + (1 - c) * mean, the covariance is
formed from explicitly centered pixels by einsum, and the PCA offset is summed component by
component."""


def horizontal_flip(image):
    width = image.shape[1]
    out = np.empty_like(image)
    for j in range(width):
        out[:, j] = image[:, width - 1 - j]
    return out


def random_crop(image, size, rng):
    height, width = image.shape[:2]
    top = int(rng.integers(height - size + 1))
    left = int(rng.integers(width - size + 1))
    out = np.empty((size, size, image.shape[2]), dtype=image.dtype)
    for j in range(size):
        out[:, j] = image[top : top + size, left + j]
    return out


def ten_crops(image, size):
    height, width = image.shape[:2]
    bottom, right = height - size, width - size
    corners = [(0, 0), (0, right), (bottom, 0), (bottom, right), (bottom // 2, right // 2)]
    out = np.empty((10, size, size, image.shape[2]), dtype=image.dtype)
    for index, (top, left) in enumerate(corners):
        out[index] = image[top : top + size, left : left + size]
        # The window at column `left` of the mirror image is the mirror of the window
        # at column width - size - left of the image.
        mirrored_left = right - left
        out[index + 5] = horizontal_flip(
            image[top : top + size, mirrored_left : mirrored_left + size]
        )
    return out


def color_jitter(image, brightness, contrast, rng):
    b = rng.uniform(1 - brightness, 1 + brightness)
    c = rng.uniform(1 - contrast, 1 + contrast)
    pixels = image.astype(np.float64)
    mean = b * pixels.mean()
    values = c * (b * pixels) + (1 - c) * mean
    return np.clip(np.round(values), 0, 255).astype(np.uint8)


def rgb_principal_components(images):
    pixels = np.asarray(images, dtype=np.float64).reshape(-1, 3)
    centered = pixels - pixels.mean(axis=0)
    covariance = np.einsum("ni,nj->ij", centered, centered) / len(pixels)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    return eigenvalues[::-1].copy(), eigenvectors[:, ::-1].copy()


def pca_color(image, eigenvalues, eigenvectors, sigma, rng):
    alpha = rng.normal(0.0, sigma, 3)
    offset = np.zeros(3)
    for k in range(3):
        offset += alpha[k] * np.sqrt(eigenvalues[k]) * eigenvectors[:, k]
    values = image.astype(np.float64) + offset
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def training_crop_count(height, width, size):
    # Every window position counted one by one, twice: mirrored or not.
    count = 0
    for _top in range(height - size + 1):
        for _left in range(width - size + 1):
            count += 2
    return count
