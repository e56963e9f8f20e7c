"""Write screenshots of every page to docs/screenshots/: ``python -m docs.take_screenshots``.

Starts the app on a loopback port, draws a digit and a number with the mouse in headless
Chromium at 1400x900 (a laptop, shot above the fold as a person sees it), opens the gallery and
runs a short training; draws with a finger on a phone-sized touch screen; shows the Present page
at 1280x720, 1400x900 and 1920x1080, light and dark, downloads a slide, and fills an audience
room's wall from twelve phones, and a wall after the room taught the network. One PNG per view.
"""

import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.support.browser import PHONE, ROOT, chromium, clear_canvas, draw_strokes, streamlit_server, touch_strokes
from tests.support.drawings import strokes_in_box

OUT = ROOT / "docs" / "screenshots"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "streamlit.log"
        environment = {"DIGITS_RUNS_DIR": scratch, "DIGITS_DATA_DIR": scratch, "DIGITS_ROOM_RATE_COUNT": "100"}
        with streamlit_server(log, extra_env=environment) as (url, _), chromium() as browser:
            inside(browser, url)
            phone_and_present(browser, url)
            teaching(browser, url, Path(scratch))
            # A laptop's screen, shot as a person sees it: what is above the fold is what counts.
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(url)
            expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
            draw_strokes(page, strokes_in_box(4, 70, 50, 180))
            metric = page.get_by_test_id("stMetric").filter(has_text="Prediction")
            expect(metric).to_be_visible(timeout=30_000)
            page.get_by_text("Why? Show which pixels").click()
            expect(page.get_by_text("Red pushed towards")).to_be_visible(timeout=30_000)
            page.screenshot(path=OUT / "draw.png")

            clear_canvas(page)
            page.get_by_test_id("stButtonGroup").get_by_text("A number").click()
            expect(page.get_by_role("heading", name="Write a number")).to_be_visible(timeout=30_000)
            expect(page.locator("canvas.upper-canvas")).to_have_count(1, timeout=30_000)
            expect(page.locator("canvas.upper-canvas")).to_have_attribute("width", "560", timeout=30_000)
            strokes = []  # written fast: every digit runs into the next, one blob of ink
            for position, digit in enumerate([2, 0, 2, 6]):
                strokes += strokes_in_box(digit, 40 + position * 100, 60, 160)
            draw_strokes(page, strokes)
            expect(page.get_by_test_id("stMetric").filter(has_text="Number")).to_contain_text("2026", timeout=30_000)
            expect(page.get_by_test_id("stImage")).to_have_count(4, timeout=30_000)
            page.screenshot(path=OUT / "number.png")

            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Gallery", exact=True).click()
            expect(page.get_by_role("heading", name="Where it goes wrong")).to_be_visible(timeout=120_000)
            expect(page.get_by_test_id("stImage")).to_have_count(2, timeout=120_000)
            page.screenshot(path=OUT / "gallery.png")

            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
            page.get_by_role("button", name="Start training").click()
            expect(page.get_by_role("button", name="Use this model")).to_be_visible(timeout=300_000)
            # The sidebar is redrawn just after the page: wait until it no longer says "Training 53%".
            sidebar_status = page.get_by_test_id("stSidebar").get_by_text(re.compile(r"Training \d+%"))
            expect(sidebar_status).to_have_count(0, timeout=30_000)
            page.screenshot(path=OUT / "train.png")
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))} to {OUT}")


def inside(browser, url):
    """The Inside page at 1400x900, a section per shot as a person scrolls to it; on a phone; and
    the Present page's Inside view at 1920x1080, light and dark, with its slide."""
    seven = strokes_in_box(7, 50, 40, 190)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{url}/inside")
    expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
    draw_strokes(page, seven)
    expect(page.get_by_text("nearest test digits")).to_be_visible(timeout=120_000)
    page.screenshot(path=OUT / "inside.png")
    for heading, name in (
        ("1 · Layer by layer", "inside-layers"),
        ("2 · What", "inside-units"),
        ("3 · The four", "inside-tutorials"),
        ("4 · Where", "inside-map"),
    ):
        page.get_by_role("heading", name=re.compile(heading)).evaluate(
            "element => element.scrollIntoView({block: 'start'})"
        )
        page.screenshot(path=OUT / f"{name}.png")
    page.close()

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{url}/inside")
    canvas = phone.locator("canvas.upper-canvas").first
    expect(canvas).to_be_visible(timeout=60_000)
    canvas.scroll_into_view_if_needed()
    touch_strokes(phone, seven)
    layers = phone.get_by_role("heading", name=re.compile("1 · Layer by layer"))
    expect(layers).to_be_visible(timeout=120_000)
    layers.evaluate("element => element.scrollIntoView({block: 'start'})")
    phone.screenshot(path=OUT / "inside-phone.png")
    phone.context.close()

    for dark in (False, True):
        page = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True).new_page()
        page.goto(f"{url}/present?view=inside")
        expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
        if dark:
            page.get_by_text("Dark room").click()
            expect(page.locator(".stApp")).to_have_css("background-color", "rgb(13, 17, 23)", timeout=30_000)
        scale = page.locator("canvas.upper-canvas").first.bounding_box()["width"] / 280
        draw_strokes(page, [[(x * scale, y * scale) for x, y in stroke] for stroke in seven])
        expect(page.get_by_test_id("inside-answer")).to_have_text("7", timeout=120_000)
        expect(page.get_by_role("button", name="Download slide (PNG)")).to_be_visible(timeout=30_000)
        page.screenshot(path=OUT / f"present-inside-1920x1080{'-dark' if dark else ''}.png")
        if not dark:
            with page.expect_download() as download:
                page.get_by_role("button", name="Download slide (PNG)").click()
            download.value.save_as(OUT / "slide-inside.png")
        page.context.close()


def teaching(browser, url, scratch):
    """A presenter's wall after "Teach the network these digits": 60 confirmed drawings of a hand
    MNIST lacks (digits turned a quarter turn), the run in the training queue, the before and after."""
    from model.rooms.store import RoomStore
    from tests.support.rooms import confirmed_drawings

    presenter = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    presenter.goto(f"{url}/present?view=audience")
    presenter.get_by_role("button", name="Open a room").click()
    link = presenter.get_by_text(re.compile(r"/phone/")).first
    expect(link).to_be_visible(timeout=30_000)
    code = re.search(r"/phone/([A-Z0-9]+)", link.inner_text()).group(1)
    store = RoomStore(f"sqlite:///{scratch / 'rooms.sqlite3'}")
    confirmed_drawings(store, code, 60)
    presenter.get_by_role("button", name="Teach the network these digits").click()
    expect(presenter.get_by_text("Phones read with the taught network")).to_be_visible(timeout=300_000)
    presenter.mouse.move(0, 0)  # no tooltip over the wall
    presenter.wait_for_function("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    presenter.screenshot(path=OUT / "wall-taught-1920x1080.png")
    presenter.get_by_role("button", name="Close the room").click()
    presenter.context.close()


def phone_and_present(browser, url):
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(url)
    canvas = phone.locator("canvas.upper-canvas").first
    expect(canvas).to_be_visible(timeout=60_000)
    canvas.scroll_into_view_if_needed()
    touch_strokes(phone, strokes_in_box(7, 50, 40, 190))
    expect(phone.get_by_role("heading", name="7 ·")).to_be_visible(timeout=30_000)
    phone.screenshot(path=OUT / "phone.png")
    phone.context.close()

    for size, dark in (((1920, 1080), False), ((1920, 1080), True), ((1400, 900), True), ((1280, 720), False)):
        page = browser.new_context(viewport={"width": size[0], "height": size[1]}, accept_downloads=True).new_page()
        page.goto(f"{url}/present")
        expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
        if dark:
            page.get_by_text("Dark room").click()
            expect(page.locator(".stApp")).to_have_css("background-color", "rgb(13, 17, 23)", timeout=30_000)
        box = page.locator("canvas.upper-canvas").first.bounding_box()
        scale = box["width"] / 420
        draw_strokes(page, [[(x * scale, y * scale) for x, y in stroke] for stroke in strokes_in_box(3, 90, 60, 300)])
        expect(page.get_by_test_id("big-answer")).to_have_text("3", timeout=30_000)
        # The bars and the slide button come in the same script run, a moment later.
        expect(page.get_by_role("button", name="Download slide (PNG)")).to_be_visible(timeout=30_000)
        name = f"present-{size[0]}x{size[1]}{'-dark' if dark else ''}.png"
        page.screenshot(path=OUT / name)
        if dark:
            with page.expect_download() as download:
                page.get_by_role("button", name="Download slide (PNG)").click()
            download.value.save_as(OUT / "slide.png")
        page.context.close()

    presenter = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    presenter.goto(f"{url}/present")
    presenter.get_by_text("Audience room").click()
    presenter.get_by_role("button", name="Open a room").click()
    link = presenter.get_by_text(re.compile(r"/phone/")).first
    expect(link).to_be_visible(timeout=30_000)
    code = re.search(r"/phone/([A-Z0-9]+)", link.inner_text()).group(1)
    for index, digit in enumerate([7, 3, 1, 0, 2, 6, 4, 9, 5, 8, 7, 2]):
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(f"{url}/phone/{code}")
        expect(phone.locator("#canvas")).to_be_visible(timeout=60_000)
        touch_strokes(phone, strokes_in_box(digit, 40, 30, 220), canvas="#canvas")
        if index == 0:
            expect(phone.get_by_role("button", name="Send to the wall")).to_be_visible(timeout=30_000)
            phone.screenshot(path=OUT / "phone-join.png")
        phone.get_by_role("button", name="Send to the wall").click()
        expect(phone.get_by_text(re.compile("The network read a"))).to_be_visible(timeout=30_000)
        if index == 0:
            phone.screenshot(path=OUT / "phone-sent.png")
        if index % 3 == 0:
            phone.get_by_role("button", name="Yes").click()
            expect(phone.get_by_text("Thanks!")).to_be_visible(timeout=30_000)
        phone.context.close()
    expect(
        presenter.get_by_test_id("stMetric").filter(has_text="Drawings").get_by_test_id("stMetricValue")
    ).to_have_text("12", timeout=30_000)
    presenter.screenshot(path=OUT / "wall.png", full_page=True)
    # The same room's wall on a smaller projector, in a dark room.
    small = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    small.goto(f"{url}/present?wall={code}")
    small.get_by_text("Dark room").click()
    small.get_by_text("Audience room").click()
    expect(small.get_by_test_id("stMetric").filter(has_text="Drawings").get_by_test_id("stMetricValue")).to_have_text(
        "12", timeout=30_000
    )
    small.wait_for_function("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    small.screenshot(path=OUT / "wall-1280x720-dark.png")
    small.context.close()
    presenter.context.close()

    phone = browser.new_context(**PHONE).new_page()  # no QR code at hand: the address and the code typed
    phone.goto(f"{url}/phone")
    phone.get_by_label("The room's code, as the wall shows it").fill(code.lower())
    phone.screenshot(path=OUT / "phone-join-code.png")
    phone.context.close()


if __name__ == "__main__":
    main()
