"""The Present page's look: no sidebar, a dark or light room, an answer readable from the back."""

import streamlit as st

from model.language import _
from ui.reading import how_sure, probability_bars

DARK = {"background": "#0d1117", "text": "#f0f6fc", "muted": "#8b949e", "bar": "#30363d", "button": "#21262d"}
LIGHT = {"background": "#ffffff", "text": "#111111", "muted": "#57606a", "bar": "#d0d7de", "button": "#ffffff"}


def colours(dark):
    return DARK if dark else LIGHT


def projector_style(dark):
    """Only the stage on screen: the sidebar, its toggle and the toolbar hidden; the room's colours."""
    palette = colours(dark)
    st.html(f"""<style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stToolbar"],
    [data-testid="stHeader"] {{ display: none !important; }}
    .stApp, [data-testid="stAppViewContainer"] {{ background: {palette["background"]}; color: {palette["text"]}; }}
    .stApp p, .stApp label, .stApp h1, .stApp h2, .stApp h3, .stApp span {{ color: {palette["text"]}; }}
    [data-testid="stMainBlockContainer"] {{ padding: 1.2rem 2rem 1rem 2rem; max-width: 100%; }}
    .stApp button {{ background-color: {palette["button"]}; color: {palette["text"]};
                     border-color: {palette["muted"]}; }}
    .stApp button[kind="primary"], .stApp button[aria-checked="true"] {{ background-color: #1f6feb; color: #ffffff; }}
    .big-answer {{ font-size: min(46vh, 30vw); line-height: 1; font-weight: 800; text-align: center;
                   color: {palette["text"]}; font-variant-numeric: tabular-nums; }}
    .big-answer.none {{ font-size: min(9vh, 5vw); color: {palette["muted"]}; padding-top: 12vh; }}
    .big-sure {{ font-size: min(5vh, 3vw); text-align: center; color: {palette["muted"]}; }}
    .stApp [data-testid="stMetricDelta"] {{ background: transparent; }}
    .stApp [data-testid="stMetricDelta"] div, .stApp [data-testid="stMetricDelta"] span {{ color: {palette["muted"]}; }}
    .join-code span {{ display: block; font-size: min(2.6vh, 1.4vw); color: {palette["muted"]}; }}
    .join-code strong {{ display: block; font-size: min(8vh, 4vw); line-height: 1.1; letter-spacing: 0.06em;
                         font-family: ui-monospace, monospace; color: {palette["text"]}; white-space: nowrap; }}
    /* The canvas' edge, visible in a dark room too (the canvas itself lives in a shadow root). */
    [class*="st-key-canvas-"] {{ outline: 2px solid {palette["muted"]}; outline-offset: 2px; width: fit-content; }}
    </style>""")


def big_answer(reading):
    """The digit, a third of the screen's height (about 360 px at 1920x1080, 300 at 1400x900), and how sure."""
    if reading.refusal is not None:
        refused = _("not a digit")
        st.markdown(f'<div class="big-answer none" data-testid="big-answer">{refused}</div>', unsafe_allow_html=True)
        return
    if reading.prediction is None:
        st.markdown('<div class="big-answer none" data-testid="big-answer">?</div>', unsafe_allow_html=True)
        return
    st.markdown(
        f'<div class="big-answer" data-testid="big-answer">{reading.prediction.digit}</div>'
        f'<div class="big-sure">{how_sure(reading.prediction)}</div>',
        unsafe_allow_html=True,
    )


def big_probability_bars(probabilities, digit, dark):
    probability_bars(probabilities, digit, height=330, label_size=30, palette=colours(dark))
