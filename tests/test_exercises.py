import numpy as np
import pytest

from ntkflow import exercises


def test_time_to_loss_right_and_wrong(capsys):
    right = 30 / 2 * np.log(1000)
    assert exercises.check_time_to_loss(right, 30, 1e-3)
    assert "Right" in capsys.readouterr().out
    assert not exercises.check_time_to_loss(30 * np.log(1000), 30, 1e-3)
    out = capsys.readouterr().out
    assert "Hint" in out and f"{right:.6g}" not in out


def test_loss_at_t_right_and_wrong(capsys):
    assert exercises.check_loss_at_t(0.25, 0.5)
    assert not exercises.check_loss_at_t(0.5, 0.5)
    assert "Hint" in capsys.readouterr().out


@pytest.mark.parametrize("answer", ["103", float("nan"), True])
def test_non_numbers_are_not_right(answer, capsys):
    assert not exercises.check_loss_at_t(answer, 0.5)
    assert "Give a" in capsys.readouterr().out


def test_unanswered_exercise_asks_for_an_answer(capsys):
    assert not exercises.check_time_to_loss(None, 30, 1e-3)
    assert "in place of None" in capsys.readouterr().out


def test_max_rank_right_and_wrong(capsys):
    assert exercises.check_max_rank(19, n_rows=90, n_params=19)
    assert exercises.check_max_rank(90, n_rows=90, n_params=259)
    assert not exercises.check_max_rank(259, n_rows=90, n_params=259)
    out = capsys.readouterr().out
    assert "Hint" in out and out.count("Right") == 2


def test_mode_decay_time_right_and_wrong(capsys):
    right = 30 * np.log(100) / 2.5
    assert exercises.check_mode_decay_time(right, 2.5, 30, 100)
    assert not exercises.check_mode_decay_time(30 / 2.5, 2.5, 30, 100)
    out = capsys.readouterr().out
    assert "Hint" in out and out.count(f"{right:.6g}") == 1


def test_time_to_epsilon_right_and_wrong(capsys):
    right = 15 * np.log(0.8 / 1e-3)
    assert exercises.check_time_to_epsilon(right, 30, 0.8, 1e-3)
    assert not exercises.check_time_to_epsilon(30 * np.log(0.8 / 1e-3), 30, 0.8, 1e-3)
    assert not exercises.check_time_to_epsilon(15 * np.log(1e3), 30, 0.8, 1e-3)
    out = capsys.readouterr().out
    assert out.count("Hint") == 2 and out.count(f"{right:.6g}") == 1
    with pytest.raises(ValueError, match="`epsilon`"):
        exercises.check_time_to_epsilon(1.0, 30, 0.8, 0.9)


def test_compare_with_flow(capsys):
    assert exercises.compare_with_flow(100.05, 100.0)
    assert "they agree within 0.1%" in capsys.readouterr().out
    assert not exercises.compare_with_flow(90.0, 100.0)
    out = capsys.readouterr().out
    assert "they differ by 10%, more than 0.1%" in out and "agree" not in out
    assert not exercises.compare_with_flow(100.15, 100.0)
    assert "they differ by 0.15%, more than 0.1%" in capsys.readouterr().out
    assert not exercises.compare_with_flow(None, 123.456)
    out = capsys.readouterr().out
    assert "prediction first" in out and "123" not in out


def test_precision_as_percent():
    assert exercises.precision(1e-3) == "0.1%"
    assert exercises.precision(1e-6) == "0.0001%"
    assert exercises.precision(0.0015) == "0.15%"
    assert exercises.precision(0.1) == "10%"
    assert exercises.precision(5.0) == "500%"


# Right-method answers rounded to two or three digits, the way a learner
# might type them, with the exact value each check expects (worked out here
# by hand from the closed forms, not by the checks).
ROUNDED = [
    # mode of eigenvalue 13.9196 shrinks 100-fold: 30 ln(100) / 13.9196
    (
        exercises.check_mode_decay_time,
        9.9,
        9.92522,
        dict(eigenvalue=13.9196, n_samples=30, factor=100),
    ),
    # adapted flow from C(0) = 1.729137 to 1e-3: 15 ln(1729.137)
    (
        exercises.check_time_to_epsilon,
        112,
        111.8307,
        dict(n_samples=30, c0=1.729137, epsilon=1e-3),
    ),
    # loss down to 1e-6 C(0): 15 ln(1e6)
    (exercises.check_time_to_loss, 207, 207.2327, dict(n_samples=30, loss_ratio=1e-6)),
    # logit gap with smoothing 0.1, three classes: ln 28
    (exercises.check_logit_gap, 3.33, 3.332205, dict(smoothing=0.1, n_classes=3)),
]


@pytest.mark.parametrize(("check", "rounded", "exact", "kw"), ROUNDED)
def test_rounded_answers_are_called_close(check, rounded, exact, kw, capsys):
    assert check(exact, **kw)
    assert "Right" in capsys.readouterr().out
    assert not check(rounded, **kw)
    out = capsys.readouterr().out
    assert out.startswith("Close") and "more digits" in out
    assert "Hint" not in out and "Not yet" not in out
    assert "0.1%" in out or "0.01%" in out  # the precision asked is stated
    assert f"{exact:.6g}" not in out
    # A wrong method (off by a factor 2 here) still gets the hint.
    assert not check(2 * exact, **kw)
    out = capsys.readouterr().out
    assert "Not yet" in out and "Hint" in out and "Close" not in out


def test_close_band_edges(capsys):
    # expected 207.2327: 1.5% off is close, 3% off is not.
    kw = dict(n_samples=30, loss_ratio=1e-6)
    assert not exercises.check_time_to_loss(207.2327 * 1.015, **kw)
    assert capsys.readouterr().out.startswith("Close")
    assert not exercises.check_time_to_loss(207.2327 * 1.03, **kw)
    assert capsys.readouterr().out.startswith("Not yet")


def test_whole_number_checks_have_no_close_band(capsys):
    # rank 90 of at most 90 is exact: 89 is a wrong idea, not a rounding.
    assert not exercises.check_max_rank(89, n_rows=90, n_params=259)
    assert capsys.readouterr().out.startswith("Not yet")


def _wrong_says_hint_without_answer(check, wrong, expected_text, capsys, **kw):
    capsys.readouterr()
    assert not check(wrong, **kw)
    out = capsys.readouterr().out
    assert "Hint" in out and expected_text not in out


def test_duplicate_limit(capsys):
    assert exercises.check_duplicate_limit(0.5, label_i=1.0, label_j=0.0)
    assert exercises.check_duplicate_limit(0.0, label_i=1.0, label_j=-1.0)
    _wrong_says_hint_without_answer(
        exercises.check_duplicate_limit, 1.0, "0.5", capsys, label_i=1.0, label_j=0.0
    )


def test_logit_gap(capsys):
    # smoothing 0.1, Q = 3: labels (0.9333.., 0.0333.., 0.0333..), gap log 28.
    assert exercises.check_logit_gap(np.log(28), smoothing=0.1, n_classes=3)
    _wrong_says_hint_without_answer(
        exercises.check_logit_gap,
        np.log(9),
        f"{np.log(28):.6g}",
        capsys,
        smoothing=0.1,
        n_classes=3,
    )


def test_euler_limit(capsys):
    assert exercises.check_euler_limit(18.0, n_samples=9)
    _wrong_says_hint_without_answer(
        exercises.check_euler_limit, 9.0, "18", capsys, n_samples=9
    )


def test_steps_to_loss(capsys):
    # (1/2)^(2k) <= 1e-3 first at k = 5.
    assert exercises.check_steps_to_loss(5, step_over_n=0.5, loss_ratio=1e-3)
    _wrong_says_hint_without_answer(
        exercises.check_steps_to_loss,
        4,
        "Right",
        capsys,
        step_over_n=0.5,
        loss_ratio=1e-3,
    )
    assert not exercises.check_steps_to_loss(5.5, step_over_n=0.5, loss_ratio=1e-3)
    assert "whole number" in capsys.readouterr().out
    assert not exercises.check_steps_to_loss(None, step_over_n=0.5, loss_ratio=1e-3)


def test_logit_gap_names_the_usual_slip(capsys):
    # Forgetting the eps/Q share gives log(0.9 / 0.1) = log 9 = 2.197.
    assert not exercises.check_logit_gap(2.197, smoothing=0.1, n_classes=3)
    said = capsys.readouterr().out
    assert "1 - eps + eps/Q" in said and "Not yet" in said
    assert f"{np.log(28):.4g}" not in said
    assert not exercises.check_logit_gap(1.5, smoothing=0.1, n_classes=3)
    assert "eps/Q" not in capsys.readouterr().out
    # log 27 lands within 2% of log 28, but it is a slip, not rounding.
    assert not exercises.check_logit_gap(np.log(27), smoothing=0.1, n_classes=3)
    said = capsys.readouterr().out
    assert "misses its eps/Q share" in said and "Close" not in said
    # A rounded right answer is still called close, even one rounded so far
    # that it lies nearer the slip (3.3 between log 27 and log 28).
    for rounded in (3.33, 3.3):
        assert not exercises.check_logit_gap(rounded, smoothing=0.1, n_classes=3)
        said = capsys.readouterr().out
        assert "Close" in said and "misses" not in said
