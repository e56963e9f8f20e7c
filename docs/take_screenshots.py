"""Write screenshots of every page to docs/screenshots/: ``python -m docs.take_screenshots``.

Starts the app on a loopback port, draws a digit and a number with the mouse in headless
Chromium, opens the gallery and runs a short training, saving one PNG per view.
"""

import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.support.browser import ROOT, chromium, clear_canvas, draw_strokes, streamlit_server
from tests.support.drawings import strokes_in_box

OUT = ROOT / "docs" / "screenshots"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "streamlit.log"
        with streamlit_server(log, extra_env={"DIGITS_RUNS_DIR": scratch}) as (url, _), chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1250})
            page.goto(url)
            expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
            draw_strokes(page, strokes_in_box(4, 70, 50, 180))
            metric = page.get_by_test_id("stMetric").filter(has_text="Prediction")
            expect(metric).to_be_visible(timeout=30_000)
            page.get_by_text("Why? Show which pixels").click()
            expect(page.get_by_text("Red pushed towards")).to_be_visible(timeout=30_000)
            page.screenshot(path=OUT / "draw.png", full_page=True)

            clear_canvas(page)
            page.get_by_test_id("stButtonGroup").get_by_text("A number").click()
            expect(page.get_by_text("Write a number")).to_be_visible(timeout=30_000)
            expect(page.locator("canvas.upper-canvas")).to_have_count(1, timeout=30_000)
            expect(page.locator("canvas.upper-canvas")).to_have_attribute("width", "560", timeout=30_000)
            strokes = []
            for position, digit in enumerate([2, 0, 2, 6]):
                strokes += strokes_in_box(digit, 20 + position * 135, 60, 160)
            draw_strokes(page, strokes)
            expect(page.get_by_test_id("stMetric").filter(has_text="Number")).to_contain_text("2026", timeout=30_000)
            expect(page.get_by_test_id("stImage")).to_have_count(4, timeout=30_000)
            page.screenshot(path=OUT / "number.png", full_page=True)

            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Gallery", exact=True).click()
            expect(page.get_by_role("heading", name="Where it goes wrong")).to_be_visible(timeout=120_000)
            expect(page.get_by_test_id("stImage")).to_have_count(2, timeout=120_000)
            page.screenshot(path=OUT / "gallery.png", full_page=True)

            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
            page.get_by_role("button", name="Start training").click()
            expect(page.get_by_role("button", name="Use this model")).to_be_visible(timeout=300_000)
            page.screenshot(path=OUT / "train.png", full_page=True)
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))} to {OUT}")


if __name__ == "__main__":
    main()
