"""One training run in a child process, so a page can redraw, navigate or press Stop meanwhile.

Why a process and not a thread: TensorFlow training takes every core it can get, and in the
server's own process it starved every drawing session (measured: answers took over a minute
while two people trained). The child runs at a lower CPU priority, so drawing comes first, and
nothing that happens in it can take the server down.
"""

import contextlib
import multiprocessing
import os
import queue
import threading
import time
from pathlib import Path


class BackgroundTraining:
    """``training.train`` + ``storage.save_model`` in a child process, watched by a thread.

    ``progress`` is the latest Progress. When ``done``: ``card`` and ``saved_path`` describe the
    saved model (``stopped`` says whether Stop ended it early), or ``error`` says why the run
    failed. Each run saves under the path it is given, so runs never overwrite each other.
    """

    def __init__(self, architecture, data_source, save_to, max_seconds=None, **train_options):
        """``data_source``: an MnistData's ``source`` (a path, "keras" or the bundled sample). The
        child loads the data itself: a pickled copy of the arrays would cost the server their
        bytes again on every start, and the child would hold them twice. ``max_seconds`` stops
        the run (keeping the model as it is then) after that much training."""
        # "spawn": forking a process that has already loaded TensorFlow is not safe.
        context = multiprocessing.get_context("spawn")
        self.architecture = architecture
        self.save_to = Path(save_to)
        self.progress = None
        self.card = None
        self.saved_path = None
        self.error = None
        self._messages = context.Queue()
        self._stop_requested = context.Event()
        self._finished = threading.Event()
        self._process = context.Process(
            target=_train_in_child_process,
            args=(
                architecture,
                data_source,
                str(self.save_to),
                max_seconds,
                train_options,
                self._messages,
                self._stop_requested,
            ),
            name=f"training-{architecture}",
            daemon=True,
        )
        self._listener = threading.Thread(target=self._listen, name=f"training-{architecture}-listener", daemon=True)

    def start(self):
        self._process.start()
        self._listener.start()
        return self

    def stop(self):
        self._stop_requested.set()

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

    def _listen(self):
        try:
            while True:
                try:
                    kind, payload = self._messages.get(timeout=1)
                except queue.Empty:
                    if self._process.is_alive() or not self._messages.empty():
                        continue
                    self.error = f"the training process ended unexpectedly (exit code {self._process.exitcode})"
                    return
                if kind == "progress":
                    self.progress = payload
                elif kind == "finished":
                    self.card, self.saved_path = payload, self.save_to
                    return
                else:
                    self.error = payload
                    return
        finally:
            self._process.join(timeout=60)
            self._finished.set()


def _train_in_child_process(architecture, data_source, save_to, max_seconds, train_options, messages, stop_requested):
    with contextlib.suppress(AttributeError, OSError):
        os.nice(10)  # people drawing come first
    try:
        from model.data import load_from_source
        from model.making.training import train
        from model.storage import save_model

        data = load_from_source(data_source)
        deadline = time.monotonic() + max_seconds if max_seconds else None
        result = train(
            architecture,
            data,
            on_progress=lambda progress: messages.put(("progress", progress)),
            should_stop=lambda: stop_requested.is_set() or (deadline is not None and time.monotonic() > deadline),
            **train_options,
        )
        save_model(result.model, result.card, save_to)
        messages.put(("finished", result.card))
    except Exception as error:  # reported on the page; the run must never fail silently
        messages.put(("error", f"{type(error).__name__}: {error}"))
