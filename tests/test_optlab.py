"""The student package optlab: the softmax model, the network, the digits and photos, the plotting
helpers, the visible tests' gradient check."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from scipy.special import log_softmax  # noqa: E402

from autograder.reference.gradients import gradient_check, numeric_gradient, relative_error  # noqa: E402
from optlab import data, images, models, network, plotting, problems  # noqa: E402
from optlab.chapters import CHAPTERS  # noqa: E402
from optlab.testing import assert_gradient  # noqa: E402

# --- optlab.models: the softmax classifier --------------------------------------------


def test_is_the_softmax_gradient_equal_to_a_numeric_gradient():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((7, 4)), rng.integers(0, 3, 7)
    W = rng.standard_normal((4, 3))
    for reg in (0.0, 0.3):
        error = gradient_check(
            lambda V, reg=reg: models.softmax_loss(V, X, y, reg)[0],
            lambda V, reg=reg: models.softmax_loss(V, X, y, reg)[1],
            W,
        )
        assert error < 1e-7, f"reg={reg}: relative error {error:.2e}"


def test_does_the_softmax_loss_match_its_closed_form():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((5, 3)), np.array([0, 1, 2, 1, 0])
    W = rng.standard_normal((3, 3))
    reg = 0.1
    log_p = log_softmax(X @ W, axis=1)
    expected_loss = -np.mean(log_p[np.arange(5), y]) + reg * np.sum(W**2)
    expected_grad = X.T @ (np.exp(log_p) - np.eye(3)[y]) / 5 + 2 * reg * W
    loss, grad = models.softmax_loss(W, X, y, reg=reg)
    assert isinstance(loss, float)
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-15)


def test_is_the_loss_log_c_at_zero_weights():
    X, y = np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([0, 3])
    loss, grad = models.softmax_loss(np.zeros((2, 4)), X, y)
    assert loss == pytest.approx(np.log(4), rel=1e-12)
    # P is uniform (1/4), so dW = X^T (1/4 - Y) / N
    np.testing.assert_allclose(grad, X.T @ (0.25 - np.eye(4)[y]) / 2, rtol=1e-12)


def test_is_the_softmax_loss_stable_for_huge_scores():
    X, y = np.array([[1000.0, -1000.0]]), np.array([1])
    loss, grad = models.softmax_loss(np.array([[1.0, -1.0], [0.0, 0.0]]), X, y)
    assert np.isfinite(loss) and np.all(np.isfinite(grad))
    assert loss == pytest.approx(2000.0)


def test_does_the_softmax_loss_keep_float32():
    X = np.ones((3, 2), dtype=np.float32)
    _, grad = models.softmax_loss(
        np.zeros((2, 3), dtype=np.float32), X, np.array([0, 1, 2]), reg=0.5
    )
    assert grad.dtype == np.float32


def test_do_predict_and_accuracy_agree_with_the_scores():
    X, y = np.eye(3), np.array([2, 1, 0])
    W = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(models.predict(W, X), [2, 1, 2])
    assert models.accuracy(W, X, y) == pytest.approx(2 / 3)


# --- optlab.data: the digits split -----------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return data.load_digits_split(seed=0)


def test_are_the_digits_arrays_scikit_learns_own():
    from sklearn.datasets import load_digits

    pixels, labels = data.digits_arrays()
    reference = load_digits()
    np.testing.assert_array_equal(pixels, reference.data)
    np.testing.assert_array_equal(labels, reference.target)
    assert labels.dtype == np.int64 and not pixels.flags.writeable and not labels.flags.writeable


def test_do_the_digits_splits_cover_the_data_set(digits):
    sizes = [len(digits.y_train), len(digits.y_val), len(digits.y_test)]
    assert sum(sizes) == 1797
    assert sizes[1] == sizes[2] == round(0.2 * 1797)
    for X, y in [
        (digits.X_train, digits.y_train),
        (digits.X_val, digits.y_val),
        (digits.X_test, digits.y_test),
    ]:
        assert X.shape == (len(y), 65) and X.dtype == np.float64
        assert set(np.unique(y)) == set(range(10))
    assert digits.num_features == 65 and digits.num_classes == 10


def test_are_the_digits_standardized_on_the_training_set(digits):
    pixels = digits.X_train[:, :-1]
    np.testing.assert_array_equal(digits.X_train[:, -1], 1.0)  # the bias column
    np.testing.assert_allclose(pixels.mean(axis=0), 0.0, atol=1e-12)
    constant = np.all(pixels == pixels[0], axis=0)  # a few corner pixels are always blank
    assert 0 < constant.sum() < 10
    np.testing.assert_allclose(pixels[:, ~constant].std(axis=0), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(pixels[:, constant], 0.0)
    np.testing.assert_array_equal(digits.scale[constant], 1.0)


def test_is_the_digits_split_fixed_by_its_seed(digits):
    again = data.load_digits_split(seed=0)
    other = data.load_digits_split(seed=1)
    np.testing.assert_array_equal(again.X_train, digits.X_train)
    assert not np.array_equal(other.y_train, digits.y_train)


def test_can_the_digits_come_without_bias_and_in_float32():
    split = data.load_digits_split(seed=0, bias=False, dtype=np.float32)
    assert split.X_train.shape[1] == 64 and split.X_test.dtype == np.float32


# --- optlab.network: the multilayer perceptron ----------------------------------------


def test_does_the_network_match_the_same_network_in_torch():
    params = network.init_mlp([6, 5, 4, 3], seed=0)
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((9, 6)), rng.integers(0, 3, 9)
    tensors = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    h = torch.tensor(X)
    for layer in (1, 2, 3):
        h = h @ tensors[f"W{layer}"] + tensors[f"b{layer}"]
        h = torch.relu(h) if layer < 3 else h
    loss = torch.nn.functional.cross_entropy(h, torch.tensor(y))
    loss.backward()
    ours, grads = network.loss_and_grads(params, X, y)
    assert ours == pytest.approx(loss.item(), rel=1e-12)
    for name, tensor in tensors.items():
        np.testing.assert_allclose(
            grads[name], tensor.grad.numpy(), rtol=1e-10, atol=1e-14, err_msg=name
        )


def test_do_the_noise_and_penalty_hooks_enter_the_gradient():
    params = network.init_mlp([5, 7, 6, 3], seed=2)
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((4, 5)), rng.integers(0, 3, 4)
    masks = {layer: rng.random((4, size)) > 0.3 for layer, size in ((1, 7), (2, 6))}
    noise = lambda h, layer: (h * masks[layer] * 2.0, lambda d, m=masks[layer]: d * m * 2.0)  # noqa: E731
    penalty = lambda W: (0.1 * float(np.sum(W * W)), 0.2 * W)  # noqa: E731
    _, grads = network.loss_and_grads(params, X, y, noise, penalty)
    for name in params:

        def loss_of(value, name=name):
            return network.loss_and_grads(dict(params, **{name: value}), X, y, noise, penalty)[0]

        assert relative_error(grads[name], numeric_gradient(loss_of, params[name])) < 1e-6


def test_do_features_at_a_depth_feed_the_layers_above():
    params = network.init_mlp([6, 5, 4, 3], seed=4)
    X = np.random.default_rng(5).standard_normal((3, 6))
    features, _ = network.forward(params, X, depth=2)
    top = {"W1": params["W3"], "b1": params["b3"]}
    np.testing.assert_allclose(
        network.forward(top, features)[0], network.forward(params, X)[0], rtol=1e-14
    )


def test_does_training_lower_the_loss_and_leave_the_input_parameters_alone():
    split = data.load_digits_split(seed=0, bias=False)
    params = network.init_mlp([64, 32, 10], seed=0)
    before = {name: value.copy() for name, value in params.items()}
    sgd = lambda p, g: {name: p[name] - 0.1 * g[name] for name in p}  # noqa: E731
    batches = [np.arange(start, start + 100) for start in range(0, 1000, 100)] * 3
    trained, losses = network.train(params, split.X_train, split.y_train, batches, sgd)
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:3])
    assert network.accuracy(trained, split.X_val, split.y_val) > 0.8
    assert all(np.array_equal(params[name], before[name]) for name in params)


# --- optlab.testing.assert_gradient: the visible tests' gradient check ---------------------


def smooth_losses():
    """(name, f, gradient of f, w): a vector, a matrix and the softmax loss, all with known
    gradients."""
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    A = rng.standard_normal((5, 5))
    A = A @ A.T + np.eye(5)
    return [
        ("quadratic", lambda w: 0.5 * w @ A @ w, lambda w: A @ w, rng.standard_normal(5)),
        (
            "cubes of a matrix",
            lambda W: float(np.sum(W**3)),
            lambda W: 3 * W**2,
            rng.standard_normal((3, 4)),
        ),
        (
            "softmax loss",
            lambda W: models.softmax_loss(W, X, y, 0.1)[0],
            lambda W: models.softmax_loss(W, X, y, 0.1)[1],
            rng.standard_normal((4, 3)),
        ),
    ]


@pytest.mark.parametrize(
    "name,f,grad,w", smooth_losses(), ids=[case[0] for case in smooth_losses()]
)
def test_does_assert_gradient_accept_a_right_gradient_and_leave_w_alone(name, f, grad, w):
    before = w.copy()
    assert_gradient(f, grad(w), w, what=name)
    assert np.array_equal(w, before)


WRONG_GRADIENTS = {
    "half of it": lambda g: 0.5 * g,
    "the sign flipped": lambda g: -g,
    "one entry off by 1%": lambda g: np.where(
        np.arange(g.size).reshape(g.shape) == 0, 1.01 * g, g
    ),
    "entries shuffled": lambda g: np.roll(g, 1),
    "zero": np.zeros_like,
}


@pytest.mark.parametrize("mistake", WRONG_GRADIENTS)
@pytest.mark.parametrize(
    "name,f,grad,w", smooth_losses(), ids=[case[0] for case in smooth_losses()]
)
def test_does_assert_gradient_reject_a_wrong_gradient_and_say_where(name, f, grad, w, mistake):
    with pytest.raises(
        AssertionError, match=rf"{name}: along random direction \d of 4, f changes at the rate"
    ):
        assert_gradient(f, WRONG_GRADIENTS[mistake](grad(w)), w, what=name)


def test_does_assert_gradient_name_a_gradient_of_the_wrong_shape():
    with pytest.raises(AssertionError, match=r"expected shape \(3,\), got shape \(2,\)"):
        assert_gradient(lambda w: float(w @ w), np.zeros(2), np.ones(3), what="g")


# --- optlab.images: the sample photographs ---------------------------------------------


def test_are_the_sample_photos_real_rgb_images():
    photos = images.sample_photos()
    assert set(photos) == {"china", "flower"}
    for photo in photos.values():
        assert photo.shape == (427, 640, 3) and photo.dtype == np.uint8 and photo.std() > 20


def test_does_resizing_keep_the_aspect_ratio_and_the_colors():
    photo = images.sample_photos()["flower"]
    small = images.resize_short_side(photo, 100)
    assert small.shape == (100, 150, 3) and small.dtype == np.uint8
    assert np.abs(small.reshape(-1, 3).mean(axis=0) - photo.reshape(-1, 3).mean(axis=0)).max() < 2
    assert images.resize(photo, 7, 9).shape == (7, 9, 3)


def test_does_the_gallery_lay_out_every_image_without_axes():
    photo = images.resize_short_side(images.sample_photos()["china"], 40)
    fig = plotting.show_images([photo] * 5, [str(i) for i in range(5)], columns=3)
    shown = [ax for ax in fig.axes if ax.images]
    assert (
        len(fig.axes) == 6
        and len(shown) == 5
        and [ax.get_title() for ax in shown] == list("01234")
    )
    assert not any(ax.axison for ax in fig.axes)
    plt.close(fig)


# --- optlab.plotting -------------------------------------------------------------------


def test_does_every_optimizer_have_its_own_color():
    """Each optimizer of the table of chapters (a method that plots' legends name) has a color of
    its own in COLORS; training setups of the last chapters may repeat those colors."""
    optimizers = [method for chapter in CHAPTERS for method in chapter.methods if method.labels]
    assert len(optimizers) >= 12
    assert {method.key: method.color for method in optimizers}.items() <= plotting.COLORS.items()
    assert len({method.color.lower() for method in optimizers}) == len(optimizers)
    assert plotting.color_for("Random search") == plotting.COLORS["random_search"]


def test_do_the_plot_helpers_label_their_axes():
    ax = plotting.contour(problems.Rosenbrock(), resolution=40)
    plotting.plot_trajectory(ax, [[-1.2, 1.0], [-1.0, 0.9], [0.0, 0.0]], "adam")
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
    assert ax.get_lines()[-2].get_color() == plotting.COLORS["adam"]
    ax = plotting.plot_loss_curves({"sgd": [1.0, 0.5, 0.25], "momentum": [1.0, 0.3, 0.1]})
    assert ax.get_yscale() == "log" and ax.get_xlabel() and ax.get_legend() is not None
    plt.close("all")


@pytest.mark.parametrize(
    "value, text",
    [
        (2.34e-9, "2.3 × 10⁻⁹"),
        (0.35, "0.35"),
        (1300, "1300"),
        (0.00999, "0.010"),
        (9.996e-8, "1.0 × 10⁻⁷"),
        (-3e-5, "-3.0 × 10⁻⁵"),
        (2.302585, "2.3"),
    ],
)
def test_does_format_number_write_numbers_as_the_prose_does(value, text):
    assert plotting.format_number(value) == text


# --- optlab.plotting.animate_trajectories ------------------------------------------------


def _animation_html(animation) -> str:
    return animation if isinstance(animation, str) else animation.data


def test_does_the_animation_embed_its_frames_in_javascript():
    problem = problems.Saddle()
    line = np.linspace(problem.start, [0.0, 1.0], 30)
    animation = plotting.animate_trajectories(
        problem, {"sgd": line, "momentum": line[::-1]}, num_frames=12, resolution=30
    )
    html = _animation_html(animation)
    assert hasattr(animation, "_repr_html_"), "a notebook should display the animation"
    assert "new Animation(frames" in html and "<script" in html
    assert html.count("data:image/png;base64,") == 12
    assert "var frames = new Array(12);" in html
    assert 'class="fa ' not in html, "the buttons should not depend on an icon font"
    assert "<link" not in html and "https://" not in html, (
        "the animation should load nothing from the network"
    )
    assert not plt.get_fignums(), "the figure should be closed, not shown a second time"


@pytest.mark.slow
def test_does_the_animation_honour_its_frame_count():
    problem = problems.Rosenbrock()
    path = np.linspace(problem.start, problem.minimizer, 200)
    for num_frames in (1, 7, 60):
        html = _animation_html(
            plotting.animate_trajectories(
                problem, {"nesterov": path}, num_frames=num_frames, resolution=20
            )
        )
        assert html.count("data:image/png;base64,") == num_frames
    # never more frames than iterates
    html = _animation_html(
        plotting.animate_trajectories(problem, {"sgd": path[:5]}, num_frames=60, resolution=20)
    )
    assert html.count("data:image/png;base64,") == 5


@pytest.mark.slow
def test_does_the_animation_keep_within_its_size_limit():
    problem = problems.quadratic(condition_number=10.0)
    path = np.linspace(problem.start, problem.minimizer, 40)
    html = _animation_html(
        plotting.animate_trajectories(problem, {"gd": path}, num_frames=40, resolution=30)
    )
    assert len(html) < 3 * 1024 * 1024
    with pytest.raises(ValueError, match="embed_limit"):
        plotting.animate_trajectories(
            problem, {"gd": path}, num_frames=40, resolution=30, embed_limit=0.01
        )


def test_does_the_animation_refuse_a_trajectory_that_is_not_2d():
    with pytest.raises(ValueError, match="shape"):
        plotting.animate_trajectories(problems.Saddle(), {"sgd": np.zeros((5, 3))})


def test_does_any_animation_play_without_a_kernel_in_png_or_jpeg_frames():
    for photo, frame_type in ((False, "image/png"), (True, "image/jpeg")):
        fig, ax = plt.subplots(figsize=(2, 2))
        picture = ax.imshow(np.zeros((4, 4, 3)))
        html = plotting.animation_html(
            fig,
            lambda k, picture=picture: picture.set_data(np.full((4, 4, 3), k / 5)),
            5,
            photo=photo,
        ).data
        assert html.count(f'"data:{frame_type};base64,') == 5
        assert "fa fa-play" not in html  # the buttons are plain characters
