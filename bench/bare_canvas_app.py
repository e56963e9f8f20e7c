"""The floor for stroke -> answer: a Streamlit app holding only the Draw page's canvas.

Run by bench/capacity.py next to the real app. It shows a metric labelled "Prediction" as soon
as a drawing arrives, so both apps are timed the same way; nothing is computed.
"""

import streamlit as st
from streamlit_drawable_canvas import st_canvas

result = st_canvas(
    stroke_width=20,
    stroke_color="#FFFFFF",
    background_color="#000000",
    update_streamlit=True,
    height=280,
    width=280,
    drawing_mode="freedraw",
    return_image_data=True,
    key="canvas-280x280",
)
if result.json_data and result.json_data.get("objects"):
    st.metric("Prediction", str(len(result.json_data["objects"])))
