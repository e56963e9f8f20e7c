"""What the Inside page loads, once per server process and only when the page is opened: the
layer tracers, the tutorials' networks, the test digits each unit likes best, and the map."""

import base64
import dataclasses
import functools
import hashlib
import html
import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import streamlit as st
from PIL import Image

from model.inside.activations import LayerTracer, networks_inside
from model.inside.digit_map import BACKGROUNDS, FOREGROUNDS, DigitMap, MapPlacer, Placement
from model.inside.favourites import Favourites, find_favourites
from model.inside.map_picture import base_map, marker
from model.inside.pictures import IndexedPicture, tiled
from model.inside.tutorials import TUTORIAL_ARCHITECTURES, TutorialNetworks, load_tutorials, tutorial_path
from model.inside.weights import FirstLayer, first_layer_weights
from model.language import _, ngettext
from model.making.recipes import RECIPES
from model.storage import SHIPPED_MODEL_PATH
from ui.resources import active_predictor, kept_predictor, load_data, modified_time
from ui.session import active_model_label, shown_model_label
from ui.shared import kept_for_everyone


@dataclasses.dataclass(frozen=True)
class Network:
    """One network the page can look inside: a file, and a member of it (or the whole model)."""

    label: str  # in the page's language
    path: str
    member: str  # the name networks_inside gives it
    key: str  # the label in English: the same in every language, for a widget's value


@kept_for_everyone(max_entries=12)
def kept_tracer(path: str, modified: float, member: str) -> LayerTracer:
    # The model the server holds already (the active model's Predictor, or a tutorial's): no
    # second copy of it is loaded to look inside.
    tutorial = next(
        (
            predictor
            for architecture, predictor in kept_tutorials().predictors.items()
            if str(tutorial_path(architecture)) == path
        ),
        None,
    )
    keras_model = tutorial.model if tutorial is not None else kept_predictor(path, modified).model
    return LayerTracer(networks_inside(keras_model)[member])


@kept_for_everyone(max_entries=12)
def kept_first_layer(path: str, modified: float, member: str) -> FirstLayer | None:
    # Read off the layer once: the MLP's first kernel alone is 1.6 MB to copy on every stroke.
    return first_layer_weights(kept_tracer(path, modified, member).network)


@kept_for_everyone()
def kept_tutorials() -> TutorialNetworks:
    networks = TutorialNetworks(load_tutorials())
    networks.read(np.zeros((28, 28), np.float32))  # traced before the first visitor waits on it
    return networks


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


def tutorial_name(architecture: str) -> str:
    """The network's name in English (``tutorial_title`` translates it): what identifies it in
    widgets' values and CSS classes, whatever the page's language."""
    return RECIPES[architecture].title if architecture in RECIPES else architecture


def tutorial_title(architecture: str) -> str:
    """The network's name as the page shows it, in the page's language."""
    return _(tutorial_name(architecture))


def networks_to_look_inside() -> list[Network]:
    """The active model's networks (each member of an ensemble), then the tutorials' networks."""
    predictor = active_predictor()
    networks = []
    if predictor is not None and predictor.path is not None:
        members = predictor.card.get("members") or []
        inside = networks_inside(predictor.model)
        for index, name in enumerate(inside):
            model = active_model_label()
            key, label = model, shown_model_label(model)
            if len(inside) > 1:
                architecture = members[index]["architecture"] if index < len(members) else "network"
                key = f"{model} · member {index + 1} ({tutorial_name(architecture)})"
                label = _("{model} · member {number} ({network})").format(
                    model=shown_model_label(model), number=index + 1, network=tutorial_title(architecture)
                )
            networks.append(Network(label, str(predictor.path), name, key))
    for architecture in TUTORIAL_ARCHITECTURES:
        if tutorial_path(architecture).is_file():
            path = str(tutorial_path(architecture))
            networks.append(Network(tutorial_title(architecture), path, architecture, tutorial_name(architecture)))
    return networks


def tracer_for(network: Network) -> LayerTracer:
    key = (network.path, modified_time(network.path), network.member)
    if kept_tracer.is_kept(*key):
        return kept_tracer(*key)
    with st.spinner(_("Opening the network…")):
        return kept_tracer(*key)


def first_layer_for(network: Network) -> FirstLayer | None:
    return kept_first_layer(network.path, modified_time(network.path), network.member)


def tutorials() -> TutorialNetworks:
    if kept_tutorials.is_kept():
        return kept_tutorials()
    with st.spinner(_("Loading the tutorials' networks…")):
        return kept_tutorials()


def digit_map() -> tuple[DigitMap, MapPlacer] | None:
    if kept_digit_map.is_kept():
        return kept_digit_map()
    with st.spinner(_("Loading the map of the test digits…")):
        return kept_digit_map()


def favourites_for(network: Network) -> Favourites:
    data = load_data()
    key = (network.path, modified_time(network.path), network.member, data.test_split_id)
    if kept_favourites.is_kept(*key):
        return kept_favourites(*key)
    finding = ngettext(
        "Finding the test digits each unit likes best ({count:,} digit, once per network)…",
        "Finding the test digits each unit likes best ({count:,} digits, once per network)…",
        len(data.x_test),
    )
    with st.spinner(finding.format(count=len(data.x_test))):
        return kept_favourites(*key)


def is_dark() -> bool:
    theme: Any = getattr(st.context, "theme", None)
    return bool(theme is not None and getattr(theme, "type", None) == "dark")


def digit_tiles(images: np.ndarray) -> np.ndarray:
    """MNIST-format digits (n, 28, 28) as one strip, white on black as the network sees them."""
    grey = np.repeat(np.asarray(images, dtype=np.uint8)[..., None], 3, axis=-1)
    return tiled(grey, columns=len(images), scale=1)


def png(picture: np.ndarray | IndexedPicture) -> bytes:
    """An RGB or grey uint8 array, or a palette picture, as PNG bytes, made fast (compression
    level 1). Given bytes and ``output_format``, st.image sends them as they are; given an array it
    would encode a PNG, decode it and encode a JPEG of it (its "auto" format), three times the
    work, and blur the pixels."""
    if isinstance(picture, IndexedPicture):
        image = Image.fromarray(np.asarray(picture.indices, dtype=np.uint8), mode="P")
        image.putpalette(picture.palette.tobytes())
    else:
        image = Image.fromarray(np.asarray(picture, dtype=np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def jpeg(picture: np.ndarray) -> bytes:
    """A drawn picture (the map) as a JPEG without chroma subsampling: 1.3 ms at 560x560 against
    8.6 ms for the PNG, with no visible loss on its dots and letters."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(picture, dtype=np.uint8)).save(buffer, format="JPEG", quality=92, subsampling=0)
    return buffer.getvalue()


def show_picture(picture: np.ndarray, caption: str | None = None, width: int | str = "stretch") -> None:
    st.image(png(picture), caption=caption, width=width, output_format="PNG")  # type: ignore[arg-type]


ENCODED_KEPT = 2048  # PNGs kept (a few KB each): the favourite and neighbour digits recur stroke after stroke
_encoded: OrderedDict[bytes, str] = OrderedDict()
_encoded_lock = threading.Lock()


def png_base64(picture: np.ndarray | IndexedPicture) -> str:
    """The picture's PNG in base64; a picture sent before (the same pixels) is not encoded again."""
    if isinstance(picture, IndexedPicture):
        pixels, palette = np.ascontiguousarray(picture.indices, dtype=np.uint8), picture.palette.tobytes()
    else:
        pixels, palette = np.ascontiguousarray(picture, dtype=np.uint8), b""
    digest = hashlib.blake2b(pixels.tobytes() + palette + str(pixels.shape).encode(), digest_size=16).digest()
    with _encoded_lock:
        if digest in _encoded:
            _encoded.move_to_end(digest)
            return _encoded[digest]
    value = base64.b64encode(png(picture)).decode()
    with _encoded_lock:
        _encoded[digest] = value
        while len(_encoded) > ENCODED_KEPT:
            _encoded.popitem(last=False)
    return value


def picture_gallery(pictures: Sequence[np.ndarray | IndexedPicture], captions: list[str], width: int, key: str) -> None:
    """Small pictures with captions as one HTML element, the PNGs inline; ``key`` names it (CSS
    class ``gallery-KEY``). As st.image, each picture would be a file the browser fetches: some 40
    requests a stroke on the Inside page, which cost the server more than drawing the pictures
    (py-spy, BENCHMARKS.md section 15)."""
    figures = "".join(
        f'<figure><img src="data:image/png;base64,{png_base64(picture)}" alt="">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        for picture, caption in zip(pictures, captions, strict=True)
    )
    st.html(f'<div class="inside-gallery gallery-{key}" style="--picture-width: {width}px">{figures}</div>')


@functools.lru_cache(maxsize=4)
def _map_jpeg(digit_map: DigitMap, dark: bool, size_px: int) -> bytes:
    return jpeg(base_map(digit_map, dark, size_px).pixels)


def map_with_marker(digit_map: DigitMap, placement: Placement, dark: bool, size_px: int, caption: str) -> None:
    """The map, the same picture (the same URL) on every stroke, so the browser fetches it once,
    with the drawing's marker drawn over it (an SVG in a small HTML element): a stroke sends a
    few numbers, not a picture made, encoded and fetched. Needs ``PIXELATED``'s style."""
    where = marker(digit_map, placement, size_px)
    red, green, blue = FOREGROUNDS[dark]
    ink, paper, line = f"rgb({red},{green},{blue})", BACKGROUNDS[dark], where.line
    x, y = where.centre
    shapes = "".join(
        f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{end_x:.1f}" y2="{end_y:.1f}" stroke-width="{line}"/>'
        f'<circle cx="{end_x:.1f}" cy="{end_y:.1f}" r="{line * 2:.1f}" fill="none" stroke-width="{line}"/>'
        for end_x, end_y in where.ends
    )
    ring = where.radius
    shapes += (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{ring + line * 1.5:.1f}" fill="none" stroke="{paper}" '
        f'stroke-width="{line * 5}"/>'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{ring:.1f}" fill="none" stroke-width="{line * 2}"/>'
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{line * 1.5:.1f}" fill="{ink}"/>'
    )
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size_px} {size_px}" stroke="{ink}">{shapes}</svg>'
    st.image(_map_jpeg(digit_map, dark, size_px), caption=caption, output_format="JPEG", width="stretch")
    # st.html keeps no inline <svg> (its sanitiser drops it); as an image it is inert and stays.
    marker_picture = base64.b64encode(svg.encode()).decode()
    alt = html.escape(_("Your drawing on the map"))
    st.html(f'<img class="map-marker" src="data:image/svg+xml;base64,{marker_picture}" alt="{alt}">')


# The pictures carry one pixel per value: the browser enlarges them with square pixels. The map
# is a drawn picture and is smoothed as usual.
PIXELATED = """<style>
.st-key-inside img, .st-key-inside-present img { image-rendering: pixelated; }
.st-key-inside [data-testid="stImage"] img, .st-key-present-map img { image-rendering: auto; }
.inside-gallery { display: flex; flex-wrap: wrap; gap: 0.8rem 1rem; }
.inside-gallery figure { margin: 0; width: min(var(--picture-width), 100%); }
.inside-gallery img { width: 100%; image-rendering: pixelated; border-radius: 0.25rem; }
.inside-gallery figcaption {
  font-size: 0.8rem; opacity: 0.7; line-height: 1.3; margin-top: 0.2rem;
}
/* The marker's element lies over the map's picture, the first element of the same block. */
[data-testid="stVerticalBlock"]:has(> [data-testid="stElementContainer"] .map-marker) { position: relative; }
[data-testid="stElementContainer"]:has(.map-marker) { position: absolute; top: 0; left: 0; width: 100%; }
.map-marker { display: block; width: 100%; pointer-events: none; }
.contenders { display: flex; flex-wrap: wrap; gap: 1rem 1.5rem; }
.contender { flex: 1 1 9rem; display: flex; flex-direction: column; gap: 0.1rem; }
.contender small { font-size: 0.8rem; opacity: 0.7; }
.contender span { font-size: 0.9rem; margin-top: 0.3rem; }
.contender .reads { font-size: 2.25rem; line-height: 1.2; }
</style>"""
