"""The active model on the MNIST test split, for the Gallery: its answers and its pictures (the
grid, the confusion matrix) as PNGs, kept for every session (one per language: their titles are
words), and drawn ahead of the first visit."""

import threading

import numpy as np
import streamlit as st
from streamlit import runtime

from model.language import _, active_language, using
from model.metrics import confusion_matrix, recorded_answers
from model.plots import confusion_matrix_figure, figure_to_png, gallery_figure
from model.storage import SHIPPED_MODEL_PATH, card_path_for, read_card
from ui.resources import active_predictor, kept_data, kept_predictor, load_data, modified_time
from ui.session import active_model_path
from ui.shared import kept_for_everyone

SCREEN_DPI = 100  # a figure's inches at matplotlib's usual screen scale
DEFAULT_GRID = (tuple(range(25)), 5)  # the first visit: the test set's first 25 images, 5 x 5


def model_key(path=None):
    """A model as the kept values know it: its path and when its files last changed."""
    path = str(path or active_model_path())
    return path, modified_time(path), modified_time(card_path_for(path))


@kept_for_everyone(max_entries=8)
def _answers(key):
    """The model's digit for each test image: the answers its card recorded for this test split
    (no model run, no TensorFlow), else the model run over the split once."""
    path, modified, _ = key
    data = kept_data()
    recorded = recorded_answers(read_card(path), data)
    if recorded is not None:
        return recorded
    return np.asarray(kept_predictor(path, modified).predict_uint8(data.x_test))


def test_set_predictions():
    """The active model's answers on the test split; None once an error saying why the model
    cannot be used has been shown."""
    key = model_key()
    if _answers.is_kept(key):
        return _answers(key)
    data, card = load_data(), read_card(key[0])
    if recorded_answers(card, data) is None and active_predictor() is None:
        return None
    with st.spinner(_("Reading the whole test set with the model…")):
        return _answers(key)


def _png(figure):
    return figure_to_png(figure), round(figure.get_figwidth() * SCREEN_DPI)


@kept_for_everyone(max_entries=48)
def grid_png(key, indices, columns, language):
    """The test images at ``indices`` titled with the model's answers in ``language``: (PNG, width
    in pixels)."""
    data, answers, chosen = kept_data(), _answers(key), list(indices)
    with using(language):
        return _png(gallery_figure(data.x_test[chosen], answers[chosen], data.y_test[chosen], columns=columns))


@kept_for_everyone(max_entries=8)
def confusion_matrix_png(key, language):
    """The model's confusion matrix on the test split, its words in ``language``: (PNG, width in pixels)."""
    matrix = confusion_matrix(kept_data().y_test, _answers(key))
    with using(language):
        return _png(confusion_matrix_figure(matrix.tolist()))


_warm_up_started = threading.Event()


def warm_up_the_gallery():
    """Once per server process, in the background after the first page has shown: load MNIST and
    draw the shipped model's first grid and confusion matrix, so that the Gallery's first visit
    (a talk's usual first click) pays for none of them in front of an audience. They are drawn in
    the language of the session that asked: the presenter's, who opens the app first."""
    if _warm_up_started.is_set() or not runtime.exists():
        return  # (no server: app.py imported by another process, e.g. multiprocessing's spawn)
    _warm_up_started.set()
    language = active_language()  # here, in the session's run: the thread has no session to ask

    def warm_up():
        key = model_key(SHIPPED_MODEL_PATH)
        if recorded_answers(read_card(key[0]), kept_data()) is None:
            return  # a data set the card has no answers for: the Gallery runs the model when asked
        grid_png(key, *DEFAULT_GRID, language)
        confusion_matrix_png(key, language)

    threading.Thread(target=warm_up, name="gallery-warm-up", daemon=True).start()
