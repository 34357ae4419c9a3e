"""The time budget of a phase: wall-clock in the session that starts it, steps at the run's pace
once resumed (so a later session on a slower CPU does not squeeze the schedule)."""
import pytest

from nqe import train


def test_wall_clock_until_a_pace_is_known(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(train.time, "time", lambda: now[0])
    prog = train.Progress(n_epochs=10, batches_per_epoch=4, budget_s=100.0, used_s=20.0)
    prog.start(0)
    now[0] += 30.0
    assert prog.fraction(step=1) == pytest.approx(0.5)  # (20 + 30) / 100, whatever the step
    prog.stop(4)
    assert prog.used_s == pytest.approx(50.0)


def test_steps_at_the_runs_pace_whatever_the_clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(train.time, "time", lambda: now[0])
    prog = train.Progress(n_epochs=10, batches_per_epoch=4, budget_s=100.0, used_s=20.0,
                          step_s=5.0)
    prog.start(8)
    now[0] += 500.0  # a much slower machine
    assert prog.fraction(step=10) == pytest.approx(0.3)  # (20 + 2 steps x 5 s) / 100
    prog.stop(12)
    assert prog.used_s == pytest.approx(40.0)
    assert not prog.done(12) and prog.fraction(12) == pytest.approx(0.4)


def test_run_pace_is_the_median_epoch_of_the_phase_so_far():
    hist = ([dict(epoch=e, phase=1, seconds=999.0) for e in range(3)]          # another phase
            + [dict(epoch=e, phase=2, seconds=s) for e, s in zip(range(3, 8),
                                                                 (40, 44, 38, 400, 42))])
    assert train.run_pace(hist, phase=2, first_epoch=3, batches_per_epoch=4) == pytest.approx(10.5)
    # A warm restart's phase starts later: only its own epochs count.
    assert train.run_pace(hist, phase=2, first_epoch=6, batches_per_epoch=4) == pytest.approx(55.25)
    assert train.run_pace(hist, phase=2, first_epoch=8, batches_per_epoch=4) is None
