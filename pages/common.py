"""Not a page: what the pages share - the active model, the MNIST data, the runs folder.

Models and data are loaded once per server process (``st.cache_resource``) and shared by every
browser session; which model is *active* is each session's own choice.
"""

import os
import sys
import uuid
from pathlib import Path

import numpy as np
import streamlit as st

from model.data import load_mnist
from model.inference import SHIPPED_MODEL_PATH, ModelLoadError, Predictor
from model.plots import figure_to_png

SHIPPED_LABEL = "Shipped CNN"
RUNS_DIR = Path(os.environ.get("DIGITS_RUNS_DIR", Path(__file__).resolve().parents[1] / "runs"))


@st.cache_resource(max_entries=16, show_spinner="Loading the model…")
def _load_predictor(path, modified_time):
    # modified_time is part of the cache key: a file replaced on disk is loaded afresh.
    return Predictor.load(path).warm_up()


@st.cache_resource(show_spinner="Loading MNIST…")
def load_data():
    return load_mnist()


@st.cache_resource(max_entries=8, show_spinner="Reading the whole test set with the model…")
def _test_set_probabilities(path, modified_time):
    return _load_predictor(path, modified_time).predict_probabilities(load_data().x_test / np.float32(255))


def keep_tensorflow_warm():
    """Stop Streamlit from clearing the Keras session after every script run.

    Streamlit calls ``keras.backend.clear_session()`` at the end of each run
    (``_clean_problem_modules`` in streamlit/runtime/scriptrunner/script_runner.py), which also
    empties TensorFlow's kernel cache: every prediction then took ~42 ms instead of ~1.7 ms
    (measured), and a model being built in another thread lost its layer names. This app builds
    no Keras model in a script run (training runs in a child process), so there is nothing to
    clear; matplotlib's pyplot figures, the other thing Streamlit cleans, are still closed.
    """
    from streamlit.runtime.scriptrunner import script_runner

    def close_pyplot_figures():
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")

    if hasattr(script_runner, "_clean_problem_modules"):
        script_runner._clean_problem_modules = close_pyplot_figures


def session_id():
    return st.session_state.setdefault("session_id", uuid.uuid4().hex[:12])


def available_models():
    """Label -> model path: the shipped CNN and the models trained in this browser session."""
    trained = st.session_state.setdefault("trained_models", {})
    return {SHIPPED_LABEL: str(SHIPPED_MODEL_PATH), **trained}


def active_model_path():
    models = available_models()
    return models.get(st.session_state.get("active_model"), models[SHIPPED_LABEL])


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


def test_set_probabilities():
    path = active_model_path()
    return _test_set_probabilities(path, _modified_time(path))


def add_trained_model(label, path):
    st.session_state.setdefault("trained_models", {})[label] = str(path)
    st.session_state["active_model"] = label


def show_model_picker():
    """The sidebar: which model reads the digits, and what its card says about it."""
    with st.sidebar:
        models = available_models()
        if st.session_state.get("active_model") not in models:
            st.session_state["active_model"] = SHIPPED_LABEL
        st.selectbox("Active model", list(models), key="active_model", help="Models you train appear here.")
        predictor = active_predictor()
        if predictor is not None and predictor.card:
            card = predictor.card
            accuracy = card.get("test_accuracy")
            st.caption(
                f"**{card.get('architecture', '?')}** · {card.get('parameters', 0):,} parameters  \n"
                + (f"test accuracy **{accuracy:.2%}** on {card.get('test_images', 0):,} images" if accuracy else "")
                + (" (sample)" if card.get("data_is_sample") else "")
            )


def show_figure(figure, download_label, file_name):
    """A matplotlib figure and a button to download it as a slide-ready PNG (150 dpi)."""
    st.pyplot(figure, width="content")
    st.download_button(download_label, figure_to_png(figure), file_name=file_name, mime="image/png", icon=":material/download:")
