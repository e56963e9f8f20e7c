"""A hosted instance shared by strangers, in a real browser: the training queue, Stop while
queued, a closed tab's run reaped, no server path on any page, Clear pressed mid-stroke."""

import re
import time
from pathlib import Path

import pytest

from tests.support.browser import ROOT, chromium, draw_strokes, press_clear, streamlit_server
from tests.support.drawings import strokes_in_box

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
expect = playwright_api.expect
SAMPLE = str(ROOT / "model" / "mnist_sample.npz")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hosting")
    log = folder / "streamlit.log"
    environment = {
        "DIGITS_RUNS_DIR": str(folder / "runs"),
        "MNIST_PATH": SAMPLE,
        "DIGITS_MAX_TRAININGS": "1",
        "DIGITS_ABANDONED_AFTER_S": "6",
    }
    with streamlit_server(log, extra_env=environment) as (url, process), chromium() as browser:
        yield url, process, browser, folder / "runs"
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]


def open_train_page(browser, url, epochs=1):
    """A visitor on the Train page with the MLP, ``epochs`` epochs and the fewest images."""
    page = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
    page.goto(f"{url}/train")
    expect(page.get_by_role("heading", name="Train a network")).to_be_visible(timeout=60_000)
    page.get_by_test_id("stSelectbox").filter(has_text="Network").click()
    page.get_by_role("option", name=re.compile("MLP")).click()
    # The MLP's own widgets are on the page once its learning rate shows (the quick CNN's is 0.01).
    expect(page.get_by_role("spinbutton", name="Learning rate")).to_have_value("0.001", timeout=30_000)
    epochs_box = page.get_by_role("spinbutton", name="Epochs")
    epochs_box.fill(str(epochs))
    epochs_box.press("Enter")
    expect(epochs_box).to_have_value(str(epochs), timeout=30_000)
    sizes = page.get_by_role("slider", name=re.compile("Training images"))
    sizes.press("Home")  # the slider's first stop: the fewest images
    expect(sizes).to_have_attribute("aria-valuetext", "1000", timeout=30_000)
    return page


def training_children(server_process):
    """The server's training processes (python -m model.hosting.child), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if parent == server_process.pid and b"model.hosting.child" in command:
            children.append(int(entry.name))
    return children


def test_visitors_beyond_the_limit_wait_in_line_and_all_finish_in_order(server):
    url, process, browser, _ = server
    pages = [open_train_page(browser, url) for _ in range(3)]
    for page in pages:
        page.get_by_role("button", name="Start training").click()
    expect(pages[1].get_by_text(re.compile(r"1st in line"))).to_be_visible(timeout=30_000)
    expect(pages[2].get_by_text(re.compile(r"2nd in line"))).to_be_visible(timeout=30_000)
    finished_at = []
    for page in pages:
        expect(page.get_by_role("button", name="Use this model")).to_be_visible(timeout=240_000)
        finished_at.append(time.monotonic())
        assert len(training_children(process)) <= 1  # never more than the limit at once
    for page in pages:
        page.context.close()


def test_stop_while_queued_cancels_the_run(server):
    url, _, browser, _ = server
    first = open_train_page(browser, url, epochs=20)
    second = open_train_page(browser, url)
    first.get_by_role("button", name="Start training").click()
    expect(first.get_by_test_id("stProgress")).to_be_visible(timeout=60_000)
    second.get_by_role("button", name="Start training").click()
    expect(second.get_by_text(re.compile(r"1st in line"))).to_be_visible(timeout=30_000)
    second.get_by_role("button", name="Stop").click()
    expect(second.get_by_text("You stopped the run before it started.")).to_be_visible(timeout=30_000)
    first.get_by_role("button", name="Stop").click()
    expect(first.get_by_role("button", name="Use this model")).to_be_visible(timeout=120_000)
    for page in (first, second):
        page.context.close()


def test_a_closed_tabs_run_is_stopped_and_its_files_removed(server):
    url, process, browser, runs = server
    page = open_train_page(browser, url, epochs=50)
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_test_id("stProgress")).to_be_visible(timeout=60_000)
    assert training_children(process)
    page.context.close()  # the visitor leaves
    deadline = time.monotonic() + 90
    while training_children(process) or list(runs.glob("*/*.keras")):
        assert time.monotonic() < deadline, "the abandoned run was not reaped"
        time.sleep(0.5)  # polling the server's process table; the condition is re-checked


def test_no_page_shows_the_servers_paths(server):
    url, _, browser, _ = server
    page = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
    for path, ready in (
        ("", "canvas.upper-canvas"),
        ("gallery", "[data-testid=stImage]"),
        ("train", "[data-testid=stButton]"),
    ):
        page.goto(f"{url}/{path}")
        expect(page.locator(ready).first).to_be_visible(timeout=120_000)
        text = page.locator("body").inner_text()
        assert str(ROOT) not in text and "/runs/" not in text and "mnist_sample.npz" not in text, path
    page.context.close()


def test_clear_pressed_right_after_a_stroke_always_takes_effect(server):
    # Clear lands while the stroke's drawing is still on its way (the canvas sends it 200 ms
    # after the pen lifts) or while the server reruns for it: the reading must go every time.
    url, _, browser, _ = server
    page = browser.new_context(viewport={"width": 1300, "height": 1000}).new_page()
    page.goto(url)
    expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
    readings = page.get_by_test_id("stMetric").filter(has_text="Prediction")
    for round_number in range(12):
        draw_strokes(page, strokes_in_box(round_number % 10, 40, 40, 190), steps=3)
        if round_number % 3:
            page.wait_for_timeout(100 * (round_number % 4))  # before, during and after the send
        press_clear(page)
        expect(readings).to_have_count(0, timeout=30_000)
        expect(page.get_by_text("Draw a digit in the black box")).to_be_visible(timeout=30_000)
    page.context.close()
