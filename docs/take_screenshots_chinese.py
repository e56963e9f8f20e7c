"""Screenshots of the Chinese interface: ``python -m docs.take_screenshots_chinese``.

Browsers whose language is Simplified Chinese (``Accept-Language: zh-CN``) at a laptop's 1400x900:
Draw with a digit and "why", Gallery, Train after a short training; the Present page at 1920x1080
with a digit and its slide; an audience room's wall at 1920x1080 filled by six Chinese phones;
a phone (390x844, touch) in the room. Written to docs/screenshots/*-zh.png.
"""

import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from model.language import CHINESE, _, using
from tests.support.browser import PHONE, ROOT, chromium, draw_strokes, streamlit_server, touch_strokes
from tests.support.drawings import strokes_in_box

OUT = ROOT / "docs" / "screenshots"


def chinese(message: str) -> str:
    with using(CHINESE):
        return _(message)


def laptop_pages(browser, url):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900}).new_page()
    page.goto(url)
    expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
    draw_strokes(page, strokes_in_box(4, 70, 50, 180))
    expect(page.get_by_test_id("stMetric").filter(has_text=chinese("Prediction"))).to_be_visible(timeout=30_000)
    page.get_by_text(chinese("Why? Show which pixels drove it")).click()
    expect(page.get_by_text(chinese("Red pushed towards {digit}, blue against").format(digit=4))).to_be_visible(
        timeout=30_000
    )
    page.screenshot(path=OUT / "draw-zh.png")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name=chinese("Gallery"), exact=True).click()
    expect(page.get_by_test_id("stImage")).to_have_count(2, timeout=120_000)
    page.screenshot(path=OUT / "gallery-zh.png")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name=chinese("Train"), exact=True).click()
    page.get_by_role("button", name=chinese("Start training")).click()
    expect(page.get_by_role("button", name=chinese("Use this model"))).to_be_visible(timeout=300_000)
    page.screenshot(path=OUT / "train-zh.png")
    page.context.close()


def present_and_room(browser, url):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = page.new_page()
    page.goto(f"{url}/present")
    expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
    box = page.locator("canvas.upper-canvas").first.bounding_box()
    scale = box["width"] / 420
    draw_strokes(page, [[(x * scale, y * scale) for x, y in stroke] for stroke in strokes_in_box(3, 90, 60, 300)])
    expect(page.get_by_test_id("big-answer")).to_have_text("3", timeout=30_000)
    slide_button = page.get_by_role("button", name=chinese("Download slide (PNG)"))
    expect(slide_button).to_be_visible(timeout=30_000)
    page.screenshot(path=OUT / "present-1920x1080-zh.png")
    with page.expect_download() as download:
        slide_button.click()
    download.value.save_as(OUT / "slide-zh.png")

    page.get_by_text(chinese("Audience room")).click()
    page.get_by_role("button", name=chinese("Open a room")).click()
    link = page.get_by_text(re.compile(r"/phone/")).first
    expect(link).to_be_visible(timeout=30_000)
    code = re.search(r"/phone/([A-Z0-9]+)", link.inner_text()).group(1)
    send = chinese("Send to the wall")
    for index, digit in enumerate([7, 3, 1, 0, 2, 6]):
        phone = browser.new_context(locale="zh-CN", **PHONE).new_page()
        phone.goto(f"{url}/phone/{code}")
        expect(phone.locator("#canvas")).to_be_visible(timeout=60_000)
        touch_strokes(phone, strokes_in_box(digit, 40, 30, 220), canvas="#canvas")
        phone.get_by_role("button", name=send).click()
        expect(phone.get_by_role("button", name=chinese("Yes"))).to_be_visible(timeout=30_000)
        if index == 0:
            phone.screenshot(path=OUT / "phone-room-zh.png")
        phone.context.close()
    drawings = page.get_by_test_id("stMetric").filter(has_text=chinese("Drawings"))
    expect(drawings.get_by_test_id("stMetricValue")).to_have_text("6", timeout=30_000)
    page.wait_for_function("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    page.screenshot(path=OUT / "wall-zh.png")
    page.context.close()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "streamlit.log"
        environment = {"DIGITS_RUNS_DIR": scratch, "DIGITS_DATA_DIR": scratch, "DIGITS_ROOM_RATE_COUNT": "100"}
        with streamlit_server(log, extra_env=environment) as (url, _server), chromium() as browser:
            present_and_room(browser, url)
            laptop_pages(browser, url)
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*-zh.png')))} to {OUT}")


if __name__ == "__main__":
    main()
