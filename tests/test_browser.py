"""End to end in a real browser: Debian's Chromium, driven by Playwright, against
``streamlit run app.py`` on a loopback port."""

import re

import pytest

from tests.support.browser import chromium, clear_canvas, draw_strokes, streamlit_server
from tests.support.drawings import strokes_in_box

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
expect = playwright_api.expect


@pytest.fixture(scope="module")
def app_page(tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    runs = str(tmp_path_factory.mktemp("runs"))
    with streamlit_server(log, extra_env={"DIGITS_RUNS_DIR": runs}) as (url, _), chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        yield page
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def prediction_value(page):
    return page.get_by_test_id("stMetric").filter(has_text="Prediction").get_by_test_id("stMetricValue")


@pytest.mark.parametrize("digit", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
def test_drawing_with_the_mouse_is_read_correctly(app_page, digit):
    page = app_page
    expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
    # Each digit somewhere else on the canvas and at another size, like people draw.
    size = 150 + (digit % 3) * 40
    left = 15 + (digit * 37) % (270 - size)
    top = 15 + (digit * 53) % (270 - size)
    draw_strokes(page, strokes_in_box(digit, left, top, size))
    expect(prediction_value(page)).to_have_text(str(digit), timeout=30_000)
    clear_canvas(page)
    expect(page.get_by_text("Draw a digit in the black box")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Prediction")).to_have_count(0)


def test_the_same_drawing_drawn_again_after_clear_is_read(app_page):
    # A demo often draws the very same digit twice; the second time must be read as the first was.
    page = app_page
    # Right after the mouse test, on the Draw page: no page change, whose fresh canvas may still
    # be loading its (empty) drawing when the first stroke comes.
    strokes = strokes_in_box(2, 50, 50, 180)
    for _ in range(2):
        draw_strokes(page, strokes)
        expect(prediction_value(page)).to_have_text("2", timeout=30_000)
        clear_canvas(page)


def test_a_drawing_survives_a_visit_to_another_page(app_page):
    page = app_page
    draw_strokes(page, strokes_in_box(3, 40, 40, 190))
    expect(prediction_value(page)).to_have_text("3", timeout=30_000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    expect(page.get_by_role("heading", name="Train a network")).to_be_visible(timeout=60_000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Draw", exact=True).click()
    expect(prediction_value(page)).to_have_text("3", timeout=30_000)
    clear_canvas(page)


def test_gallery_and_train_open_from_the_navigation(app_page):
    page = app_page
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Gallery", exact=True).click()
    expect(page.get_by_role("heading", name="Gallery")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Test accuracy")).to_contain_text(
        re.compile(r"\d+\.\d+%"), timeout=60_000
    )
    expect(page.get_by_test_id("stImage").first).to_be_visible(timeout=60_000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    expect(page.get_by_role("heading", name="Train a network")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Start training")).to_be_enabled()
