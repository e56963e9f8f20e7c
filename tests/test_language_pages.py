"""Every page through AppTest in Simplified Chinese (``?lang=zh``): no English sentence is left on
it, and each one still works. In English, no Chinese appears but the language switch's own name."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from model.rooms.store import RoomStore
from tests.support.drawings import draw_digit, render, strokes_in_box
from tests.test_pages import APP, FIRST_CANVAS, canvas_state

# Three English words in a row is a sentence left untranslated; names (MNIST, CNN, PNG) are capitals.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z][a-z']+(?:[ ,]+[A-Za-z][a-z']+){2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
SHOWN_FIELDS = {"label", "body", "caption", "help", "placeholder", "options", "content", "delta", "title", "text"}
SWITCH_WORDS = ("简体中文", "语言")  # the language switch names each language in its own words


@pytest.fixture(autouse=True)
def rooms(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    monkeypatch.setenv("DIGITS_ROOM_DATABASE_URL", url)
    monkeypatch.setenv("DIGITS_RUNS_DIR", str(tmp_path / "runs"))
    return RoomStore(url)


def strings_of(message, name=""):
    """The strings a protobuf message shows a person: its labels, bodies, captions, options."""
    if isinstance(message, str):
        return [message] if name in SHOWN_FIELDS else []
    if not hasattr(message, "ListFields"):
        return []
    found = []
    for field, value in message.ListFields():
        single = isinstance(value, (str, bytes, int, float)) or hasattr(value, "ListFields")
        values = [value] if single else value
        for item in values:
            found += strings_of(item, field.name)
    return found


def shown_texts(app):
    """Everything on the page and in its sidebar a person reads, markup and pictures taken out."""
    texts, pending = [], [app._tree]
    while pending:
        node = pending.pop()
        pending.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None:
            texts += strings_of(proto)
    cleaned = []
    for text in texts:
        text = re.sub(r"(?s)<style.*?</style>|<script.*?</script>", " ", text)
        text = re.sub(r"<[^>]*>|:material/[a-z_]+:|\]\([^)]*\)|https?://\S+|data:\S+", " ", text)
        cleaned.append(text)
    return cleaned


def english_left(app):
    return [match for text in shown_texts(app) for match in ENGLISH_WORDS.findall(text)]


def page(path, language="zh", **state):
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(path)
    app.query_params["lang"] = language
    for key, value in state.items():
        app.session_state[key] = value
    return app


def drawn(digit):
    return canvas_state(draw_digit(digit, background=(0, 0, 0)))


PAGES = {
    "draw, a digit and why": ("pages/draw.py", {FIRST_CANVAS: drawn(7), "explain": True}),
    "draw, nothing yet": ("pages/draw.py", {}),
    "draw, a number": ("pages/draw.py", {"mode": "A number"}),
    "inside, a digit": ("pages/inside.py", {FIRST_CANVAS: canvas_state(render(strokes_in_box(7, 50, 40, 190)))}),
    "gallery": ("pages/gallery.py", {}),
    "train": ("pages/train.py", {}),
    "present, draw": ("pages/present.py", {}),
    "present, inside": ("pages/present.py", {"present_view": "Inside"}),
    "present, no room yet": ("pages/present.py", {"present_view": "Audience room"}),
    "join, typing a code": ("pages/join.py", {}),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_in_chinese_leaves_no_english_sentence(name):
    path, state = PAGES[name]
    app = page(path, **state)
    app.run()
    assert not app.exception, app.exception
    assert not english_left(app), english_left(app)
    assert sum(bool(CJK.search(text)) for text in shown_texts(app)) >= 3


@pytest.mark.parametrize("name", list(PAGES))
def test_the_same_pages_in_english_hold_no_chinese_but_the_switch(name):
    path, state = PAGES[name]
    app = page(path, language="en", **state)
    app.run()
    assert not app.exception
    assert english_left(app)  # the check above finds English where there is some
    chinese = [text for text in shown_texts(app) if CJK.search(text)]
    assert all(any(word in text for word in SWITCH_WORDS) for text in chinese), chinese


def test_a_digit_drawn_with_the_chinese_interface_is_read_and_said_in_chinese():
    app = page("pages/draw.py", **{FIRST_CANVAS: drawn(3)})
    app.run()
    [metric] = app.metric
    assert (metric.label, metric.value) == ("预测", "3") and metric.proto.delta.startswith("把握")


def test_the_wall_and_a_phone_in_chinese(rooms):
    code = rooms.open_room("the presenter")
    wall = page("pages/present.py", present_view="Audience room", room_code=code)
    wall.run()
    assert not wall.exception and not english_left(wall), english_left(wall)

    phone = page("pages/join.py")
    phone.query_params["room"] = code
    phone.run()
    phone.session_state["canvas-300x300-0"] = canvas_state(render(strokes_in_box(4, 60, 40, 210), canvas_size=300))
    phone.run()
    [send] = [button for button in phone.button if button.proto.type == "primary"]
    send.click().run()
    assert not phone.exception and not english_left(phone), english_left(phone)
    assert rooms.stats(code).count == 1


def test_the_switch_changes_the_language_and_the_address():
    app = page("pages/draw.py", language="en")
    app.run()
    assert app.title[0].value == "Draw a digit"
    [switch] = [group for group in app.get("button_group") if group.key == "language_switch"]
    switch.set_value("zh").run()
    assert app.title[0].value == "写一个数字"
    assert app.query_params["lang"] == "zh"
