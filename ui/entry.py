"""Every page is entered through ``app.py``'s navigation, even on a fresh server's first visit."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def enter_through_the_app() -> None:
    """Call first in every page script. Rerun through ``app.py`` when Streamlit ran the page alone.

    Streamlit decides once per server process, at its first session, whether the app uses the
    old ``pages/`` folder discovery (the folder exists here), and forgets it only when a script
    calls ``st.navigation``. So a fresh server's first visit to ``/gallery`` runs pages/gallery.py
    by itself under an automatic list of the files (no model picker, no layout) until somebody
    opens ``/``. Ending that mode and rerunning makes Streamlit run ``app.py``, whose navigation
    resolves the same address to the same page.
    """
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
