"""The handwritten-digit demo: ``streamlit run app.py``.

A thin entry point: page config, navigation and the sidebar. The pages live in pages/, the
Streamlit glue they share in ui/, everything they compute in model/.

This file is read twice. ``streamlit run`` finds ``app = st.App(...)`` below and imports the file
as the module ``app``: the server, with the phones' plain-HTTP routes beside Streamlit's own
(ui/phone_routes.py). Each browser session then runs it as ``__main__``: the pages.
"""

from pathlib import Path

import streamlit as st

from model.language import _
from ui.keras_session import keep_tensorflow_warm
from ui.language import choose_language, language_switch
from ui.phone_routes import phone_routes
from ui.phone_sends import warm_up_in_background
from ui.resources import give_back_memory_regularly, serve_many_phones
from ui.test_set import warm_up_the_gallery
from ui.widgets import show_model_picker

PAGE_ICON = Path(__file__).resolve().parent / "ui" / "icon.png"


def show_pages() -> None:
    """One run of a browser session: the page asked for, then the sidebar."""
    # The icon ships with the app: a Material icon here would be fetched from a font server, which a
    # lecture hall's closed network does not reach.
    choose_language()
    st.set_page_config(page_title=_("Digit recognition"), page_icon=str(PAGE_ICON), layout="wide")
    keep_tensorflow_warm()
    serve_many_phones()
    # Streamlit's default top margin (6 rem) pushes the answer below the fold of a 900 px screen.
    st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 2.5rem; }</style>")

    if "room" in st.query_params:
        # A phone that followed a room's join link: the room's own view, nothing else.
        navigation = st.navigation(
            [st.Page("pages/join.py", title=_("Join"), icon=":material/groups:", url_path="join")], position="hidden"
        )
    else:
        navigation = st.navigation(
            [
                st.Page("pages/draw.py", title=_("Draw"), icon=":material/draw:", default=True),
                st.Page("pages/inside.py", title=_("Inside"), icon=":material/neurology:"),
                st.Page("pages/gallery.py", title=_("Gallery"), icon=":material/photo_library:"),
                st.Page("pages/train.py", title=_("Train"), icon=":material/model_training:"),
                st.Page("pages/present.py", title=_("Present"), icon=":material/co_present:", url_path="present"),
                st.Page("pages/join.py", title=_("Join a room"), icon=":material/groups:", url_path="join"),
            ]
        )
    navigation.run()
    if "room" not in st.query_params:
        # After the page, so the canvas shows before TensorFlow is imported on a cold start.
        show_model_picker()
        with st.sidebar:
            language_switch()
        warm_up_the_gallery()
    give_back_memory_regularly()


if __name__ == "__main__":
    show_pages()
else:
    app = st.App(__file__, routes=phone_routes())
    warm_up_in_background()
