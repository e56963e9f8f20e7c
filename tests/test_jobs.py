"""BackgroundTraining: a real child process, Stop, runs that fail, and a server that dies."""

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from model.data import as_floats
from model.hosting.child import failure_sentence
from model.hosting.jobs import BackgroundTraining, with_latest_snapshot
from model.inside.weights import first_layer_weights
from model.making.networks import build_sigmoid_network
from model.recognition.predictor import Predictor

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_stop_ends_training_cleanly(sample, tmp_path):
    job = BackgroundTraining("mlp", sample.source, tmp_path / "stopped.keras", epochs=50, train_size=2000)
    job.start()
    job.stop()
    assert job.wait(120)
    assert job.error is None and job.stopped
    assert job.card["epochs_completed"] < 50
    assert Predictor.load(job.saved_path).predict_probabilities(as_floats(sample.x_test[:2])).shape == (2, 10)


@pytest.mark.slow
def test_a_failing_run_reports_its_error_and_saves_nothing(sample, tmp_path):
    job = BackgroundTraining(
        "mlp", sample.source, tmp_path / "failed.keras", epochs=1, train_size=500, learning_rate=-1.0
    )
    job.start()
    assert job.wait(120)
    assert job.card is None and "learning rate" in job.error
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_a_killed_child_is_reported_plainly_and_leaves_no_temporary_file(sample, tmp_path):
    job = BackgroundTraining("mlp", sample.source, tmp_path / "killed.keras", epochs=50, train_size=2000).start()
    deadline = time.monotonic() + 120
    while job.progress is None:  # training has begun: the child holds TensorFlow
        assert time.monotonic() < deadline and not job.done, job.error
        time.sleep(0.1)
    (tmp_path / ".killed.0123abcd.tmp.keras").write_bytes(b"")  # as a save cut short leaves it
    os.kill(job._process.pid, signal.SIGKILL)
    assert job.wait(60)
    assert job.card is None and "killed" in job.error
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_a_run_that_cannot_save_says_so_without_a_path(sample, tmp_path):
    not_a_folder = tmp_path / "runs"
    not_a_folder.write_text("a file where the runs folder should be")
    job = BackgroundTraining("mlp", sample.source, not_a_folder / "model.keras", epochs=1, train_size=500).start()
    assert job.wait(120)
    assert job.card is None and job.error.startswith("the server could not read or write a file")
    assert str(tmp_path) not in job.error


@pytest.mark.slow
def test_the_first_layers_snapshot_crosses_from_the_child_to_the_page(sample, tmp_path):
    job = BackgroundTraining("sigmoid", sample.source, tmp_path / "nielsen.keras", epochs=1, train_size=500).start()
    assert job.wait(120) and job.error is None, job.error
    snapshot = job.progress.first_layer
    assert snapshot.kind == "dense" and snapshot.pictures.shape == (30, 28, 28)
    saved = first_layer_weights(Predictor.load(job.saved_path).model).snapshot()
    np.testing.assert_array_equal(snapshot.pictures, saved.pictures)  # the trained network's, at its end


def test_a_report_without_a_snapshot_keeps_showing_the_latest_one():
    from model.making.training import Progress

    def report(batch, snapshot):
        return Progress(1, 1, batch, 10, 0.5, 0.5, 1.0, {}, first_layer=snapshot)

    earlier, later = first_layer_weights(build_sigmoid_network()), first_layer_weights(build_sigmoid_network())
    assert with_latest_snapshot(report(1, earlier), None).first_layer is earlier
    kept = with_latest_snapshot(report(2, None), report(1, earlier))
    assert kept.first_layer is earlier and kept.batch == 2
    assert with_latest_snapshot(report(3, later), kept).first_layer is later
    assert with_latest_snapshot(report(1, None), None).first_layer is None


@pytest.mark.parametrize(
    "error, words",
    [
        (OSError(errno.ENOSPC, "No space left on device", "/srv/app/runs/x.keras"), "disk is full"),
        (OSError(errno.EROFS, "Read-only file system", "/srv/app/runs/x.keras"), "cannot write to its folder"),
        (MemoryError(), "out of memory"),
        (RuntimeError("/srv/app/secret"), "unexpected error (RuntimeError)"),
    ],
)
def test_failure_sentences_name_the_cause_and_no_path(error, words):
    sentence = failure_sentence(error)
    assert words in sentence and "/srv" not in sentence


@pytest.mark.slow
def test_a_training_dies_with_its_server(tmp_path):
    # A stand-in server: it starts a run, says the child's pid, then is killed with SIGKILL.
    server_code = (
        "import sys, time\n"
        "from model.data import SAMPLE_PATH\n"
        "from model.hosting.jobs import BackgroundTraining\n"
        f"job = BackgroundTraining('mlp', str(SAMPLE_PATH), {str(tmp_path / 'orphan.keras')!r}, epochs=50, "
        "train_size=2000).start()\n"
        "print(job._process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", server_code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    child_pid = int(server.stdout.readline())
    server.kill()
    server.wait(30)
    deadline = time.monotonic() + 30
    while child_alive(child_pid):
        assert time.monotonic() < deadline, "the training child outlived its server"
        time.sleep(0.1)


def child_alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be collected
