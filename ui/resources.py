"""What is loaded once per server process and shared by every session (``ui/shared.py``, out of
reach of a visitor's "clear caches"): models (keyed by path and modification time), the MNIST
data, the training queue, the room store. (The Gallery's test-set figures: ``ui/test_set.py``.)"""

import gc
import logging
import os
import threading
import time

import streamlit as st
from streamlit import runtime

from model.data import load_mnist
from model.hosting.admission import TrainingQueue
from model.hosting.memory import give_back_freed_memory
from model.hosting.settings import limits, raise_open_file_limit, room_limits
from model.language import _
from model.recognition.predictor import ModelLoadError, Predictor
from model.rooms.errors import RoomError
from model.rooms.store import RoomStore
from model.storage import SHIPPED_MODEL_PATH, runs_dir
from ui.session import active_model_path
from ui.shared import kept_for_everyone


@kept_for_everyone(max_entries=16)
def kept_predictor(path, modified_time):
    # modified_time is part of the cache key: a file replaced on disk is loaded afresh.
    predictor = Predictor.with_checks(path).warm_up()
    # TensorFlow, Keras and the model are now in memory for good: frozen, Python's collector
    # no longer walks their millions of objects on each full collection (~0.3 s each here).
    gc.freeze()
    return predictor


@kept_for_everyone()
def kept_data():
    return load_mnist()


def load_data():
    """The MNIST in use (MNIST_PATH, else Keras' copy, else the bundled sample), loaded once."""
    if kept_data.is_kept():
        return kept_data()
    with st.spinner(_("Loading MNIST…")):
        return kept_data()


def training_queue():
    """The server's one training queue; created at the first page view, which also prunes the
    trained models a previous server process left behind."""
    return _training_queue(limits(), str(runs_dir()), load_data().source)


@kept_for_everyone(max_entries=8)
def _training_queue(server_limits, runs_folder, data_source):
    # Keyed by its settings: the same for the life of a server, different in each test.
    queue = TrainingQueue(server_limits, runs_folder, data_source)
    queue.prune()
    return queue


@kept_for_everyone(max_entries=8)
def _room_store(url):
    store = RoomStore(url)
    store.purge_expired()
    return store


def room_store():
    """The audience rooms' database (SQLite file by default; DIGITS_ROOM_DATABASE_URL for PostgreSQL)."""
    return _room_store(room_limits().database_url)


def modified_time(path):
    try:
        return os.path.getmtime(path)
    except OSError:
        return 0.0


def active_predictor():
    """The Predictor this session chose, or None once an error saying why has been shown."""
    path = active_model_path()
    key = (path, modified_time(path))
    try:
        if kept_predictor.is_kept(*key):
            return kept_predictor(*key)
        with st.spinner(_("Loading the model…")):
            return kept_predictor(*key)
    except ModelLoadError:
        # The reason names a server path: it goes to the log, the page says what happened.
        logging.getLogger(__name__).warning("cannot load the active model", exc_info=True)
        st.error(_("This model cannot be used: its file is missing or damaged. Choose another model in the sidebar."))
        return None


def room_predictor(code: str) -> Predictor:
    """The network a room's phones read with (``predictor_for_room_model`` of the room's choice)."""
    try:
        path = room_store().room_model(code)
    except RoomError:
        path = None
    return predictor_for_room_model(path)


def predictor_for_room_model(path: str | None) -> Predictor:
    """The room's taught model at ``path``, while it is chosen and its file is still there
    (retention may have removed it); else the shipped one. ModelLoadError only when the shipped
    model itself cannot be loaded."""
    if path and os.path.isfile(path):
        try:
            return kept_predictor(path, modified_time(path))
        except ModelLoadError:
            logging.getLogger(__name__).warning("a room's taught model cannot be loaded", exc_info=True)
    return kept_predictor(str(SHIPPED_MODEL_PATH), modified_time(SHIPPED_MODEL_PATH))


_memory_keeper_started = threading.Event()
GIVE_BACK_EVERY_S = 30.0


def give_back_memory_regularly():
    """Once per server process: a thread that hands the memory of ended sessions back to the
    system every half minute, so it is there for the next visitors and for training admission."""
    if _memory_keeper_started.is_set() or not runtime.exists():
        return  # (no server: app.py imported by another process, e.g. multiprocessing's spawn)
    _memory_keeper_started.set()

    def keep():
        while True:
            time.sleep(GIVE_BACK_EVERY_S)  # a background loop's period, not a wait on a result
            give_back_freed_memory()

    threading.Thread(target=keep, name="memory-keeper", daemon=True).start()


@kept_for_everyone()
def serve_many_phones() -> tuple[int, int]:
    """Once per server process: room for a lecture hall's websockets (open files)."""
    before, after = raise_open_file_limit()
    if after > before:
        logging.getLogger(__name__).info("Open files allowed: %d (was %d)", after, before)
    return before, after
