"""Widgets more than one page shows: the sidebar's model picker and a figure with its PNG."""

import numpy as np
import streamlit as st

from model.plots import figure_to_png, slide_figure, slide_to_png
from ui.resources import active_predictor, training_queue
from ui.session import ACTIVE_MODEL, TRAINED_MODELS, active_model_label, available_models, session_id, training_run


def show_model_picker():
    """The sidebar: which model reads the digits, and what its card says about it."""
    with st.sidebar:
        active_model_label()  # an unknown choice falls back to the shipped CNN before the widget
        st.selectbox("Active model", list(available_models()), key=ACTIVE_MODEL, help="Models you train appear here.")
        predictor = active_predictor()
        if predictor is not None and predictor.card:
            card = predictor.card
            accuracy = card.get("test_accuracy")
            st.caption(
                f"**{card.get('architecture', '?')}** · {card.get('parameters', 0):,} parameters  \n"
                + (
                    f"test accuracy **{accuracy:.2%}** on {card.get('test_images', 0):,} MNIST test images"
                    if accuracy
                    else ""
                )
                + (" (sample)" if card.get("data_is_sample") else "")
            )
        if training_run() is not None or st.session_state.get(TRAINED_MODELS):
            st.fragment(training_heartbeat, run_every=10)()


def training_heartbeat():
    """While this tab is open, its training run and trained models are in use: the queue stops
    a run (and retention removes models) only once no page of the session has been seen for a
    minute. Also says, on every page, how the run is doing."""
    run = training_run()
    training_queue().touch(run=run, owner=session_id())
    if run is not None and not run.done:
        progress = run.progress
        st.caption(
            f":material/model_training: Training {progress.fraction:.0%}"
            if progress
            else ":material/hourglass: Training: waiting to start"
        )


def ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def show_figure(figure, download_label, file_name):
    """A matplotlib figure and a button to download it as a slide-ready PNG (150 dpi).

    The PNG is made only when the button is pressed (a deferred download): rendering it at
    150 dpi on every script run was most of the Gallery's time."""
    st.pyplot(figure, width="content")
    st.download_button(
        download_label,
        lambda: figure_to_png(figure),
        file_name=file_name,
        mime="image/png",
        icon=":material/download:",
        on_click="ignore",
    )


def show_png(png_and_width, download_label, file_name):
    """A figure already drawn (``ui/test_set.py``'s PNGs) and a button to download it."""
    png, width = png_and_width
    st.image(png, width=width)
    st.download_button(
        download_label, png, file_name=file_name, mime="image/png", icon=":material/download:", on_click="ignore"
    )


def model_caption(card):
    """One line about a model for a slide's footer: what it is and how well it reads MNIST."""
    if not card:
        return "Model: a network trained in this demo"
    accuracy = card.get("test_accuracy")
    measured = (
        f" · test accuracy {accuracy:.2%} on {card.get('test_images', 0):,} MNIST test images" if accuracy else ""
    )
    return f"Model: {card.get('architecture', 'network')}, {card.get('parameters', 0):,} parameters{measured}"


def slide_download(drawing, image, probabilities, digit, card, dark=False, key=None):
    """The button that gives this reading as a 1920x1080 slide (made only when pressed)."""

    def make_slide():
        return slide_to_png(
            slide_figure(np.asarray(drawing), image, probabilities, digit, model_caption(card), dark=dark)
        )

    st.download_button(
        "Download slide (PNG)",
        make_slide,
        file_name=f"reading-{digit if digit is not None else 'none'}.png",
        mime="image/png",
        icon=":material/slideshow:",
        on_click="ignore",
        key=key,
    )
