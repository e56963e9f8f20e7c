"""One training run in a child process, so a page can redraw, navigate or press Stop meanwhile.

Why a process and not a thread: TensorFlow training takes every core it can get, and in the
server's own process it starved every drawing session (measured: answers took over a minute
while two people trained). The child runs at a lower CPU priority, so drawing comes first, and
nothing that happens in it can take the server down.
"""

import contextlib
import dataclasses
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
from pathlib import Path

from model.hosting.child import PARENT_GONE_EXIT_CODE
from model.hosting.reasons import Reason
from model.language import N_

log = logging.getLogger(__name__)


class BackgroundTraining:
    """``training.train`` + ``storage.save_model`` in a child process (``child.py``), watched by a thread.

    ``progress`` is the latest Progress, with the latest snapshot of the first layer. When ``done``:
    ``card`` and ``saved_path`` describe the saved model (``stopped`` says whether Stop ended it
    early), or ``error`` says why the run failed, in words for the page (the log has the cause).
    Each run saves under the path it is given, so runs never overwrite each other.
    """

    def __init__(self, architecture, data_source, save_to, max_seconds=None, **train_options):
        """``data_source``: an MnistData's ``source`` (a path, "keras" or the bundled sample). The
        child loads the data itself: a pickled copy of the arrays would cost the server their
        bytes again on every start, and the child would hold them twice. ``max_seconds`` stops
        the run (keeping the model as it is then) after that much training."""
        self.architecture = architecture
        self.save_to = Path(save_to)
        self.progress = None
        self.card = None
        self.saved_path = None
        self.error = None
        self._request = (architecture, data_source, str(self.save_to), max_seconds, train_options)
        self._process = None
        self._stop_requested = threading.Event()
        self._finished = threading.Event()

    def start(self):
        # A new interpreter that imports only training (not the app, as multiprocessing's spawn
        # would), its messages on a pipe of their own: TensorFlow may print to stdout.
        messages_read, messages_write = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "model.hosting.child", str(messages_write)],
            stdin=subprocess.PIPE,
            pass_fds=(messages_write,),
            env=_with_this_code_importable(os.environ),
        )
        os.close(messages_write)
        pickle.dump(self._request, self._process.stdin)
        self._process.stdin.flush()
        threading.Thread(
            target=self._listen, args=(messages_read,), name=f"training-{self.architecture}-listener", daemon=True
        ).start()
        return self

    def stop(self):
        self._stop_requested.set()
        if self._process is not None:
            with contextlib.suppress(OSError, ValueError):  # the child may have ended already
                self._process.stdin.write(b"stop\n")
                self._process.stdin.flush()

    @property
    def stop_requested(self):
        return self._stop_requested.is_set()

    @property
    def stopped(self):
        return bool(self.card and self.card["stopped"])

    @property
    def done(self):
        return self._finished.is_set()

    def wait(self, timeout=None):
        return self._finished.wait(timeout)

    def _listen(self, messages_read):
        try:
            with os.fdopen(messages_read, "rb") as messages:
                while True:
                    try:
                        kind, payload = pickle.load(messages)
                    except (EOFError, pickle.UnpicklingError):
                        break  # the child ended without a last word
                    if kind == "progress":
                        self.progress = with_latest_snapshot(payload, self.progress)
                    elif kind == "finished":
                        self.card, self.saved_path = payload, self.save_to
                        return
                    else:
                        self.error = payload
                        log.warning("training run %s failed: %s", self.save_to.name, payload)
                        return
            exit_code = self._process.wait()
            self.error = _why_it_ended(exit_code)
            log.warning("training run %s: the child process ended (exit code %s)", self.save_to.name, exit_code)
        finally:
            with contextlib.suppress(OSError):
                self._process.stdin.close()  # lets the child go, if it still waits
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=60)
            _remove_temporary_files(self.save_to)
            self._finished.set()


def with_latest_snapshot(progress, previous):
    """``progress``, holding ``previous``'s snapshot of the first layer when it took none itself: the
    child sends each snapshot once (``training.SNAPSHOT_EVERY_SECONDS``), the page shows the latest."""
    if progress.first_layer is None and previous is not None and previous.first_layer is not None:
        return dataclasses.replace(progress, first_layer=previous.first_layer)
    return progress


def _why_it_ended(exit_code):
    if exit_code is not None and exit_code < 0:
        if -exit_code == signal.SIGKILL:
            return Reason(N_("the training process was killed (the system may have run short of memory)"))
        return Reason(
            N_("the training process was stopped by a signal ({signal})"),
            signal=signal.strsignal(-exit_code) or -exit_code,
        )
    if exit_code == PARENT_GONE_EXIT_CODE:
        return Reason(N_("the training process lost its server"))
    return Reason(N_("the training process ended unexpectedly (exit code {code})"), code=exit_code)


def _remove_temporary_files(save_to):
    """A child killed while saving leaves its temporary files (``storage.save_model``'s names)."""
    for leftover in save_to.parent.glob(f".{save_to.stem}.*.tmp.*"):
        leftover.unlink(missing_ok=True)


def _with_this_code_importable(environment):
    """The server's environment, with this project's root first on the child's import path (the
    server may have been started from another folder; relative paths in it still hold)."""
    root = str(Path(__file__).resolve().parents[2])
    path = environment.get("PYTHONPATH")
    return {**environment, "PYTHONPATH": root + (os.pathsep + path if path else "")}
