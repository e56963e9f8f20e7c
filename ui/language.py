"""Which language this browser session's pages speak, and the switch that changes it.

First visit: the browser's ``Accept-Language``; ``?lang=zh`` or ``?lang=en`` in the address wins
(a presenter shares a link in one language); the switch (sidebar, Present page) changes it and
the address with it. A phone that joins a room runs its own session, so it speaks its own
browser's language whatever the wall shows.
"""

import json
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from model.language import (
    DEFAULT_LANGUAGE,
    ENGLISH,
    LANGUAGES,
    _,
    active_language,
    preferred_language,
    set_language_source,
)
from ui.session import LANGUAGE

LANGUAGE_PARAMETER = "lang"
# Both languages' words: whoever cannot read the page's language still finds the switch.
SWITCH_LABEL = "Language · 语言"


def _session_language() -> str:
    if get_script_run_ctx(suppress_warning=True) is None:  # a thread outside any page's run
        return DEFAULT_LANGUAGE
    return st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)


set_language_source(_session_language)


def choose_language() -> str:
    """Settle this run's language: the address, then the session's choice, then the browser's."""
    requested = st.query_params.get(LANGUAGE_PARAMETER)
    if requested in LANGUAGES:
        st.session_state[LANGUAGE] = requested
    elif st.session_state.get(LANGUAGE) not in LANGUAGES:
        st.session_state[LANGUAGE] = preferred_language(st.context.headers.get("Accept-Language"))
    return st.session_state[LANGUAGE]


def _switched(key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen in LANGUAGES:  # a segmented control can be clicked off: keep the language then
        st.session_state[LANGUAGE] = chosen
        st.query_params[LANGUAGE_PARAMETER] = chosen


def language_switch(key: str = "language_switch") -> None:
    """English / 简体中文, in the current container; ``key`` tells two switches apart."""
    st.session_state[key] = st.session_state.get(LANGUAGE, DEFAULT_LANGUAGE)
    st.segmented_control(
        SWITCH_LABEL,
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=key,
        on_change=_switched,
        args=(key,),
    )


def file_uploader(label: str, types: list[str], key: str) -> Any:
    """``st.file_uploader`` whose own words speak the page's language too: Streamlit writes its
    button ("Upload") and its limits ("10MB per file • PNG") in English in the browser, with no
    setting for them, so in another language CSS puts the translated words in their place."""
    upload = st.file_uploader(label, type=types, key=key)
    if active_language() != ENGLISH:
        kinds = dict.fromkeys("JPG" if kind.lower() == "jpeg" else kind.upper() for kind in types)
        limits = _("{megabytes} MB per file · {kinds}").format(
            megabytes=st.get_option("server.maxUploadSize"), kinds=", ".join(kinds)
        )
        button = _("Upload")
        zone = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
        st.html(
            f"<style>{zone} button p, {zone} [data-testid='stFileUploaderDropzoneInstructions'] span "
            "{ font-size: 0; }"
            f"{zone} button p::after {{ content: {json.dumps(button, ensure_ascii=False)}; font-size: 1rem; }}"
            f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] span::after "
            f"{{ content: {json.dumps(limits, ensure_ascii=False)}; font-size: 0.875rem; }}</style>"
        )
    return upload
