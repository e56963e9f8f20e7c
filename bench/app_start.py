"""App start-up and memory: ``python -m bench.app_start [--starts 5] [--json]``.

Cold start: from launching ``streamlit run app.py`` to the Draw page's canvas visible in
headless Chromium (median of several starts, each a new server process). Memory: the server's
resident set after 20 drawings have each been read (a Prediction shown).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect

from bench.common import print_json, print_table
from tests.support.browser import chromium, clear_canvas, draw_strokes, streamlit_server
from tests.support.drawings import strokes_in_box


def resident_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def one_start(browser, scratch, predictions=0):
    started = time.perf_counter()
    with streamlit_server(Path(scratch) / "start.log", extra_env={"DIGITS_RUNS_DIR": scratch}) as (url, server):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=120_000)
        canvas_seconds = time.perf_counter() - started
        for index in range(predictions):
            digit = index % 10
            draw_strokes(page, strokes_in_box(digit, 40 + index % 3 * 10, 40, 190))
            value = page.get_by_test_id("stMetric").filter(has_text="Prediction").get_by_test_id("stMetricValue")
            expect(value).to_be_visible(timeout=60_000)
            clear_canvas(page, timeout_ms=60_000)
        memory = resident_mb(server.pid)
        page.close()
    return canvas_seconds, memory


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, chromium() as browser:
        one_start(browser, scratch)  # the first start also fills the disk cache; not counted
        starts = [one_start(browser, scratch)[0] for _ in range(arguments.starts)]
        _, memory = one_start(browser, scratch, predictions=20)
    result = {"start_median_s": statistics.median(starts), "starts_s": starts, "rss_after_20_predictions_mb": memory}
    if arguments.json:
        print_json(result)
        return
    print_table(
        "App start and memory",
        ["measure", "value", "goal"],
        [
            [f"launch -> canvas visible, median of {len(starts)}", f"{result['start_median_s']:.2f} s", "<= 6 s"],
            ["  each start", " ".join(f"{s:.2f}" for s in starts), ""],
            ["server resident memory after 20 predictions", f"{memory:.0f} MB", "<= 800 MB"],
        ],
    )


if __name__ == "__main__":
    main()
