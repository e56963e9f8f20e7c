"""What is loaded once per server process (``st.cache_resource``) and shared by every session:
models (keyed by path and modification time), the MNIST data, a model's test-set predictions."""

import os

import numpy as np
import streamlit as st

from model.data import load_mnist
from model.inference import ModelLoadError, Predictor
from ui.session import active_model_path


@st.cache_resource(max_entries=16, show_spinner="Loading the model…")
def _load_predictor(path, modified_time):
    # modified_time is part of the cache key: a file replaced on disk is loaded afresh.
    return Predictor.load(path).warm_up()


@st.cache_resource(show_spinner="Loading MNIST…")
def load_data():
    return load_mnist()


@st.cache_resource(max_entries=8, show_spinner="Reading the whole test set with the model…")
def _test_set_predictions(path, modified_time):
    return _load_predictor(path, modified_time).predict_uint8(load_data().x_test)


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
    except ModelLoadError as error:
        st.error(f"The model cannot be used. {error}")
        return None


def test_set_predictions():
    """The active model's digit for each MNIST test image (computed once per model)."""
    path = active_model_path()
    return np.asarray(_test_set_predictions(path, _modified_time(path)))
