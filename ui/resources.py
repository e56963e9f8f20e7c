"""What is loaded once per server process (``st.cache_resource``) and shared by every session:
models (keyed by path and modification time), the MNIST data, a model's test-set predictions."""

import gc
import logging
import os

import numpy as np
import streamlit as st

from model.data import load_mnist
from model.hosting.admission import TrainingQueue
from model.hosting.settings import limits, room_limits
from model.recognition.gate import shipped_gate
from model.recognition.predictor import ModelLoadError, Predictor
from model.rooms.store import RoomStore
from model.storage import runs_dir
from ui.session import active_model_path


@st.cache_resource(max_entries=16, show_spinner="Loading the model…")
def _load_predictor(path, modified_time):
    # modified_time is part of the cache key: a file replaced on disk is loaded afresh.
    predictor = Predictor.load(path, gate=shipped_gate()).warm_up()
    # TensorFlow, Keras and the model are now in memory for good: frozen, Python's collector
    # no longer walks their millions of objects on each full collection (~0.3 s each here).
    gc.freeze()
    return predictor


@st.cache_resource(show_spinner="Loading MNIST…")
def load_data():
    return load_mnist()


@st.cache_resource(max_entries=8, show_spinner="Reading the whole test set with the model…")
def _test_set_predictions(path, modified_time):
    return _load_predictor(path, modified_time).predict_uint8(load_data().x_test)


def training_queue():
    """The server's one training queue; created at the first page view, which also prunes the
    trained models a previous server process left behind."""
    return _training_queue(limits(), str(runs_dir()), load_data().source)


@st.cache_resource(show_spinner=False)
def _training_queue(server_limits, runs_folder, data_source):
    # Keyed by its settings: the same for the life of a server, different in each test.
    queue = TrainingQueue(server_limits, runs_folder, data_source)
    queue.prune()
    return queue


@st.cache_resource(show_spinner=False)
def _room_store(url):
    store = RoomStore(url)
    store.purge_expired()
    return store


def room_store():
    """The audience rooms' database (SQLite file by default; DIGITS_ROOM_DATABASE_URL for PostgreSQL)."""
    return _room_store(room_limits().database_url)


def _modified_time(path):
    try:
        return os.path.getmtime(path)
    except OSError:
        return 0.0


def active_predictor():
    """The Predictor this session chose, or None once an error saying why has been shown."""
    path = active_model_path()
    try:
        return _load_predictor(path, _modified_time(path))
    except ModelLoadError:
        # The reason names a server path: it goes to the log, the page says what happened.
        logging.getLogger(__name__).warning("cannot load the active model", exc_info=True)
        st.error("This model cannot be used: its file is missing or damaged. Choose another model in the sidebar.")
        return None


def test_set_predictions():
    """The active model's digit for each MNIST test image (computed once per model)."""
    path = active_model_path()
    return np.asarray(_test_set_predictions(path, _modified_time(path)))
