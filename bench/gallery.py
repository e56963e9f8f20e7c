"""How long a Gallery visit makes a talk wait: ``python -m bench.gallery [--visits 5] [--json]``.

In headless Chromium against ``streamlit run app.py`` (set MNIST_PATH for the full test set):
from the click on the Gallery link to the grid's image on screen, for the first visit of a warm
server and for later visits (back to Draw, then Gallery again); and from opening ``/gallery``
on a server just started (nobody visited it before) to the grid on screen.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect

from bench.common import print_json, print_table
from tests.support.browser import chromium, streamlit_server


def grid_on_screen(page):
    expect(page.get_by_test_id("stMetric").filter(has_text="Test accuracy")).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("stMain").get_by_test_id("stImage").first).to_be_visible(timeout=120_000)


def click_link(page, name):
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def warm_server_visits(browser, scratch, visits):
    """Seconds from each click on Gallery to its grid; the Draw page is opened (and ready) first."""
    with streamlit_server(Path(scratch) / "warm.log", extra_env={"DIGITS_RUNS_DIR": scratch}) as (url, _):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        expect(page.get_by_text("Active model", exact=True)).to_be_visible(timeout=120_000)
        seconds = []
        for _ in range(visits):
            clicked = time.perf_counter()
            click_link(page, "Gallery")
            grid_on_screen(page)
            seconds.append(time.perf_counter() - clicked)
            click_link(page, "Draw")
            expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=120_000)
        page.close()
    return seconds


def cold_server_visit(browser, scratch):
    """Seconds from opening /gallery on a server nobody has visited to its grid on screen."""
    with streamlit_server(Path(scratch) / "cold.log", extra_env={"DIGITS_RUNS_DIR": scratch}) as (url, _):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        opened = time.perf_counter()
        page.goto(f"{url}/gallery")
        grid_on_screen(page)
        seconds = time.perf_counter() - opened
        page.close()
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, chromium() as browser:
        visits = warm_server_visits(browser, scratch, arguments.visits)
        cold = cold_server_visit(browser, scratch)
    result = {
        "first_visit_s": visits[0],
        "later_visits_median_s": statistics.median(visits[1:]) if len(visits) > 1 else None,
        "visits_s": visits,
        "cold_server_straight_to_gallery_s": cold,
    }
    if arguments.json:
        print_json(result)
        return
    later = result["later_visits_median_s"]
    print_table(
        "Gallery: click -> grid on screen",
        ["measure", "value", "goal"],
        [
            ["first visit (server warm, Draw page opened first)", f"{visits[0]:.2f} s", "<= 1 s"],
            [f"later visits, median of {len(visits) - 1}", f"{later:.2f} s" if later else "-", "<= 1 s"],
            ["  each visit", " ".join(f"{s:.2f}" for s in visits), ""],
            ["a server just started, /gallery opened first", f"{cold:.2f} s", ""],
        ],
    )


if __name__ == "__main__":
    main()
