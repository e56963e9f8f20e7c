"""Gallery: real MNIST test digits with the model's labels, the confusion matrix, slide-ready PNGs."""

import numpy as np
import pandas as pd
import streamlit as st

from model.language import N_, _, active_language, ngettext
from model.metrics import test_report
from ui.entry import enter_through_the_app
from ui.resources import load_data
from ui.session import active_model_label, gallery_seed, reshuffle_gallery, shown_model_label
from ui.test_set import confusion_matrix_png, grid_png, model_key, test_set_predictions
from ui.widgets import show_png

enter_through_the_app()

GRID_SIZES = {"4 × 4": (4, 4), "5 × 5": (5, 5), "6 × 6": (6, 6), "8 × 8": (8, 8), "3 × 5": (3, 5)}
ALL = N_("All")


def digit_option(option):
    """A "True digit" choice as shown: a digit, or "All" in the page's language."""
    return _(option) if option == ALL else str(option)


def gallery_controls():
    columns = st.columns([1, 1, 1, 1])
    grid = columns[0].selectbox(_("Grid"), list(GRID_SIZES), index=1, key="gallery_grid")
    digit = columns[1].selectbox(_("True digit"), [ALL, *range(10)], format_func=digit_option, key="gallery_digit")
    only_mistakes = columns[2].toggle(_("Only mistakes"), key="gallery_mistakes")
    columns[3].button(_("Reshuffle"), on_click=reshuffle_gallery, icon=":material/shuffle:")
    return GRID_SIZES[grid], digit, only_mistakes


def choose_images(true_labels, predicted_labels, digit, only_mistakes, count):
    chosen = np.ones(len(true_labels), dtype=bool)
    if digit != ALL:
        chosen &= true_labels == digit
    if only_mistakes:
        chosen &= true_labels != predicted_labels
    indices = np.flatnonzero(chosen)
    seed = gallery_seed()
    if seed:  # the first view is the test set in its own order, as in the tutorial
        indices = np.random.default_rng(seed).permutation(indices)
    return indices[:count]


def show_grid(data, predicted_labels):
    (rows, columns), digit, only_mistakes = gallery_controls()
    indices = choose_images(data.y_test, predicted_labels, digit, only_mistakes, rows * columns)
    if len(indices) == 0:
        st.info(_("No test image matches: the model makes no mistake on this digit here."))
        return
    grid = grid_png(model_key(), tuple(indices.tolist()), columns, active_language())
    show_png(grid, _("Download the grid (PNG, 150 dpi)"), "mnist-predictions.png")


def show_scores(report):
    table = pd.DataFrame(
        {_("precision"): report["precision"], _("recall"): report["recall"], _("F1"): report["f1"]},
        index=pd.Index(range(10), name=_("digit")),
    )
    matrix_column, table_column = st.columns([1.3, 1], gap="large")
    with matrix_column:
        matrix = confusion_matrix_png(model_key(), active_language())
        show_png(matrix, _("Download the confusion matrix (PNG)"), "confusion-matrix.png")
    with table_column:
        st.dataframe(table.style.format("{:.2%}"), width="stretch", height=420)


st.title(_("Gallery"))
data = load_data()
if data.is_sample:
    st.info(data.notice, icon=":material/info:")
else:
    st.caption(
        ngettext(
            "All {count:,} MNIST test image, from {source}.",
            "All {count:,} MNIST test images, from {source}.",
            len(data.y_test),
        ).format(count=len(data.y_test), source=data.public_name)
    )

predicted_labels = test_set_predictions()
if predicted_labels is not None:
    report = test_report(data, predicted_labels)
    mistakes = int((predicted_labels != data.y_test).sum())
    first, second = st.columns(2)
    first.metric(_("Test accuracy"), f"{report['accuracy']:.2%}")
    second.metric(_("Mistakes"), _("{mistakes} of {count:,}").format(mistakes=mistakes, count=report["n"]))
    st.caption(_("Model: {model}").format(model=shown_model_label(active_model_label())))
    show_grid(data, predicted_labels)
    st.subheader(_("Where it goes wrong"))
    show_scores(report)
