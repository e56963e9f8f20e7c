"""This browser session's own state, behind small functions: who it is, which models it has
trained, which one is active, and its training run. Pages never touch these keys directly."""

import os
import uuid

import streamlit as st

from model.storage import SHIPPED_MODEL_PATH

SHIPPED_LABEL = "Shipped model"
ACTIVE_MODEL = "active_model"  # also the sidebar's selectbox key
TRAINED_MODELS = "trained_models"  # label -> model path
TRAINING_RUN = "training_run"  # this session's admission.Run: queued, running or done


def session_id():
    return st.session_state.setdefault("session_id", uuid.uuid4().hex[:12])


def available_models():
    """Label -> model path: the shipped CNN and the models trained in this browser session that
    are still on disk (retention may have removed one)."""
    trained = st.session_state.setdefault(TRAINED_MODELS, {})
    for label in [label for label, path in trained.items() if not os.path.exists(path)]:
        del trained[label]
    return {SHIPPED_LABEL: str(SHIPPED_MODEL_PATH), **trained}


def active_model_label():
    """The label of the active model; the shipped CNN when none (or an unknown one) is chosen."""
    if st.session_state.get(ACTIVE_MODEL) not in available_models():
        st.session_state[ACTIVE_MODEL] = SHIPPED_LABEL
    return st.session_state[ACTIVE_MODEL]


def active_model_path():
    return available_models()[active_model_label()]


def remember_trained_model(label, path):
    """Offer a trained model in the sidebar from now on (the first path given for a label stays)."""
    st.session_state.setdefault(TRAINED_MODELS, {}).setdefault(label, str(path))


def use_model(label, path):
    remember_trained_model(label, path)
    st.session_state[ACTIVE_MODEL] = label


def training_run():
    return st.session_state.get(TRAINING_RUN)


def set_training_run(run):
    st.session_state[TRAINING_RUN] = run
