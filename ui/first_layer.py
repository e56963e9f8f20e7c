"""What the first layer is learning, on the Train page: its kernels, or its hidden units' weights
drawn as 28x28 pictures, from the latest snapshot a training report carried."""

from typing import Any

import streamlit as st

from model.inside.weights import CONVOLUTION, FirstLayer, weights_grid


def show_first_layer(progress: Any, finished: bool = False) -> None:
    """The snapshot in ``progress`` (a training Progress, or None) as a grid of pictures; nothing
    before the first snapshot comes, or for a network whose first layer draws as no picture."""
    snapshot = getattr(progress, "first_layer", None)
    if snapshot is None:
        return
    st.markdown("**What the first layer learned**" if finished else "**What the first layer is learning**")
    st.image(weights_grid(snapshot.pictures), caption=first_layer_caption(snapshot))


def first_layer_caption(snapshot: FirstLayer) -> str:
    """What the pictures are, in words for someone watching: which units, and what the colours mean."""
    shown = len(snapshot.pictures)
    which = f"the first {shown} of its {snapshot.units}" if shown < snapshot.units else f"its {shown}"
    if snapshot.kind == CONVOLUTION:
        height, width = snapshot.pictures.shape[1:]
        what = f"Each square is one of {which} {height}×{width} kernels: the stroke it looks for all over the image."
    else:
        what = f"Each square is one of {which} hidden units: its weight on each of the 28×28 pixels."
    colours = "Ink on red weights makes a unit fire, ink on blue holds it back; white is near zero."
    return f"{what} {colours} Each picture has its own scale."
