"""Widgets more than one page shows: the sidebar's model picker and a figure with its PNG."""

import streamlit as st

from model.plots import figure_to_png
from ui.resources import active_predictor
from ui.session import ACTIVE_MODEL, active_model_label, available_models


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
                + (f"test accuracy **{accuracy:.2%}** on {card.get('test_images', 0):,} images" if accuracy else "")
                + (" (sample)" if card.get("data_is_sample") else "")
            )


def show_figure(figure, download_label, file_name):
    """A matplotlib figure and a button to download it as a slide-ready PNG (150 dpi)."""
    st.pyplot(figure, width="content")
    st.download_button(download_label, figure_to_png(figure), file_name=file_name, mime="image/png", icon=":material/download:")
