"""The training queue with real child processes on the bundled sample; the clock is ours."""

import time

import pytest

from model.hosting.admission import (
    ABANDONED,
    CANCELLED,
    FAILED,
    FINISHED,
    QUEUED,
    RUNNING,
    AdmissionError,
    TrainingQueue,
)
from model.hosting.settings import limits

TINY = {"epochs": 1, "train_size": 500, "batch_size": 128, "learning_rate": 1e-3, "augment": False}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make_queue(tmp_path, monkeypatch, clock, **environment):
    for name, value in {"DIGITS_MAX_TRAININGS": "1", **environment}.items():
        monkeypatch.setenv(name, value)
    return TrainingQueue(limits(), tmp_path / "runs", "bundled sample", clock=clock, dispatch_every=0)


def tick_until(queue, clock, condition, timeout=180):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, [run.state for run in queue.runs()]
        clock.now += 0.5  # pages keep touching their runs in these tests
        for run in queue.runs():
            queue.touch(run)
        queue.tick()
        time.sleep(0.2)  # polling real child processes; the condition is re-checked each time


@pytest.mark.slow
def test_runs_beyond_the_limit_wait_in_line_and_start_in_order(tmp_path, monkeypatch):
    clock = Clock()
    queue = make_queue(tmp_path, monkeypatch, clock)
    first, second, third = (queue.submit(owner, "mlp", TINY) for owner in ("aaaa", "bbbb", "cccc"))
    assert [first.state, second.state, third.state] == [RUNNING, QUEUED, QUEUED]
    assert (queue.position(first), queue.position(second), queue.position(third)) == (None, 1, 2)
    assert 0 < queue.wait_seconds(second) < queue.wait_seconds(third)

    queue.stop(second)  # Stop while queued
    assert second.state == CANCELLED and queue.position(third) == 1

    tick_until(queue, clock, lambda: third.state != QUEUED)
    assert first.state == FINISHED and first.saved_path.exists()
    tick_until(queue, clock, lambda: third.done)
    assert third.state == FINISHED and third.card["test_images"] == 2000
    assert second.job is None  # a cancelled run never started a process


def test_one_run_per_session_and_a_budget_per_run(tmp_path, monkeypatch):
    queue = make_queue(tmp_path, monkeypatch, Clock(), DIGITS_RUN_MAX_IMAGE_EPOCHS="10000")
    with pytest.raises(AdmissionError, match="image-epochs"):
        queue.submit("aaaa", "mlp", {**TINY, "epochs": 50, "train_size": 60_000})
    run = queue.submit("aaaa", "mlp", TINY)
    with pytest.raises(AdmissionError, match="already have"):
        queue.submit("aaaa", "mlp", TINY)
    queue.stop(run)


@pytest.mark.slow
def test_a_run_whose_page_is_gone_is_stopped_and_its_files_removed(tmp_path, monkeypatch):
    clock = Clock()
    queue = make_queue(tmp_path, monkeypatch, clock)
    running = queue.submit("aaaa", "mlp", {**TINY, "epochs": 50, "train_size": 5000})
    waiting = queue.submit("bbbb", "mlp", TINY)
    tick_until(queue, clock, lambda: running.progress is not None)
    clock.now += 61  # nobody has seen either page for a minute
    queue.tick()
    assert waiting.state == ABANDONED
    deadline = time.monotonic() + 120
    while not running.done:
        assert time.monotonic() < deadline
        queue.tick()
        time.sleep(0.2)
    assert running.state == ABANDONED and running.card["epochs_completed"] < 50
    assert not running.save_to.exists() and not running.save_to.with_suffix(".json").exists()


def test_what_cannot_fit_in_memory_is_refused_with_a_reason(tmp_path, monkeypatch):
    queue = make_queue(tmp_path, monkeypatch, Clock(), DIGITS_MEMORY_BUDGET_MB="100")
    run = queue.submit("aaaa", "mlp", TINY)
    assert run.state == FAILED and "memory" in run.error and run.job is None


def test_limits_are_validated_and_the_default_fits_the_budget(monkeypatch):
    monkeypatch.setenv("DIGITS_MAX_TRAININGS", "-1")
    with pytest.raises(ValueError, match="DIGITS_MAX_TRAININGS"):
        limits()
    monkeypatch.delenv("DIGITS_MAX_TRAININGS")
    default = limits()
    assert default.memory_budget_mb == 2500
    assert (
        default.server_reserve_mb + default.concurrent_trainings * default.training_process_mb
        <= default.memory_budget_mb
    )
