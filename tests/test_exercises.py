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
