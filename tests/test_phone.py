"""On a phone: a 390x844 touch screen in Chromium, a digit drawn with a finger (touch events)."""

import pytest

from tests.support.browser import PHONE, chromium, press_clear, streamlit_server, touch_strokes
from tests.support.drawings import strokes_in_box

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
expect = playwright_api.expect


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    log = tmp_path_factory.mktemp("phone") / "streamlit.log"
    runs = str(tmp_path_factory.mktemp("runs"))
    with streamlit_server(log, extra_env={"DIGITS_RUNS_DIR": runs}) as (url, _), chromium() as browser:
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(url)
        yield page
        context.close()
    assert "Traceback" not in log.read_text()


def on_screen(locator, viewport):
    box = locator.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] + box["width"] <= viewport["width"]
    )


def test_a_digit_drawn_with_a_finger_is_read_and_the_answer_is_on_screen_with_the_canvas(phone):
    canvas = phone.locator("canvas.upper-canvas").first
    expect(canvas).to_be_visible(timeout=60_000)
    canvas.scroll_into_view_if_needed()
    touch_strokes(phone, strokes_in_box(7, 50, 40, 190))
    answer = phone.get_by_role("heading", name="7 ·")
    expect(answer).to_be_visible(timeout=30_000)
    expect(phone.get_by_test_id("stMetric").filter(has_text="Prediction").get_by_test_id("stMetricValue")).to_have_text(
        "7"
    )
    viewport = PHONE["viewport"]
    assert on_screen(canvas, viewport) and on_screen(answer, viewport), (canvas.bounding_box(), answer.bounding_box())
    press_clear(phone)
    expect(answer).to_have_count(0, timeout=30_000)


def test_the_number_canvas_fits_the_phones_screen(phone):
    phone.get_by_test_id("stButtonGroup").get_by_text("A number").click()
    expect(phone.get_by_role("heading", name="Write a number")).to_be_visible(timeout=30_000)
    # The title changes first; the number canvas (340 px wide on a phone) replaces the digit's a moment later.
    number_canvas = phone.locator('[class*="st-key-canvas-340x280-"]')
    expect(number_canvas).to_be_visible(timeout=30_000)
    canvas = number_canvas.locator("canvas.upper-canvas").first
    expect(canvas).to_be_visible(timeout=30_000)
    box = canvas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"], box
    strokes = []
    for position, digit in enumerate([2, 0, 2, 6]):
        strokes += strokes_in_box(digit, 8 + position * 82, 70, 74)
    touch_strokes(phone, strokes)
    expect(phone.get_by_test_id("stMetric").filter(has_text="Number")).to_contain_text("2026", timeout=30_000)
