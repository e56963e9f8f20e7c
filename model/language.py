"""The language the app speaks: English or Simplified Chinese, from gettext message catalogues.

Every sentence a person reads is written in English inside ``_()`` (``ngettext`` when it holds a
count, ``N_`` for a constant translated where it is shown) and looked up in
``locale/<locale>/LC_MESSAGES/digits.mo`` for the active language. model/ never imports Streamlit,
so the active language is asked of a *source*: ``ui/language.py`` registers the browser
session's choice; without one (the command line, a benchmark) it is English, unless ``using()``
says otherwise for a block of code. Catalogues: ``pybabel extract/update/compile`` (README).
"""

import contextlib
import contextvars
import functools
import gettext
from collections.abc import Callable, Iterator
from pathlib import Path

from babel.core import negotiate_locale

ENGLISH, CHINESE = "en", "zh"
LANGUAGES = {ENGLISH: "English", CHINESE: "简体中文"}  # code -> its own name, as a switch shows it
DEFAULT_LANGUAGE = ENGLISH
LOCALE_NAMES = {ENGLISH: "en", CHINESE: "zh_CN"}  # code -> the catalogue's folder under locale/
DOMAIN = "digits"
LOCALE_DIRECTORY = Path(__file__).resolve().parent.parent / "locale"

_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("language_override", default=None)
_source: Callable[[], str] | None = None


def set_language_source(source: Callable[[], str] | None) -> None:
    """Where the active language comes from when no ``using()`` block says: a function that
    returns a language code (the Streamlit session's choice)."""
    global _source
    _source = source


def active_language() -> str:
    override = _override.get()
    if override is not None:
        return override
    if _source is not None:
        try:
            language = _source()
        except Exception:  # no session to ask (a thread outside a script run): the default
            return DEFAULT_LANGUAGE
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


@contextlib.contextmanager
def using(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block (a slide in a given language, a test)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {sorted(LANGUAGES)}")
    token = _override.set(language)
    try:
        yield
    finally:
        _override.reset(token)


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language``; English is the source text itself."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {sorted(LANGUAGES)}")
    if language == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIRECTORY, languages=[LOCALE_NAMES[language]])


def _(message: str) -> str:
    """``message`` in the active language."""
    return translations(active_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a sentence holding ``count`` in the active language (Chinese has one form)."""
    return translations(active_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a constant for the catalogue; it is translated with ``_()`` where it is shown."""
    return message


def preferred_language(accept_language: str | None) -> str:
    """The language to greet a browser in, from its ``Accept-Language`` header (``"zh-CN,zh;q=0.9,
    en;q=0.8"``): the first of its languages, by weight, that the app speaks; else English."""
    if not isinstance(accept_language, str):
        return DEFAULT_LANGUAGE
    weighted = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _separator, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            weighted.append((-weight, position, tag.strip().lower()))
    preferred = [tag for _weight, _position, tag in sorted(weighted)]
    return negotiate_locale(preferred, list(LANGUAGES), sep="-") or DEFAULT_LANGUAGE
