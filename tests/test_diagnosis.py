"""What the feedback says about a wrong answer that no cataloged mistake matches
(autograder/checks/diagnosis.py, and the smallest problem of autograder/checks/steps.py).

Each wrong version here is graded by its chapter's real checks, in-process; none of them
is in a catalog, so before the diagnosis their feedback said only that the values differ.
"""

from __future__ import annotations

import numpy as np
import pytest
import wrong_versions
from grading_support import failed_results, failure_messages

from autograder.checks import diagnosis
from autograder.checks.diagnosis import WHAT_IT_DOES
from autograder.reference import adaptive, gradients, momentum, second_order, sgd


def messages_for(chapter: str, function: str, wrong) -> list[str]:
    namespace = dict(wrong_versions.right_functions(chapter), **{function: wrong})
    return failure_messages(chapter, namespace)[f"test_{function}"]


def diagnoses(chapter: str, function: str, wrong) -> list[str]:
    """The diagnosis lines of the feedback on ``wrong``, without the marker."""
    return [
        line.strip().removeprefix(WHAT_IT_DOES)
        for message in messages_for(chapter, function, wrong)
        for line in message.splitlines()
        if WHAT_IT_DOES in line
    ]


def says(chapter: str, function: str, wrong, *phrases: str) -> None:
    found = diagnoses(chapter, function, wrong)
    assert any(all(p in line for p in phrases) for line in found), (
        f"no diagnosis says {phrases}: {found or messages_for(chapter, function, wrong)}"
    )


def doubles_the_gradient(W, X, y):
    """The right SVM loss, and twice its gradient: a factor no catalog names."""
    loss, dW = gradients.svm_loss(W, X, y)
    return loss, 2 * dW


def test_is_an_answer_scaled_by_a_constant_given_its_factor():
    says("gradients", "svm_loss", doubles_the_gradient, "times 2")


def test_is_a_factor_that_is_an_input_named_after_it():
    def times_the_features(W, X, y):
        loss, dW = gradients.svm_loss(W, X, y)
        return loss, dW * W.shape[0]

    says("gradients", "svm_loss", times_the_features, "times", "the length of axis 0 of `W`")


def test_is_a_flipped_sign_said():
    def negative_error(f, grad_f, w, h=1e-5):
        return -gradients.gradient_check(f, grad_f, w, h)

    says("gradients", "gradient_check", negative_error, "sign flipped")


def test_is_returning_an_input_unchanged_said():
    # A copy: returning `v` itself is refused as a view before any diagnosis.
    def returns_old_velocity(w, dw, v, lr, rho=0.9):
        return momentum.momentum_step(w, dw, v, lr, rho)[0], v.copy()

    says("momentum", "momentum_step", returns_old_velocity, "`v`, the value it was given")


def test_is_an_argument_left_at_its_default_named():
    def ignores_h(f, w, h=1e-5):
        return gradients.numeric_gradient(f, w)

    says("gradients", "numeric_gradient", ignores_h, "`h` at its default", "ignores `h`")


def test_is_a_default_of_the_students_own_named():
    def rho_defaults_to_099(w, dw, v, lr, rho=0.99):
        return momentum.momentum_step(w, dw, v, lr, rho)

    says("momentum", "momentum_step", rho_defaults_to_099, "its default for `rho` is not 0.9")


def test_is_an_input_the_function_ignores_found_by_calling_it_again():
    def forgets_lr(w, dw, lr):
        return w - 0.01 * dw

    says("sgd", "sgd_step", forgets_lr, "it ignores `lr`")


def test_are_two_swapped_arguments_named():
    def swapped(H, s, grad_change):
        return second_order.bfgs_update(H, grad_change, s)

    says("second_order", "bfgs_update", swapped, "`s` and `grad_change` swapped")


def test_is_a_step_count_one_off_said():
    def increments_t_twice(w, dw, m, v, t, **hyper):
        w, m, v, _ = adaptive.adam_step(w, dw, m, v, t + 1, **hyper)
        return w, m, v, t + 1

    says("adaptive", "adam_step", increments_t_twice, "`t`=", "one off")


def test_is_float32_arithmetic_said():
    def in_float32(w, dw, lr):
        return (w.astype(np.float32) - np.float32(lr) * dw.astype(np.float32)).astype(w.dtype)

    says("sgd", "sgd_step", in_float32, "float32")


def test_is_right_on_the_first_call_and_wrong_after_said():
    calls = []

    def forgets_after_the_first_call(w, dw, lr):
        calls.append(1)
        return sgd.sgd_step(w, dw, lr if len(calls) == 1 else lr / 2)

    says("sgd", "sgd_step", forgets_after_the_first_call, "right on the first call")


def test_does_a_rule_wrong_once_its_state_is_not_zero_say_so():
    def velocity_halved(w, dw, v, lr, rho=0.9):
        return momentum.momentum_step(w, dw, v / 2, lr, rho)

    says("momentum", "momentum_step", velocity_halved, "before, `v` was all zeros")


def test_does_an_update_rule_show_the_smallest_problem_it_fails():
    def friction_squared(w, dw, v, lr, rho=0.9):
        v_new = rho * rho * v - lr * dw
        return w - rho * v + (1 + rho) * v_new, v_new

    found = [
        line
        for message in messages_for("momentum", "nesterov_step", friction_squared)
        for line in message.splitlines()
        if "Smallest problem: " in line
    ]
    assert found and "one weight" in found[0] and "step 2 is the first" in found[0], found


def test_are_the_right_values_in_another_order_said():
    def velocity_first(w, dw, v, lr, rho=0.9):
        return momentum.nesterov_step(w, dw, v, lr, rho)[::-1]

    found = [m for m in messages_for("momentum", "nesterov_step", velocity_first)]
    assert any("the right answer's first value is its second" in m for m in found), found


def test_is_an_array_that_should_have_been_summed_said():
    from autograder.reference import regularization

    def summed_over_the_first_axis_only(W, lam):
        return lam * np.sum(W**2, axis=0), regularization.l2_penalty(W, lam)[1]

    says(
        "regularization",
        "l2_penalty",
        summed_over_the_first_axis_only,
        "whose sum is the right number",
    )


def test_is_a_value_where_none_is_asked_said():
    from autograder.reference import regularization

    def mask_at_test_time(x, drop_prob, rng, train=True, inverted=True):
        out, mask = regularization.dropout_forward(x, drop_prob, rng, train, inverted)
        return out, (mask if train else np.ones(x.shape, dtype=bool))

    says("regularization", "dropout_forward", mask_at_test_time, "where the right answer is None")


def test_are_missing_dict_entries_named():
    from autograder.reference import transfer

    def biases_left_out(*args, **kwargs):
        rates = transfer.learning_rates(*args, **kwargs)
        return {name: rate for name, rate in rates.items() if name.startswith("W")}

    says("transfer", "learning_rates", biases_left_out, "the dict it returns has no entry")


def test_is_the_list_in_the_wrong_order_said():
    def g(s_list, grad_change_list):
        return s_list[-1] * 2 + s_list[0]

    reference = type(np)("fake_reference")
    reference.g = g
    recording = diagnosis.Recording(None)
    s_list = [np.arange(3.0), np.ones(3)]
    recording.calls.append(
        diagnosis.Call("g", (s_list, [np.ones(3), np.ones(3)]), {}, g(s_list[::-1], None))
    )
    assert "in reverse order" in diagnosis.what_it_does(recording, reference)


def test_is_a_cataloged_mistake_named_once_without_a_diagnosis():
    def pytorch_form(w, dw, v, lr, rho=0.9):
        v_new = rho * v + dw
        return w - lr * v_new, v_new

    messages = messages_for("momentum", "momentum_step", pytorch_form)
    assert all("Likely mistake: " in m and WHAT_IT_DOES not in m for m in messages), messages


def test_does_a_right_answer_get_no_diagnosis():
    right = wrong_versions.right_functions("momentum")
    assert not any(failure_messages("momentum", right).values())


def test_does_a_diagnosis_that_fails_leave_the_message_as_it_was(monkeypatch):
    def fails(*args):
        raise ValueError("the diagnosis broke")

    monkeypatch.setattr(diagnosis, "what_it_does", fails)
    messages = messages_for("gradients", "svm_loss", doubles_the_gradient)
    assert messages and not any(WHAT_IT_DOES in m for m in messages), messages


@pytest.mark.parametrize(
    "chapter,grade_id,mutant",
    [
        (chapter, grade_id, mutant)
        for chapter in wrong_versions.chapters()
        for grade_id, mutants in wrong_versions.data(chapter, "MUTANTS").items()
        for mutant in mutants
    ],
)
def test_does_the_diagnosis_leave_every_verdict_as_it_was(monkeypatch, chapter, grade_id, mutant):
    """The diagnosis calls the student's function again after a failure: the checks that pass
    and fail must be the same with it and without it."""
    wrong = wrong_versions.data(chapter, "MUTANTS")[grade_id][mutant]
    namespace = dict(
        wrong_versions.right_functions(chapter), **{grade_id.removeprefix("test_"): wrong}
    )
    with_diagnosis = failed_results(chapter, namespace)
    monkeypatch.setattr(diagnosis, "what_it_does", lambda *args: "")
    without = failed_results(chapter, namespace)
    assert {g: [r.question for r in rs] for g, rs in with_diagnosis.items()} == {
        g: [r.question for r in rs] for g, rs in without.items()
    }


# --- a number input changed, a constant, a derived factor: on stand-in functions ---------------


def diagnosis_of(right, wrong, *args) -> str:
    """What the diagnosis says of ``wrong`` called on ``args``, against ``right`` as the
    reference (both named ``f``)."""
    import types

    from grading_support import LocalStudent

    recording = diagnosis.Recording(LocalStudent({"f": wrong}))
    recording.call("f", *args)
    return diagnosis.what_it_does(recording, types.SimpleNamespace(f=right))


def test_is_a_number_input_off_by_a_constant_named():
    def right(memory_bytes, m):  # the numbers of float64s that fit: 8 bytes each
        return int(np.sqrt(memory_bytes // 8)), int(memory_bytes // (8 * 2 * m))

    def bytes_as_numbers(memory_bytes, m):
        return int(np.sqrt(memory_bytes)), int(memory_bytes // (2 * m))

    assert "with `memory_bytes` 8 times as large" in diagnosis_of(
        right, bytes_as_numbers, 6_633_918_380, 17
    )


def test_is_a_number_input_read_as_its_complement_named():
    def right(g, lr, decay):
        return lr * g / np.sqrt((1 - decay) * g**2)

    def decay_for_keep(g, lr, decay):
        return lr * g / np.sqrt(decay * g**2)

    assert "with 1 - `decay` in place of `decay`" in diagnosis_of(
        right, decay_for_keep, np.float64(0.3), 0.01, 0.9
    )


def test_is_a_count_that_matches_a_changed_input_only_by_chance_not_blamed_on_it():
    """A count matches many changed inputs at one point; the relation must hold nearby too."""

    def right(lr, lam):
        return int(np.ceil(np.log(0.5) / np.log(1 - 2 * lr * lam)))

    def ten_too_many(lr, lam):  # 53: the right count with the square root of lam, here only
        return right(lr, lam) + 10

    said = diagnosis_of(right, ten_too_many, 0.00534744, 1.53326)
    assert "what the right rule gives" not in said, said


def test_is_a_logarithms_base_named():
    def right(lr0, lr_end, total_steps):
        return np.log(lr0 / lr_end) / total_steps

    def log10(lr0, lr_end, total_steps):
        return np.log10(lr0 / lr_end) / total_steps

    assert "1/ln 10" in diagnosis_of(right, log10, 0.64, 0.032, 1553)


def test_is_a_factor_that_is_the_square_root_of_an_input_named():
    def right(grad_norm, step_size, num_weights):
        return step_size * grad_norm / np.sqrt(2 * np.pi)

    def per_weight(grad_norm, step_size, num_weights):
        return right(grad_norm, step_size, num_weights) / np.sqrt(num_weights)

    assert "1/sqrt(`num_weights`)" in diagnosis_of(right, per_weight, 0.04, 1.5e-4, 35305)


def test_is_an_input_multiplied_by_another_named():
    def right(w, dw, v, lr, rho=0.9):
        v = rho * v - lr * dw
        return w + v, v

    def rho_scales_the_gradient(w, dw, v, lr, rho=0.9):
        v = rho * (v - lr * dw)
        return w + v, v

    rng = np.random.default_rng(0)
    w, dw, v = rng.standard_normal((3, 4))
    assert "with `lr` times `rho` in place of `lr`" in diagnosis_of(
        right, rho_scales_the_gradient, w, dw, v, 0.002, 0.83
    )
