"""Gallery: real MNIST test digits with the model's labels, the confusion matrix, slide-ready PNGs."""

import numpy as np
import pandas as pd
import streamlit as st

from model.metrics import test_report
from model.plots import confusion_matrix_figure, gallery_figure
from ui.entry import enter_through_the_app
from ui.resources import active_predictor, load_data, test_set_predictions
from ui.session import active_model_label, gallery_seed, reshuffle_gallery
from ui.widgets import show_figure

enter_through_the_app()

GRID_SIZES = {"4 × 4": (4, 4), "5 × 5": (5, 5), "6 × 6": (6, 6), "8 × 8": (8, 8), "3 × 5": (3, 5)}


def gallery_controls():
    columns = st.columns([1, 1, 1, 1])
    grid = columns[0].selectbox("Grid", list(GRID_SIZES), index=1, key="gallery_grid")
    digit = columns[1].selectbox("True digit", ["All", *range(10)], key="gallery_digit")
    only_mistakes = columns[2].toggle("Only mistakes", key="gallery_mistakes")
    columns[3].button("Reshuffle", on_click=reshuffle_gallery, icon=":material/shuffle:")
    return GRID_SIZES[grid], digit, only_mistakes


def choose_images(true_labels, predicted_labels, digit, only_mistakes, count):
    chosen = np.ones(len(true_labels), dtype=bool)
    if digit != "All":
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
        st.info("No test image matches: the model makes no mistake on this digit here.")
        return
    figure = gallery_figure(data.x_test[indices], predicted_labels[indices], data.y_test[indices], columns=columns)
    show_figure(figure, "Download the grid (PNG, 150 dpi)", "mnist-predictions.png")


def show_scores(report):
    table = pd.DataFrame(
        {"precision": report["precision"], "recall": report["recall"], "F1": report["f1"]},
        index=pd.Index(range(10), name="digit"),
    )
    matrix_column, table_column = st.columns([1.3, 1], gap="large")
    with matrix_column:
        show_figure(
            confusion_matrix_figure(report["confusion_matrix"]),
            "Download the confusion matrix (PNG)",
            "confusion-matrix.png",
        )
    with table_column:
        st.dataframe(table.style.format("{:.2%}"), width="stretch", height=420)


st.title("Gallery")
predictor = active_predictor()
data = load_data()
if data.is_sample:
    st.caption(f":material/info: {data.notice}")
else:
    st.caption(f"All {len(data.y_test):,} MNIST test images, from {data.public_name}.")

if predictor is not None:
    predicted_labels = test_set_predictions()
    report = test_report(data, predicted_labels)
    mistakes = int((predicted_labels != data.y_test).sum())
    first, second = st.columns(2)
    first.metric("Test accuracy", f"{report['accuracy']:.2%}")
    second.metric("Mistakes", f"{mistakes} of {report['n']:,}")
    st.caption(f"Model: {active_model_label()}")
    show_grid(data, predicted_labels)
    st.subheader("Where it goes wrong")
    show_scores(report)
