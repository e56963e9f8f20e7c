"""What the first layer is learning, on the Train page: its kernels, or its hidden units' weights
drawn as 28x28 pictures, from the latest snapshot a training report carried."""

from typing import Any

import streamlit as st

from model.inside.weights import CONVOLUTION, FirstLayer, weights_grid
from model.language import _, ngettext


def show_first_layer(progress: Any, finished: bool = False) -> None:
    """The snapshot in ``progress`` (a training Progress, or None) as a grid of pictures; nothing
    before the first snapshot comes, or for a network whose first layer draws as no picture."""
    snapshot = getattr(progress, "first_layer", None)
    if snapshot is None:
        return
    st.markdown(_("**What the first layer learned**") if finished else _("**What the first layer is learning**"))
    st.image(weights_grid(snapshot.pictures), caption=first_layer_caption(snapshot))


def first_layer_caption(snapshot: FirstLayer) -> str:
    """What the pictures are, in words for someone watching: which units, and what the colours mean."""
    shown, units = len(snapshot.pictures), snapshot.units
    height, width = snapshot.pictures.shape[1:]
    if snapshot.kind == CONVOLUTION and shown < units:
        what = ngettext(
            "Each square is one of the first {shown} of its {units} {height}×{width} kernel: "
            "the stroke it looks for all over the image.",
            "Each square is one of the first {shown} of its {units} {height}×{width} kernels: "
            "the stroke it looks for all over the image.",
            units,
        )
    elif snapshot.kind == CONVOLUTION:
        what = ngettext(
            "Each square is one of its {shown} {height}×{width} kernel: the stroke it looks for all over the image.",
            "Each square is one of its {shown} {height}×{width} kernels: the stroke it looks for all over the image.",
            shown,
        )
    elif shown < units:
        what = ngettext(
            "Each square is one of the first {shown} of its {units} hidden unit: "
            "its weight on each of the 28×28 pixels.",
            "Each square is one of the first {shown} of its {units} hidden units: "
            "its weight on each of the 28×28 pixels.",
            units,
        )
    else:
        what = ngettext(
            "Each square is one of its {shown} hidden unit: its weight on each of the 28×28 pixels.",
            "Each square is one of its {shown} hidden units: its weight on each of the 28×28 pixels.",
            shown,
        )
    colours = _(
        " Ink on red weights makes a unit fire, ink on blue holds it back; white is near zero."
        " Each picture has its own scale."
    )
    return what.format(shown=shown, units=units, height=height, width=width) + colours
