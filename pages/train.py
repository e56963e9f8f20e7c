"""Train: fit a network in the browser, watch it learn, then draw with the model you made.

A run goes through the server's training queue (``model.hosting.admission``): a few at once, the rest
wait in line and see their place; each runs in a child process (``model.hosting.jobs``), so the bar
keeps moving while the page redraws, Stop ends the run cleanly, and other pages stay usable.
"""

import datetime

import streamlit as st

from model.data import load_extra_digits
from model.hosting.admission import ABANDONED, CANCELLED, FAILED, QUEUED, AdmissionError
from model.making.recipes import RECIPES, TRAIN_PAGE_MENU, get_recipe, train_page_start
from model.plots import confusion_matrix_figure, training_curves_figure
from model.rooms.errors import RoomError
from ui.entry import enter_through_the_app
from ui.first_layer import show_first_layer
from ui.resources import load_data, room_store, training_queue
from ui.session import (
    OWN_ROOM,
    TRAINING_FLASH,
    active_model_label,
    flash,
    remember_trained_model,
    session_id,
    set_training_run,
    take_flash,
    training_run,
    use_model,
)
from ui.widgets import ordinal, show_figure

enter_through_the_app()

TRAINING_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000)
# The usual powers of two, and every recipe's own batch size (Nielsen's 10, the quick CNN's 96).
BATCH_SIZES = sorted({16, 32, 64, 128, 256, 512} | {recipe.batch_size for recipe in RECIPES.values()})


def training_settings(training_images):
    architecture = st.selectbox(
        "Network", TRAIN_PAGE_MENU, format_func=lambda name: get_recipe(name).description, key="architecture"
    )
    start = train_page_start(architecture, training_images)
    first, second, third = st.columns(3)
    # Keys carry the architecture, so each network keeps its own defaults and the user's changes.
    epochs = first.number_input("Epochs", 1, 50, start["epochs"], key=f"epochs-{architecture}")
    batch_size = second.select_slider("Batch size", BATCH_SIZES, start["batch_size"], key=f"batch-{architecture}")
    learning_rate = third.number_input(
        "Learning rate", 1e-5, 10.0, start["learning_rate"], format="%g", key=f"rate-{architecture}"
    )
    size_choices = sorted({size for size in TRAINING_SIZES if size < training_images} | {training_images})
    train_size = first.select_slider("Training images", size_choices, start["train_size"], key=f"size-{architecture}")
    augment = second.toggle(
        "Augmentation",
        start["augment"],
        key=f"augment-{architecture}",
        help="Each epoch sees the training digits moved, slanted and drawn thinner or thicker.",
    )
    return architecture, dict(
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, train_size=train_size, augment=augment
    )


def extra_digits():
    """Digits to add to the training set: an uploaded .npz (an audience room's download) or the
    confirmed digits of the room this session opened on the Present page. None if neither."""
    own_room = st.session_state.get(OWN_ROOM)
    if own_room and st.toggle("Add my audience room's confirmed digits", key="use_room_digits"):
        try:
            x, y = room_store().dataset(own_room, session_id())
        except RoomError as refusal:
            st.error(str(refusal))
            return None
        st.caption(f"+ {len(y)} digits from your room" if len(y) else "Your room has no confirmed digits yet.")
        return (x, y) if len(y) else None
    upload = st.file_uploader(
        "Add digits to train on (.npz with x and y, like a room's download)", type=["npz"], key="extra_digits"
    )
    if upload is None:
        return None
    try:
        x, y = load_extra_digits(upload.getvalue())
    except ValueError as error:
        st.error(f"{upload.name}: {error}.")
        return None
    st.caption(f"+ {len(y):,} digits from {upload.name}, in every run's training images")
    return x, y


def start_training(architecture, options):
    try:
        set_training_run(training_queue().submit(session_id(), architecture, options))
    except AdmissionError as refusal:
        flash(TRAINING_FLASH, str(refusal))


def stop_training():
    training_queue().stop(training_run())


def progress_text(progress):
    if progress is None:
        return "Starting…"
    remaining = progress.remaining_seconds
    left = f" · about {remaining:.0f} s left" if remaining is not None else ""
    return (
        f"Epoch {progress.epoch}/{progress.epochs} · batch {progress.batch}/{progress.batches}"
        f" · loss {progress.loss:.3f} · accuracy {progress.accuracy:.1%}{left}"
    )


def show_progress(run, downloadable=False):
    progress = run.progress
    st.progress(progress.fraction if progress else 0.0, text=progress_text(progress))
    if progress is not None and progress.history["loss"]:
        figure = training_curves_figure(progress.history)
        if downloadable:
            show_figure(figure, "Download the curves (PNG)", "training-curves.png")
        else:
            st.pyplot(figure, width="content")
    show_first_layer(progress, finished=run.done)


def live_status():
    """Redrawn every half second from the run's state; never waits on the run itself."""
    run, queue = training_run(), training_queue()
    queue.touch(run)
    if run.done:
        st.rerun()  # the whole page now shows the results, and polling stops
    if run.state == QUEUED:
        position, wait = queue.position(run), queue.wait_seconds(run)
        if position is not None:
            about = f", about {wait:.0f} s" if wait is not None else ""
            st.info(
                f"{ordinal(position)} in line{about}. The server trains "
                f"{queue.limits.concurrent_trainings} at a time; your run starts by itself.",
                icon=":material/hourglass:",
            )
    else:
        show_progress(run)
    st.button("Stop", on_click=stop_training, icon=":material/stop:", disabled=run.stop_requested)


def model_label(card):
    """What a trained model is, for people: network, accuracy, when it finished (no file names)."""
    created = datetime.datetime.fromisoformat(card["created"]).astimezone().strftime("%H:%M:%S")
    return f"{get_recipe(card['architecture']).title} · {card['test_accuracy']:.2%} · {created}"


def show_result(run):
    if run.state == CANCELLED:
        st.info("You stopped the run before it started.")
        return
    if run.state == ABANDONED:
        st.warning("The run was stopped because its page was closed; nothing was kept.")
        return
    if run.state == FAILED:
        reason = run.failure or "something went wrong in the training process"
        st.error(f"Training failed: {reason}. Nothing was saved; the active model is unchanged.")
        return
    card = run.card
    label = model_label(card)
    remember_trained_model(label, run.saved_path)  # selectable in the sidebar from now on
    if run.stopped:
        st.warning(
            f"Stopped after {card['epochs_completed']} of {card['epochs']} epochs; the model is kept as it was then."
        )
    # What a person waits for first, right under Start: how good it is and the button to use it.
    first, second, third = st.columns([1, 1, 1.3], vertical_alignment="center")
    first.metric(
        "Test accuracy",
        f"{card['test_accuracy']:.2%}",
        f"{card['test_images']:,} test images",
        delta_color="off",
        delta_arrow="off",
    )
    second.metric(
        "Training time",
        f"{card['training_seconds']:.0f} s",
        f"{card['parameters']:,} parameters",
        delta_color="off",
        delta_arrow="off",
    )
    if active_model_label() == label:
        third.success("This model is active: the Draw and Gallery pages use it.")
    else:
        third.button(
            "Use this model", type="primary", on_click=use_model, args=(label, run.saved_path), icon=":material/check:"
        )
    curves_column, matrix_column = st.columns([1.7, 1], gap="large")
    with curves_column:
        show_progress(run, downloadable=True)
    with matrix_column:
        show_figure(
            confusion_matrix_figure(card["confusion_matrix"]),
            "Download the confusion matrix (PNG)",
            "confusion-matrix.png",
        )


st.title("Train a network")
data = load_data()
limits = training_queue().limits
limits_sentence = (
    f"This server trains up to {limits.run_max_image_epochs:,} image-epochs per run (epochs × images)"
    f" and at most {limits.run_max_seconds:.0f} s."
)
if data.is_sample:
    st.info(f"{data.notice} {limits_sentence}", icon=":material/info:")
else:
    st.caption(f"{len(data.y_train):,} training images from {data.public_name}. {limits_sentence}")
run = training_run()
active = run is not None and not run.done
architecture, options = training_settings(len(data.y_train))
options["extra_digits"] = extra_digits()
st.button(
    "Start training",
    type="primary",
    icon=":material/play_arrow:",
    disabled=active,
    on_click=start_training,
    args=(architecture, options),
)
if (message := take_flash(TRAINING_FLASH)) is not None:
    st.error(message)
if active:
    st.fragment(live_status, run_every=0.5)()
elif run is not None:
    show_result(run)
