"""A full room's wall, read from the back row (ui/room_wall.py switches to it past OVERVIEW_AFTER
drawings): a mosaic of the latest, what the network read digit by digit, the room's confusion
matrix, and the most confident and most doubtful readings.

The wall refreshes every 1.5 s for every presenter, so each part is one element built from one
``RoomStore.overview`` (model/rooms/overview.py): the mosaic is one PNG composed here (the same
drawings give the same bytes, which Streamlit serves under the same address: the browser does not
fetch it again), the counts one Vega-Lite spec, each row of extremes one HTML element with its
small PNGs inline, and the confusion matrix a PNG drawn only when the matrix changes.
"""

import base64
import functools
import html
import io
import threading
from collections import OrderedDict

import numpy as np
import streamlit as st
from PIL import Image

from model.language import _, active_language, ngettext
from model.plots import MISTAKE_COLOUR, confusion_matrix_figure, figure_to_png
from ui.projector import colours
from ui.reading import ANSWER_BLUE

OVERVIEW_AFTER = 24  # more drawings on the wall than its tiles (room_wall.WALL_TILES) show
MOSAIC_TILES, MOSAIC_COLUMNS, MOSAIC_SCALE, MOSAIC_GAP = 96, 12, 3, 6
EXTREMES, EXTREME_SCALE = 4, 4
MOSAICS_KEPT = 64  # composed mosaics (one per room and look) kept for the next refresh

_mosaics: OrderedDict[tuple, bytes] = OrderedDict()
_mosaics_lock = threading.Lock()


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[index : index + 2], 16) for index in (1, 3, 5)], dtype=np.uint8)


def mosaic_png(latest, dark) -> bytes:
    """The drawings as the network saw them (light ink on black), newest first, row by row, on the
    room's background; a confirmed mistake framed in red. Kept while the same drawings are shown."""
    key = (tuple((drawing.id, drawing.label) for drawing in latest), bool(dark))
    with _mosaics_lock:
        if key in _mosaics:
            _mosaics.move_to_end(key)
            return _mosaics[key]
    side = 28 * MOSAIC_SCALE
    step = side + MOSAIC_GAP
    rows = max(1, -(-len(latest) // MOSAIC_COLUMNS))
    picture = np.empty((rows * step - MOSAIC_GAP, MOSAIC_COLUMNS * step - MOSAIC_GAP, 3), dtype=np.uint8)
    picture[:] = rgb(colours(dark)["background"])
    frame = rgb(mistake_colour(dark))
    for index, drawing in enumerate(latest):
        top, left = (index // MOSAIC_COLUMNS) * step, (index % MOSAIC_COLUMNS) * step
        tile = np.kron(drawing.image, np.ones((MOSAIC_SCALE, MOSAIC_SCALE), np.uint8))
        picture[top : top + side, left : left + side] = tile[..., None]
        if drawing.label is not None and drawing.label != drawing.digit:
            width = MOSAIC_GAP // 2 + 1
            for rows_, columns_ in (
                (slice(top, top + width), slice(left, left + side)),
                (slice(top + side - width, top + side), slice(left, left + side)),
                (slice(top, top + side), slice(left, left + width)),
                (slice(top, top + side), slice(left + side - width, left + side)),
            ):
                picture[rows_, columns_] = frame
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG", compress_level=1)
    encoded = buffer.getvalue()
    with _mosaics_lock:
        _mosaics[key] = encoded
        while len(_mosaics) > MOSAICS_KEPT:
            _mosaics.popitem(last=False)
    return encoded


@functools.lru_cache(maxsize=32)
def _confusion_png(matrix_bytes: bytes, language: str) -> bytes:
    matrix = np.frombuffer(matrix_bytes, dtype=np.int64).reshape(10, 10)
    figure = confusion_matrix_figure(matrix, title=_("The room's confusion matrix"))
    # Smaller than the Train page's with the same type sizes: its counts and digits read from afar.
    figure.set_size_inches(4.2, 3.7)
    matrix_axis, *others = figure.axes
    for text in matrix_axis.texts:
        text.set_fontsize(12)
    matrix_axis.tick_params(labelsize=12)
    matrix_axis.title.set_fontsize(13)
    for axis in others:  # the colour bar
        axis.tick_params(labelsize=10)
    return figure_to_png(figure, dpi=100)


def confusion_png(matrix: np.ndarray) -> bytes:
    """The room's confusion matrix as a PNG, drawn again only when it changes (per language)."""
    return _confusion_png(np.ascontiguousarray(matrix, dtype=np.int64).tobytes(), active_language())


def digit_counts(per_digit, dark, height=210, label_size=22):
    """How many drawings the network read as each digit, the count over each bar."""
    palette = colours(dark)
    values = [{"digit": str(digit), "count": int(count)} for digit, count in enumerate(per_digit)]
    axis = {"labelAngle": 0, "labelFontSize": label_size, "title": None}
    encoding = {
        "x": {"field": "digit", "type": "nominal", "axis": axis},
        "y": {"field": "count", "type": "quantitative", "axis": None},
        "tooltip": [
            {"field": "digit", "type": "nominal", "title": _("digit")},
            {"field": "count", "type": "quantitative", "title": _("drawings")},
        ],
    }
    spec = {
        "data": {"values": values},
        "height": height,
        "encoding": encoding,
        "layer": [
            {"mark": {"type": "bar", "color": ANSWER_BLUE}},
            {
                "mark": {"type": "text", "dy": -10, "fontSize": label_size * 0.8, "color": palette["text"]},
                "encoding": {"text": {"field": "count", "type": "quantitative"}},
            },
        ],
        "background": palette["background"],
        "config": {
            "view": {"stroke": None},
            "axis": {"labelColor": palette["text"], "domainColor": palette["muted"], "tickColor": palette["muted"]},
        },
    }
    st.vega_lite_chart(spec=spec, width="stretch", theme=None)


def png_base64(image28) -> str:
    big = np.kron(image28, np.ones((EXTREME_SCALE, EXTREME_SCALE), np.uint8))
    buffer = io.BytesIO()
    Image.fromarray(big).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def mistake_colour(dark):
    return "#ff7b72" if dark else MISTAKE_COLOUR  # the same red, lighter on black


def extremes(title, found, key, dark):
    """A few drawings in one row, each with its reading and how sure the network was."""
    palette = colours(dark)
    figures = []
    for drawing in found:
        sure = _("{confidence:.0%} sure").format(confidence=drawing.confidence)
        mistake = drawing.label is not None and drawing.label != drawing.digit
        truth = _("✗ was {digit}").format(digit=drawing.label) if mistake else ""
        figures.append(
            f'<figure><img src="data:image/png;base64,{png_base64(drawing.image)}" alt="{drawing.digit}">'
            f"<figcaption><b>{drawing.digit}</b><span>{html.escape(sure)}</span>"
            f'<span class="truth">{html.escape(truth)}</span></figcaption></figure>'
        )
    columns = f"repeat({EXTREMES}, minmax(0, 5.5rem))"  # four to a row, narrower on a narrow screen
    style = (
        f".room-extremes h4 {{ margin: 0 0 .3rem 0; font-size: 1.25rem; color: {palette['text']}; }}"
        f".room-extremes div {{ display: grid; gap: .6rem; grid-template-columns: {columns}; }}"
        ".room-extremes figure { margin: 0; min-width: 0; text-align: center; overflow-wrap: anywhere; }"
        ".room-extremes img { width: 100%; image-rendering: pixelated; display: block; }"
        f".room-extremes figcaption {{ font-size: 1.05rem; line-height: 1.25; color: {palette['text']}; }}"
        ".room-extremes figcaption b { font-size: 1.5rem; display: block; }"
        ".room-extremes figcaption span { display: block; }"
        f".room-extremes .truth {{ color: {mistake_colour(dark)}; font-size: 1rem; }}"
    )
    st.html(
        f'<style>{style}</style><section class="room-extremes" data-testid="room-{key}">'
        f"<h4>{html.escape(title)}</h4><div>{''.join(figures)}</div></section>"
    )


def overview(stats, found, dark):
    """The full room's wall below its numbers; ``found`` is ``RoomStore.overview``'s answer. The
    mosaic with the extremes under it on the left, what was read and the confusion on the right:
    about 1000 px tall at 1920x1080 with a full mosaic, the page scrolls at 1280x720."""
    left, right = st.columns([3, 2], gap="medium")
    with left:
        shown = len(found.latest)
        st.markdown("#### " + ngettext("The latest drawing", "The latest {count} drawings", shown).format(count=shown))
        st.image(mosaic_png(found.latest, dark), width="stretch")
        st.caption(_("Framed in red: the network read it wrong (its phone said so)."))
        sure, unsure = st.columns(2, gap="medium")
        with sure:
            extremes(_("Most confident"), found.confident, "confident", dark)
        with unsure:
            extremes(_("Most doubtful"), found.doubtful, "doubtful", dark)
    with right:
        st.markdown("#### " + _("What the network read"))
        digit_counts(found.per_digit, dark)
        if stats.confirmed:
            st.image(confusion_png(stats.confusion), width="stretch")
