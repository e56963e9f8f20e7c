"""This browser session's own state: every key the app keeps in ``st.session_state`` is named
here, and the state pages share sits behind small functions: who the session is, which models it
has trained, which one is active, its training run, and messages shown once on the next run."""

import hashlib
import os
import re
import secrets
import uuid
from typing import Any

import numpy as np
import streamlit as st

from model.language import N_, _
from model.storage import SHIPPED_MODEL_PATH

# A model's label is a key (TRAINED_MODELS, the sidebar's value, ACTIVE_MODEL): always English.
# Wherever one is shown, it goes through shown_model_label().
SHIPPED_LABEL = N_("Shipped model")
ACTIVE_MODEL = "active_model"  # also the sidebar's selectbox key
TRAINED_MODELS = "trained_models"  # label -> model path
TRAINING_RUN = "training_run"  # this session's admission.Run: queued, running or done
SESSION_ID = "session_id"
CANVAS_CLEARS = "canvas_clears"  # how many times Clear was pressed: part of the canvases' keys
SAVED_DRAWINGS = "saved_drawings"  # canvas size -> its strokes, kept across page visits
CANVAS_PREFIX = "canvas-"  # the canvases' own widget keys
RESTORE_PREFIX = "restore-"  # canvas key -> the strokes it was (re)mounted with
OWN_ROOM = "room_code"  # the code of the audience room this session opened
TEACH_RUN = "room_teach_run"  # {"code", "run"}: the run teaching the network this session's room
LAST_SENT = "last_sent"  # a phone's last drawing sent to the wall: its id, reading and label
GALLERY_SEED = "gallery_seed"  # 0: the test set in its own order; else the shuffle's seed
PRESENT_DARK = "present_dark"  # the Present page's "Dark room" toggle
LANGUAGE = "language"  # "en" or "zh": the language this session's pages speak (ui/language.py)
FLASH_PREFIX = "flash-"

# Messages stored by a callback and shown once on the next run (a refusal, say).
ROOM_FLASH, JOIN_FLASH, TRAINING_FLASH = "room", "join", "training"


def flash(name: str, message: str) -> None:
    """Keep ``message`` to show on the next run, under ``name``."""
    st.session_state[FLASH_PREFIX + name] = message


def take_flash(name: str) -> str | None:
    """The message kept under ``name``, once: it is gone afterwards."""
    return st.session_state.pop(FLASH_PREFIX + name, None)


def session_id() -> str:
    return st.session_state.setdefault(SESSION_ID, uuid.uuid4().hex[:12])


PHONE_PARAMETER = "phone"  # in a phone's address: ?room=CODE&phone=TOKEN
_PHONE_TOKEN = re.compile(r"[A-Za-z0-9_-]{16}")


def phone_id() -> str:
    """Who a phone in a room is, kept in its address so that a reload keeps it: the room's rate
    limit and the right to correct its own drawings outlive a reload (a session id would not).
    Random (96 bits); a missing or malformed one is replaced by a new one."""
    token = st.query_params.get(PHONE_PARAMETER, "")
    if not _PHONE_TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(12)
        st.query_params[PHONE_PARAMETER] = token
    return token


def drawing_send_key(image: Any) -> str:
    """The drawing on this session's canvas as a room knows it when sent: the canvas it is on (a
    new one after each send or Clear) and its pixels. A double tap or a retry sends the same key,
    and the room stores it once."""
    canvas = str(st.session_state.get(CANVAS_CLEARS, 0)).encode()
    return hashlib.sha256(canvas + b":" + np.asarray(image, dtype=np.float32).tobytes()).hexdigest()


def available_models() -> dict[str, str]:
    """Label -> model path: the shipped CNN and the models trained in this browser session that
    are still on disk (retention may have removed one)."""
    trained = st.session_state.setdefault(TRAINED_MODELS, {})
    for label in [label for label, path in trained.items() if not os.path.exists(path)]:
        del trained[label]
    return {SHIPPED_LABEL: str(SHIPPED_MODEL_PATH), **trained}


def active_model_label() -> str:
    """The label of the active model; the shipped CNN when none (or an unknown one) is chosen."""
    if st.session_state.get(ACTIVE_MODEL) not in available_models():
        st.session_state[ACTIVE_MODEL] = SHIPPED_LABEL
    return st.session_state[ACTIVE_MODEL]


def shown_model_label(label: str) -> str:
    """A model's label in the active language: the shipped model's, or a trained model's network
    (``"Quick CNN · 99.01% · 14:02:11"``: the title before the first " · " is a recipe's title)."""
    if label == SHIPPED_LABEL:
        return _(SHIPPED_LABEL)
    title, separator, rest = label.partition(" · ")
    return _(title) + separator + rest if title and separator else label


def active_model_path() -> str:
    return available_models()[active_model_label()]


def remember_trained_model(label: str, path: object) -> None:
    """Offer a trained model in the sidebar from now on (the first path given for a label stays)."""
    st.session_state.setdefault(TRAINED_MODELS, {}).setdefault(label, str(path))


def use_model(label: str, path: object) -> None:
    remember_trained_model(label, path)
    st.session_state[ACTIVE_MODEL] = label


def training_run() -> Any:
    return st.session_state.get(TRAINING_RUN)


def set_training_run(run: object) -> None:
    st.session_state[TRAINING_RUN] = run


def gallery_seed() -> int:
    return int(st.session_state.get(GALLERY_SEED, 0))


def reshuffle_gallery() -> None:
    st.session_state[GALLERY_SEED] = gallery_seed() + 1


def on_a_phone() -> bool:
    """Whether this browser says it is a phone: the pages stack what sits side by side elsewhere."""
    return "Mobi" in (st.context.headers.get("User-Agent", "") or "")
