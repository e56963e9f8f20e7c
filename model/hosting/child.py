"""The training child process: ``python -m model.hosting.child MESSAGES_FD``, started by ``jobs.py``.

It imports only what training needs (never the app), lowers its own priority before TensorFlow
loads, and lives only as long as its server: the server holds the child's stdin open, so when the
server ends in any way (``kill -9``, an out-of-memory kill, a container restart) the child reads
the end of stdin and exits at once. Nothing trains on for a server that is gone.

Protocol: the server writes one pickled request ``(architecture, data_source, save_to,
max_seconds, train_options)`` to stdin, then a line "stop" to stop early; the child writes pickled
``(kind, payload)`` messages to the file descriptor it is given: ("progress", Progress),
("finished", card) or ("error", a sentence for the page). Both ends are this code. A Progress holds
the first layer's weights (49 KB at most) only when it took a snapshot, at most twice a second.
"""

import contextlib
import errno
import os
import pickle
import sys
import threading
import time
import traceback

from model.hosting.reasons import Reason
from model.language import N_

PARENT_GONE_EXIT_CODE = 70
# The architecture a run names when it teaches a trained model an audience room's drawings
# (model/making/teach.py) instead of training a network from the start.
TEACH = "teach"


def failure_sentence(error: BaseException) -> str:
    """Why a run failed, for the page: plain words, never a server path. A ``Reason``: English
    here, where no page's language is known; the page says it in its own (``reasons.said``)."""
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return Reason(N_("the server's disk is full, so the model could not be saved"))
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return Reason(N_("the server cannot write to its folder for trained models"))
        return Reason(
            N_("the server could not read or write a file ({cause})"),
            cause=os.strerror(error.errno) if error.errno else "I/O error",
        )
    if isinstance(error, MemoryError):
        return Reason(N_("the training ran out of memory"))
    if isinstance(error, ValueError):
        return str(error)  # the options' own checks: sentences written for people (said() looks them up)
    return Reason(N_("an unexpected error ({kind}); the server's log has the details"), kind=type(error).__name__)


def _watch_the_server(stdin, stop_requested: threading.Event) -> None:
    for line in stdin:
        if line.strip() == b"stop":
            stop_requested.set()
    os._exit(PARENT_GONE_EXIT_CODE)  # stdin ended: the server is gone, or let go of this run


def main(messages_fd: int) -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.nice(10)  # people drawing come first; before TensorFlow loads, so its threads inherit it
    messages = os.fdopen(messages_fd, "wb")

    def send(kind, payload):
        pickle.dump((kind, payload), messages)
        messages.flush()

    architecture, data_source, save_to, max_seconds, train_options = pickle.load(sys.stdin.buffer)
    stop_requested = threading.Event()
    threading.Thread(target=_watch_the_server, args=(sys.stdin.buffer, stop_requested), daemon=True).start()
    try:
        from model.data import load_from_source
        from model.making.training import train
        from model.storage import save_model

        data = load_from_source(data_source)
        deadline = time.monotonic() + max_seconds if max_seconds else None

        def on_progress(progress):
            send("progress", progress)

        def should_stop():
            return stop_requested.is_set() or (deadline is not None and time.monotonic() > deadline)

        if architecture == TEACH:  # an audience room's drawings taught to a trained model
            from model.making.teach import teach

            result = teach(data, on_progress=on_progress, should_stop=should_stop, **train_options)
        else:
            result = train(architecture, data, on_progress=on_progress, should_stop=should_stop, **train_options)
        save_model(result.model, result.card, save_to)
        send("finished", result.card)
    except Exception as error:  # reported on the page and in the log; never a silent failure
        traceback.print_exc(file=sys.stderr)
        send("error", failure_sentence(error))


if __name__ == "__main__":
    main(int(sys.argv[1]))
    sys.stderr.flush()
    # Straight out: a normal shutdown would wait on the thread still reading stdin (and abort).
    os._exit(0)
