"""Train: fit a network in the browser, watch it learn, then draw with the model you made.

Training runs in a child process (``model.jobs.BackgroundTraining``), so the bar keeps moving
while the page redraws, Stop ends the run cleanly, and other pages stay usable.
"""

import streamlit as st

from model.jobs import BackgroundTraining
from model.plots import confusion_matrix_figure, training_curves_figure
from model.recipes import TRAIN_PAGE_MENU, get_recipe, train_page_start
from model.storage import new_run_path, runs_dir
from ui.resources import load_data
from ui.session import active_model_label, remember_trained_model, session_id, set_training_job, training_job, use_model
from ui.widgets import show_figure

TRAINING_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000)


def training_settings(training_images):
    architecture = st.selectbox(
        "Network", TRAIN_PAGE_MENU, format_func=lambda name: get_recipe(name).description, key="architecture"
    )
    start = train_page_start(architecture, training_images)
    first, second, third = st.columns(3)
    # Keys carry the architecture, so each network keeps its own defaults and the user's changes.
    epochs = first.number_input("Epochs", 1, 50, start["epochs"], key=f"epochs-{architecture}")
    batch_size = second.select_slider(
        "Batch size", [10, 16, 32, 64, 128, 256, 512], start["batch_size"], key=f"batch-{architecture}"
    )
    learning_rate = third.number_input(
        "Learning rate", 1e-5, 10.0, start["learning_rate"], format="%g", key=f"rate-{architecture}"
    )
    size_choices = sorted({size for size in TRAINING_SIZES if size < training_images} | {training_images})
    train_size = first.select_slider("Training images", size_choices, start["train_size"], key=f"size-{architecture}")
    augment = second.toggle("Augmentation (shifts, slant, stroke width)", start["augment"], key=f"augment-{architecture}")
    return architecture, dict(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, train_size=train_size, augment=augment)


def start_training(architecture, options):
    save_to = new_run_path(runs_dir() / session_id(), architecture)
    set_training_job(BackgroundTraining(architecture, load_data(), save_to, **options).start())


def progress_text(progress):
    if progress is None:
        return "Starting…"
    remaining = progress.remaining_seconds
    left = f" · about {remaining:.0f} s left" if remaining is not None else ""
    return (
        f"Epoch {progress.epoch}/{progress.epochs} · batch {progress.batch}/{progress.batches}"
        f" · loss {progress.loss:.3f} · accuracy {progress.accuracy:.1%}{left}"
    )


def show_progress(job, downloadable=False):
    progress = job.progress
    st.progress(progress.fraction if progress else 0.0, text=progress_text(progress))
    if progress is not None and progress.history["loss"]:
        figure = training_curves_figure(progress.history)
        if downloadable:
            show_figure(figure, "Download the curves (PNG)", "training-curves.png")
        else:
            st.pyplot(figure, width="content")


def live_progress():
    job = training_job()
    if job.done:
        st.rerun()  # the whole page now shows the results, and polling stops
    show_progress(job)
    st.button("Stop", on_click=job.stop, icon=":material/stop:", disabled=job.stop_requested)


def show_result(job):
    if job.error:
        st.error(f"Training failed: {job.error}. Nothing was saved; the active model is unchanged.")
        return
    card = job.card
    show_progress(job, downloadable=True)
    if job.stopped:
        st.warning(f"Stopped after {card['epochs_completed']} of {card['epochs']} epochs; the model is kept as it was then.")
    label = f"{card['architecture']} · {card['test_accuracy']:.2%} · {job.saved_path.stem[-6:]}"
    remember_trained_model(label, job.saved_path)  # selectable in the sidebar from now on
    first, second = st.columns(2)
    first.metric("Test accuracy", f"{card['test_accuracy']:.2%}", f"{card['test_images']:,} test images", delta_color="off", delta_arrow="off")
    second.metric("Training time", f"{card['training_seconds']:.0f} s", f"{card['parameters']:,} parameters", delta_color="off", delta_arrow="off")
    if active_model_label() == label:
        st.success("This model is active: the Draw and Gallery pages use it.")
    else:
        st.button("Use this model", type="primary", on_click=use_model, args=(label, job.saved_path), icon=":material/check:")
    show_figure(confusion_matrix_figure(card["confusion_matrix"]), "Download the confusion matrix (PNG)", "confusion-matrix.png")


st.title("Train a network")
data = load_data()
st.caption(
    f":material/info: {data.notice}" if data.is_sample else f"{len(data.y_train):,} training images from {data.source}."
)
job = training_job()
running = job is not None and not job.done
architecture, options = training_settings(len(data.y_train))
st.button(
    "Start training", type="primary", icon=":material/play_arrow:", disabled=running, on_click=start_training, args=(architecture, options)
)
if running:
    st.fragment(live_progress, run_every=0.5)()
elif job is not None:
    show_result(job)
