"""Train: fit a network in the browser, watch it learn, then draw with the model you made.

A run goes through the server's training queue (``model.hosting.admission``): a few at once, the rest
wait in line and see their place; each runs in a child process (``model.hosting.jobs``), so the bar
keeps moving while the page redraws, Stop ends the run cleanly, and other pages stay usable.
"""

import datetime

import streamlit as st

from model.data import load_extra_digits
from model.hosting.admission import ABANDONED, CANCELLED, FAILED, QUEUED, AdmissionError
from model.hosting.reasons import said
from model.language import _, ngettext
from model.making.recipes import RECIPES, TRAIN_PAGE_MENU, get_recipe, train_page_start
from model.plots import confusion_matrix_figure, training_curves_figure
from model.rooms.errors import RoomError
from ui.entry import enter_through_the_app
from ui.first_layer import show_first_layer
from ui.language import file_uploader
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
        _("Network"), TRAIN_PAGE_MENU, format_func=lambda name: _(get_recipe(name).description), key="architecture"
    )
    start = train_page_start(architecture, training_images)
    first, second, third = st.columns(3)
    # Keys carry the architecture, so each network keeps its own defaults and the user's changes.
    epochs = first.number_input(_("Epochs"), 1, 50, start["epochs"], key=f"epochs-{architecture}")
    batch_size = second.select_slider(_("Batch size"), BATCH_SIZES, start["batch_size"], key=f"batch-{architecture}")
    learning_rate = third.number_input(
        _("Learning rate"), 1e-5, 10.0, start["learning_rate"], format="%g", key=f"rate-{architecture}"
    )
    size_choices = sorted({size for size in TRAINING_SIZES if size < training_images} | {training_images})
    train_size = first.select_slider(
        _("Training images"), size_choices, start["train_size"], key=f"size-{architecture}"
    )
    augment = second.toggle(
        _("Augmentation"),
        start["augment"],
        key=f"augment-{architecture}",
        help=_("Each epoch sees the training digits moved, slanted and drawn thinner or thicker."),
    )
    return architecture, dict(
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, train_size=train_size, augment=augment
    )


def extra_digits():
    """Digits to add to the training set: an uploaded .npz (an audience room's download) or the
    confirmed digits of the room this session opened on the Present page. None if neither."""
    own_room = st.session_state.get(OWN_ROOM)
    if own_room and st.toggle(_("Add my audience room's confirmed digits"), key="use_room_digits"):
        try:
            x, y = room_store().dataset(own_room, session_id())
        except RoomError as refusal:
            st.error(str(refusal))
            return None
        st.caption(
            ngettext("+ {count} digit from your room", "+ {count} digits from your room", len(y)).format(count=len(y))
            if len(y)
            else _("Your room has no confirmed digits yet.")
        )
        return (x, y) if len(y) else None
    upload = file_uploader(
        _("Add digits to train on (.npz with x and y, like a room's download)"), ["npz"], key="extra_digits"
    )
    if upload is None:
        return None
    try:
        x, y = load_extra_digits(upload.getvalue())
    except ValueError as error:
        st.error(_("{name}: {error}.").format(name=upload.name, error=error))
        return None
    st.caption(
        ngettext(
            "+ {count:,} digit from {name}, in every run's training images",
            "+ {count:,} digits from {name}, in every run's training images",
            len(y),
        ).format(count=len(y), name=upload.name)
    )
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
        return _("Starting…")
    remaining = progress.remaining_seconds
    left = _(" · about {seconds:.0f} s left").format(seconds=remaining) if remaining is not None else ""
    return (
        _("Epoch {epoch}/{epochs} · batch {batch}/{batches} · loss {loss:.3f} · accuracy {accuracy:.1%}").format(
            epoch=progress.epoch,
            epochs=progress.epochs,
            batch=progress.batch,
            batches=progress.batches,
            loss=progress.loss,
            accuracy=progress.accuracy,
        )
        + left
    )


def show_progress(run, downloadable=False):
    progress = run.progress
    st.progress(progress.fraction if progress else 0.0, text=progress_text(progress))
    if progress is not None and progress.history["loss"]:
        figure = training_curves_figure(progress.history)
        if downloadable:
            show_figure(figure, _("Download the curves (PNG)"), "training-curves.png")
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
            place, at_once = ordinal(position), queue.limits.concurrent_trainings
            if wait is not None:
                waiting = _(
                    "{place} in line, about {seconds:.0f} s. The server trains {count} at a time; your run starts by "
                    "itself."
                ).format(place=place, seconds=wait, count=at_once)
            else:
                waiting = _("{place} in line. The server trains {count} at a time; your run starts by itself.").format(
                    place=place, count=at_once
                )
            st.info(waiting, icon=":material/hourglass:")
    else:
        show_progress(run)
    st.button(_("Stop"), on_click=stop_training, icon=":material/stop:", disabled=run.stop_requested)


def model_label(card):
    """What a trained model is, for people: network, accuracy, when it finished (no file names).
    English, the title first: it is the model's key too (shown with ``ui.session.shown_model_label``)."""
    created = datetime.datetime.fromisoformat(card["created"]).astimezone().strftime("%H:%M:%S")
    return f"{get_recipe(card['architecture']).title} · {card['test_accuracy']:.2%} · {created}"


def show_result(run):
    if run.state == CANCELLED:
        st.info(_("You stopped the run before it started."))
        return
    if run.state == ABANDONED:
        st.warning(_("The run was stopped because its page was closed; nothing was kept."))
        return
    if run.state == FAILED:
        reason = said(run.failure) or _("something went wrong in the training process")
        st.error(
            _("Training failed: {reason}. Nothing was saved; the active model is unchanged.").format(reason=reason)
        )
        return
    card = run.card
    label = model_label(card)
    remember_trained_model(label, run.saved_path)  # selectable in the sidebar from now on
    if run.stopped:
        st.warning(
            ngettext(
                "Stopped after {completed} of {count} epoch; the model is kept as it was then.",
                "Stopped after {completed} of {count} epochs; the model is kept as it was then.",
                card["epochs"],
            ).format(completed=card["epochs_completed"], count=card["epochs"])
        )
    # What a person waits for first, right under Start: how good it is and the button to use it.
    first, second, third = st.columns([1, 1, 1.3], vertical_alignment="center")
    first.metric(
        _("Test accuracy"),
        f"{card['test_accuracy']:.2%}",
        ngettext("{count:,} test image", "{count:,} test images", card["test_images"]).format(
            count=card["test_images"]
        ),
        delta_color="off",
        delta_arrow="off",
    )
    second.metric(
        _("Training time"),
        _("{seconds:.0f} s").format(seconds=card["training_seconds"]),
        ngettext("{count:,} parameter", "{count:,} parameters", card["parameters"]).format(count=card["parameters"]),
        delta_color="off",
        delta_arrow="off",
    )
    if active_model_label() == label:
        third.success(_("This model is active: the Draw and Gallery pages use it."))
    else:
        third.button(
            _("Use this model"),
            type="primary",
            on_click=use_model,
            args=(label, run.saved_path),
            icon=":material/check:",
        )
    curves_column, matrix_column = st.columns([1.7, 1], gap="large")
    with curves_column:
        show_progress(run, downloadable=True)
    with matrix_column:
        show_figure(
            confusion_matrix_figure(card["confusion_matrix"]),
            _("Download the confusion matrix (PNG)"),
            "confusion-matrix.png",
        )


st.title(_("Train a network"))
data = load_data()
limits = training_queue().limits
limits_sentence = _(
    "This server trains up to {image_epochs:,} image-epochs per run (epochs × images) and at most {seconds:.0f} s."
).format(image_epochs=limits.run_max_image_epochs, seconds=limits.run_max_seconds)
if data.is_sample:
    # Two sentences in one message: a language without spaces between sentences drops this one.
    st.info(_("{notice} {limits}").format(notice=data.notice, limits=limits_sentence), icon=":material/info:")
else:
    st.caption(
        ngettext(
            "{count:,} training image from {source}. {limits}",
            "{count:,} training images from {source}. {limits}",
            len(data.y_train),
        ).format(count=len(data.y_train), source=data.public_name, limits=limits_sentence)
    )
run = training_run()
active = run is not None and not run.done
architecture, options = training_settings(len(data.y_train))
options["extra_digits"] = extra_digits()
st.button(
    _("Start training"),
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
