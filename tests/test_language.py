"""English and Simplified Chinese: choosing the language, the catalogue's completeness, and figures
and refusals that speak the active language. The pages in Chinese: tests/test_language_pages.py."""

import ast
import io
import re
import string
import warnings
from pathlib import Path

import numpy as np
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from model.language import (
    CHINESE,
    ENGLISH,
    LOCALE_DIRECTORY,
    _,
    active_language,
    ngettext,
    preferred_language,
    translations,
    using,
)

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = LOCALE_DIRECTORY / "zh_CN" / "LC_MESSAGES" / "digits.po"
COMPILED = CATALOGUE.with_suffix(".mo")
SOURCES = ["app.py", "pages", "ui", "model"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", CHINESE),
        ("en-US,en;q=0.9", ENGLISH),
        ("de-DE,zh-TW;q=0.5", CHINESE),  # a German who reads Chinese better than nothing
        ("fr-FR,fr;q=0.9", ENGLISH),  # neither: English
        ("en;q=0.2,zh;q=0.8", CHINESE),  # the weights, not the order
        ("ZH-cn", CHINESE),
        ("zh-Hans-CN", CHINESE),
        ("zh;q=0,en", ENGLISH),  # q=0 means "not this one"
        ("", ENGLISH),
        (None, ENGLISH),
        ("garbage;;;q=x,,", ENGLISH),
    ],
)
def test_the_browsers_preferred_language_is_matched(header, language):
    assert preferred_language(header) == language


def test_using_a_language_speaks_it_inside_the_block_only():
    assert active_language() == ENGLISH
    with using(CHINESE):
        assert active_language() == CHINESE
        assert _("Draw a digit") == "写一个数字"
        assert ngettext("{count} digit", "{count} digits", 3).format(count=3) == "3 个数字"
    assert _("Draw a digit") == "Draw a digit"
    assert ngettext("{count} digit", "{count} digits", 1).format(count=1) == "1 digit"
    assert ngettext("{count} digit", "{count} digits", 2).format(count=2) == "2 digits"
    with pytest.raises(ValueError, match="unknown language"), using("fr"):
        pass


def source_messages() -> dict[object, list[str]]:
    """Every message the app's code marks for translation (msgid, or (singular, plural)) -> where."""
    found: dict[object, list[str]] = {}
    for source in SOURCES:
        path = ROOT / source
        if path.is_file():
            from babel.messages.extract import extract_from_file

            results = [(str(path.name), *result) for result in extract_from_file("python", str(path))]
        else:
            results = [
                (str(Path(source) / filename), lineno, message, comments, context)
                for filename, lineno, message, comments, context in extract_from_dir(
                    str(path), method_map=[("**.py", "python")]
                )
            ]
        for filename, lineno, message, _comments, _context in results:
            found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def fields(text: str) -> set[tuple[str, str]]:
    """The placeholders of a format string with their format specs: {"confidence", ".0%"}."""
    return {(name, spec or "") for _literal, name, spec, _conversion in string.Formatter().parse(text) if name}


def test_every_marked_message_has_a_chinese_translation_with_the_same_placeholders():
    catalogue = {message.id: message for message in read_po(CATALOGUE.open("rb")) if message.id}
    problems = []
    for message, places in source_messages().items():
        entry = catalogue.get(message)
        if entry is None:
            problems.append(f"not in the catalogue: {message!r} ({places[0]})")
            continue
        translated = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(translated) or entry.fuzzy:
            problems.append(f"not translated: {message!r} ({places[0]})")
            continue
        originals = message if isinstance(message, tuple) else (message,)
        for text in translated:
            if fields(text) != fields(originals[-1]):
                problems.append(f"placeholders differ: {message!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_is_the_po_file_compiled():
    compiled = io.BytesIO()
    write_mo(compiled, read_po(CATALOGUE.open("rb")))
    assert COMPILED.read_bytes() == compiled.getvalue(), "run: pybabel compile -d locale -D digits"


def test_the_template_lists_exactly_the_messages_the_code_marks():
    template = {message.id for message in read_po((LOCALE_DIRECTORY / "digits.pot").open("rb")) if message.id}
    assert template == set(source_messages()), "run the pybabel extract command in README (Languages)"


def test_chinese_has_one_plural_form():
    assert translations(CHINESE).ngettext("{count} digit", "{count} digits", 1) == "{count} 个数字"
    assert translations(CHINESE).ngettext("{count} digit", "{count} digits", 7) == "{count} 个数字"


DISPLAY_CALLS = {
    "title", "header", "subheader", "markdown", "caption", "text", "error", "warning", "info", "success",
    "toast", "button", "download_button", "link_button", "form_submit_button", "page_link", "toggle",
    "checkbox", "radio", "selectbox", "multiselect", "slider", "select_slider", "text_input", "number_input",
    "file_uploader", "segmented_control", "pills", "expander", "popover", "metric", "tabs", "status",
}  # fmt: skip
WORDS = re.compile(r"[A-Za-z]{2,}[,.:;!?']?\s+[A-Za-z]{2,}")  # two words apart: not "draw.py"


def untranslated_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """Literal English handed straight to a Streamlit element (its first argument or label=)."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in DISPLAY_CALLS:
            continue
        if "log" in ast.unparse(node.func.value).lower():  # logging.getLogger(...).warning("..."): the log
            continue
        arguments = node.args[:1] + [keyword.value for keyword in node.keywords if keyword.arg in ("label", "help")]
        for argument in arguments:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                text = argument.value
            elif isinstance(argument, ast.JoinedStr):
                text = "".join(part.value for part in argument.values if isinstance(part, ast.Constant))
            else:
                continue
            if WORDS.search(re.sub(r"<[^>]*>|:material/[a-z_]+:", " ", text)):
                found.append((node.lineno, text))
    return found


def test_no_page_hands_a_streamlit_element_english_words_without_translating_them():
    problems = []
    for path in sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]):
        for line, text in untranslated_literals(ast.parse(path.read_text(encoding="utf-8"))):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert not problems, "\n".join(problems)


def test_the_check_above_finds_an_untranslated_label():
    tree = ast.parse('st.button("Close the room")\nst.caption(f"{count} drawings so far")\nst.button(_("Hide"))')
    assert [line for line, _text in untranslated_literals(tree)] == [1, 2]


def test_refusals_are_read_in_the_language_of_whoever_reads_them():
    from model.recognition.refusal import GATE_REFUSAL, scattered_marks

    assert GATE_REFUSAL.detail == "it is unlike every handwritten digit the network learned from"
    with using(CHINESE):
        assert CJK.search(GATE_REFUSAL.detail)
        assert "12" in scattered_marks(12).detail and CJK.search(scattered_marks(12).detail)
    # The command line's contract stays English whatever a page speaks.
    assert str(scattered_marks(12)).startswith("not a digit: 12 separate marks")


def texts_of(figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(lambda artist: hasattr(artist, "get_text"))]


def test_the_gallery_and_the_slide_in_chinese_draw_every_glyph():
    from matplotlib import font_manager

    from model.plots import CJK_FONT, figure_to_png, gallery_figure, slide_figure, slide_to_png

    assert CJK_FONT in {font.name for font in font_manager.fontManager.ttflist}, "apt-get install fonts-noto-cjk"
    images = np.zeros((2, 28, 28))
    with using(CHINESE), warnings.catch_warnings():
        # matplotlib warns "Glyph ... missing from font(s)" for every character drawn as a box.
        warnings.simplefilter("error", UserWarning)
        gallery = gallery_figure(images, [3, 5], [3, 8])
        figure_to_png(gallery)
        probabilities = np.full(10, 0.01)
        probabilities[4] = 0.91
        slide = slide_figure(np.zeros((280, 280, 4), np.uint8), images[0], probabilities, 4, "模型")
        slide_to_png(slide)
    assert {"预测标签：3", "预测标签：5\n（实际：8）"} <= set(texts_of(gallery))
    assert "网络的识别结果" in texts_of(slide)
    assert "Predicted Label: 3" in texts_of(gallery_figure(images, [3, 5], [3, 8]))
