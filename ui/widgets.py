"""Widgets more than one page shows: the sidebar's model picker and a figure with its PNG."""

import numpy as np
import streamlit as st

from model.language import _, active_language, ngettext, using
from model.plots import figure_to_png, slide_figure, slide_to_png
from ui.resources import active_predictor, training_queue
from ui.session import (
    ACTIVE_MODEL,
    TRAINED_MODELS,
    active_model_label,
    available_models,
    session_id,
    shown_model_label,
    training_run,
)


def show_model_picker():
    """The sidebar: which model reads the digits, and what its card says about it."""
    with st.sidebar:
        active_model_label()  # an unknown choice falls back to the shipped CNN before the widget
        # The options (labels) stay English: they are the keys of the models; shown translated.
        st.selectbox(
            _("Active model"),
            list(available_models()),
            format_func=shown_model_label,
            key=ACTIVE_MODEL,
            help=_("Models you train appear here."),
        )
        predictor = active_predictor()
        if predictor is not None and predictor.card:
            card = predictor.card
            accuracy = card.get("test_accuracy")
            parameters = card.get("parameters", 0)
            st.caption(
                f"**{card.get('architecture', '?')}** · "
                + ngettext("{count:,} parameter", "{count:,} parameters", parameters).format(count=parameters)
                + "  \n"
                + (
                    _("test accuracy **{accuracy:.2%}** on {count:,} MNIST test images").format(
                        accuracy=accuracy, count=card.get("test_images", 0)
                    )
                    if accuracy
                    else ""
                )
                + (_(" (sample)") if card.get("data_is_sample") else "")
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
            ":material/model_training: " + _("Training {fraction:.0%}").format(fraction=progress.fraction)
            if progress
            else ":material/hourglass: " + _("Training: waiting to start")
        )


def ordinal(number):
    """ "1st", "22nd", "13th": a place in a line (in Chinese 第1, 第22, 第13)."""
    if 10 <= number % 100 <= 20:
        place = _("{number}th")
    else:
        place = {1: _("{number}st"), 2: _("{number}nd"), 3: _("{number}rd")}.get(number % 10, _("{number}th"))
    return place.format(number=number)


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
        return _("Model: a network trained in this demo")
    accuracy = card.get("test_accuracy")
    measured = (
        _(" · test accuracy {accuracy:.2%} on {count:,} MNIST test images").format(
            accuracy=accuracy, count=card.get("test_images", 0)
        )
        if accuracy
        else ""
    )
    parameters = card.get("parameters", 0)
    return ngettext(
        "Model: {architecture}, {count:,} parameter{measured}",
        "Model: {architecture}, {count:,} parameters{measured}",
        parameters,
    ).format(architecture=card.get("architecture", _("network")), count=parameters, measured=measured)


def slide_download(drawing, image, probabilities, digit, card, dark=False, key=None):
    """The button that gives this reading as a 1920x1080 slide (made only when pressed, on a
    thread of its own that knows no session: it speaks the language of the page it came from)."""
    language = active_language()

    def make_slide():
        with using(language):
            return slide_to_png(
                slide_figure(np.asarray(drawing), image, probabilities, digit, model_caption(card), dark=dark)
            )

    st.download_button(
        _("Download slide (PNG)"),
        make_slide,
        file_name=f"reading-{digit if digit is not None else 'none'}.png",
        mime="image/png",
        icon=":material/slideshow:",
        on_click="ignore",
        key=key,
    )
