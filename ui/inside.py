"""What the Inside page loads, once per server process and only when the page is opened: the
layer tracers, the tutorials' networks, the test digits each unit likes best, and the map."""

import dataclasses
from typing import Any

import numpy as np
import streamlit as st

from model.inside.activations import LayerTracer, networks_inside
from model.inside.digit_map import DigitMap, MapPlacer
from model.inside.favourites import Favourites, find_favourites
from model.inside.tutorials import TUTORIAL_ARCHITECTURES, load_tutorials, tutorial_path
from model.making.recipes import RECIPES
from model.recognition.predictor import Predictor
from model.storage import SHIPPED_MODEL_PATH
from ui.resources import active_predictor, kept_predictor, load_data, modified_time
from ui.session import active_model_label
from ui.shared import kept_for_everyone


@dataclasses.dataclass(frozen=True)
class Network:
    """One network the page can look inside: a file, and a member of it (or the whole model)."""

    label: str
    path: str
    member: str  # the name networks_inside gives it


@kept_for_everyone(max_entries=12)
def kept_tracer(path: str, modified: float, member: str) -> LayerTracer:
    import keras

    from model import losses  # noqa: F401 - Nielsen's network names its cost

    keras_model = keras.saving.load_model(path, compile=False, safe_mode=True)
    return LayerTracer(networks_inside(keras_model)[member])


@kept_for_everyone()
def kept_tutorials() -> dict[str, Predictor]:
    return {architecture: predictor.warm_up() for architecture, predictor in load_tutorials().items()}


@kept_for_everyone()
def kept_digit_map() -> tuple[DigitMap, MapPlacer] | None:
    digit_map = DigitMap.load()
    if digit_map is None:
        return None
    # The shipped model the Draw page already holds: the map is made of its features.
    shipped = kept_predictor(str(SHIPPED_MODEL_PATH), modified_time(SHIPPED_MODEL_PATH))
    return digit_map, MapPlacer(shipped.model, digit_map)


@kept_for_everyone(max_entries=4)
def kept_favourites(path: str, modified: float, member: str, test_split: str) -> Favourites:
    return find_favourites(kept_tracer(path, modified, member), load_data().x_test)


def tutorial_title(architecture: str) -> str:
    return RECIPES[architecture].title if architecture in RECIPES else architecture


def networks_to_look_inside() -> list[Network]:
    """The active model's networks (each member of an ensemble), then the tutorials' networks."""
    predictor = active_predictor()
    networks = []
    if predictor is not None and predictor.path is not None:
        members = predictor.card.get("members") or []
        inside = networks_inside(predictor.model)
        for index, name in enumerate(inside):
            label = active_model_label()
            if len(inside) > 1:
                architecture = members[index]["architecture"] if index < len(members) else "network"
                label = f"{label} · member {index + 1} ({tutorial_title(architecture)})"
            networks.append(Network(label, str(predictor.path), name))
    for architecture in TUTORIAL_ARCHITECTURES:
        if tutorial_path(architecture).is_file():
            networks.append(Network(tutorial_title(architecture), str(tutorial_path(architecture)), architecture))
    return networks


def tracer_for(network: Network) -> LayerTracer:
    key = (network.path, modified_time(network.path), network.member)
    if kept_tracer.is_kept(*key):
        return kept_tracer(*key)
    with st.spinner("Opening the network…"):
        return kept_tracer(*key)


def tutorials() -> dict[str, Predictor]:
    if kept_tutorials.is_kept():
        return kept_tutorials()
    with st.spinner("Loading the tutorials' networks…"):
        return kept_tutorials()


def digit_map() -> tuple[DigitMap, MapPlacer] | None:
    if kept_digit_map.is_kept():
        return kept_digit_map()
    with st.spinner("Loading the map of the test digits…"):
        return kept_digit_map()


def favourites_for(network: Network) -> Favourites:
    data = load_data()
    key = (network.path, modified_time(network.path), network.member, data.test_split_id)
    if kept_favourites.is_kept(*key):
        return kept_favourites(*key)
    with st.spinner(f"Finding the test digits each unit likes best ({len(data.x_test):,} digits, once per network)…"):
        return kept_favourites(*key)


def is_dark() -> bool:
    theme: Any = getattr(st.context, "theme", None)
    return bool(theme is not None and getattr(theme, "type", None) == "dark")


def digit_tiles(images: np.ndarray, scale: int = 2) -> np.ndarray:
    """MNIST-format digits (n, 28, 28) as one strip, white on black as the network sees them."""
    from model.inside.pictures import tiled

    grey = np.repeat(np.asarray(images, dtype=np.uint8)[..., None], 3, axis=-1)
    return tiled(grey, columns=len(images), scale=scale)
