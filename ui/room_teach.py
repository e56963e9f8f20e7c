"""The room teaches the network: the presenter's button, the run while it lasts (the training
queue's, under its budget: model/making/teach.py in its child process), the honest before and
after, and the switch that gives the room's phones the taught network, or the shipped one back.

The figures are the run's own: the room's accuracy on the confirmed drawings kept out of the
teaching (a third of each digit's), and MNIST's test accuracy, each before and after."""

import streamlit as st

from model.hosting.admission import FAILED, FINISHED, AdmissionError
from model.hosting.child import TEACH
from model.hosting.reasons import said
from model.language import _
from model.making.teach import MIN_CONFIRMED
from model.rooms.errors import RoomError
from ui.resources import room_store, training_queue
from ui.session import ROOM_FLASH, TEACH_RUN, active_model_path, flash, session_id

TEACH_EPOCHS = 2
MNIST_MIXED_IN = 3000


def start_teaching(code):
    """Queue the room's confirmed drawings to teach the model this session has chosen."""
    try:
        images, labels = room_store().dataset(code, session_id())
    except RoomError as refusal:
        flash(ROOM_FLASH, str(refusal))
        return
    if len(labels) < MIN_CONFIRMED:
        message = _("Teaching needs at least {needed} confirmed drawings; the room has {count}.")
        flash(ROOM_FLASH, message.format(needed=MIN_CONFIRMED, count=len(labels)))
        return
    options = {
        "epochs": TEACH_EPOCHS,
        "train_size": MNIST_MIXED_IN,
        "base_model": active_model_path(),
        "room_images": images,
        "room_labels": labels,
    }
    try:
        run = training_queue().submit(session_id(), TEACH, options)
    except AdmissionError as refusal:
        flash(ROOM_FLASH, str(refusal))
        return
    st.session_state[TEACH_RUN] = {"code": code, "run": run}


def teach_button(code):
    st.button(
        _("Teach the network these digits"),
        on_click=start_teaching,
        args=(code,),
        icon=":material/school:",
        help=_(
            "Fine-tunes the network on the room's confirmed drawings, with MNIST mixed in, in about a minute. "
            "A third of them is kept aside to show honestly what changed."
        ),
    )


def use_taught_model(code, key, path):
    try:
        room_store().use_model(code, session_id(), path if st.session_state[key] else None)
    except RoomError as refusal:
        flash(ROOM_FLASH, str(refusal))
        st.session_state.pop(key, None)


def teaching_status(code):
    """On the owner's wall (redrawn every 1.5 s): the run's progress, then its figures."""
    held = st.session_state.get(TEACH_RUN)
    if not held or held["code"] != code:
        return
    run, queue = held["run"], training_queue()
    queue.touch(run)  # the wall is open: the run is not abandoned
    if not run.done:
        progress = run.progress
        position = queue.position(run)
        if position:
            text = _("Teaching waits for the training queue: number {position} in line.").format(position=position)
        else:
            text = _("Teaching the network the room's digits…")
        st.progress(progress.fraction if progress is not None else 0.0, text=text)
        return
    if run.state == FAILED:
        reason = said(run.error) or _("something went wrong in the training process")
        st.error(_("Teaching failed: {reason}. The phones keep their network.").format(reason=reason))
        return
    if run.state != FINISHED or run.card is None or run.saved_path is None:
        return
    taught = run.card["taught"]
    columns = st.columns(3)
    columns[0].metric(
        _("Room, drawings it did not learn from ({count})").format(count=taught["room_checked"]),
        f"{taught['room_after']:.0%}",
        _("{before:.0%} before").format(before=taught["room_before"]),
        delta_color="off",
        delta_arrow="off",
    )
    columns[1].metric(
        _("MNIST test"),
        f"{taught['mnist_after']:.2%}",
        _("{before:.2%} before").format(before=taught["mnist_before"]),
        delta_color="off",
        delta_arrow="off",
    )
    path = str(run.saved_path)
    try:
        in_use = room_store().room(code).model == path
    except RoomError:
        in_use = False
    key = f"use-taught-{code}-{run.identifier}"
    with columns[2]:
        st.caption(_("Taught on {count} of the room's drawings.").format(count=taught["room_taught"]))
        st.toggle(
            _("Phones read with the taught network"),
            value=in_use,
            key=key,
            on_change=use_taught_model,
            args=(code, key, path),
        )
