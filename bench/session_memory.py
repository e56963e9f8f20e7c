"""Server memory as visitors come and go: ``python -m bench.session_memory [--sessions 40 100] [--json]``.

One ``streamlit run app.py`` and headless Chromium. Each visitor is a page of its own (its own
Streamlit session) that walks through the app as a newcomer does: draws a digit and waits for
the answer, opens the Gallery (its grid on screen) and the Train page, comes back to Draw, and
stays open. The server's resident memory (with its children) is read after the first visit has come
and gone ("0 sessions"), with each number of visitors open, and after all of them have left and
their sessions have ended (Streamlit keeps a closed tab's session for
``server.disconnectedSessionTTL`` seconds, set short here). ``--rounds 2`` sends a second crowd
after the first has left: what stays is reused or grows again. ``--root`` measures another checkout.
"""

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect

from bench.common import print_json, print_table
from model.hosting.memory import process_tree_mb
from tests.support.browser import ROOT, chromium, draw_strokes, streamlit_server
from tests.support.drawings import strokes_in_box

SESSION_TTL_S = 10


def visit(context, url, digit):
    page = context.new_page()
    page.goto(url)
    expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=120_000)
    draw_strokes(page, strokes_in_box(digit, 50, 40, 190))
    answer = page.get_by_test_id("stMetric").filter(has_text="Prediction").get_by_test_id("stMetricValue")
    expect(answer).to_be_visible(timeout=120_000)
    navigation = page.get_by_test_id("stSidebarNav")
    navigation.get_by_role("link", name="Gallery", exact=True).click()
    expect(page.get_by_test_id("stMain").get_by_test_id("stImage").first).to_be_visible(timeout=120_000)
    navigation.get_by_role("link", name="Train", exact=True).click()
    expect(page.get_by_role("button", name="Start training")).to_be_visible(timeout=120_000)
    navigation.get_by_role("link", name="Draw", exact=True).click()
    expect(answer).to_be_visible(timeout=120_000)  # the drawing is kept across the visit
    return page


def settled_mb(pid, seconds):
    """Resident MB after ``seconds`` of quiet: the ended sessions' clean-up and the server's
    periodic work have had their turn. Sampled once a second; the last sample is reported."""
    deadline = time.monotonic() + seconds
    memory = process_tree_mb(pid)
    while time.monotonic() < deadline:
        time.sleep(1)  # sampling a figure over a fixed quiet period
        memory = process_tree_mb(pid)
    return memory


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[40, 100])
    parser.add_argument("--settle", type=float, default=SESSION_TTL_S + 75, help="seconds to wait after leaving")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to run (default: this one)")
    parser.add_argument("--rounds", type=int, default=1, help="crowds that come and go, one after another")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    environment = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL_S)}
    rows = []
    with tempfile.TemporaryDirectory() as scratch, chromium() as browser:
        environment["DIGITS_RUNS_DIR"] = scratch
        log = Path(scratch) / "server.log"
        with streamlit_server(log, extra_env=environment, root=arguments.root) as (url, server):
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            visit(context, url, 0).close()  # loads TensorFlow and the model
            rows.append(("0 sessions (after the first visit left)", settled_mb(server.pid, arguments.settle)))
            for round_number in range(1, arguments.rounds + 1):
                pages = []
                for count in sorted(arguments.sessions):
                    while len(pages) < count:
                        pages.append(visit(context, url, len(pages) % 10))
                    rows.append((f"round {round_number}: {count} sessions open", settled_mb(server.pid, 5)))
                for page in pages:
                    page.close()
                after = settled_mb(server.pid, arguments.settle)
                rows.append((f"round {round_number}: all {len(pages)} left, {arguments.settle:.0f} s later", after))
            context.close()
    result = {"memory_mb": dict(rows), "root": str(arguments.root)}
    if arguments.json:
        print_json(result)
        return
    print_table(
        "Server memory as visitors come and go", ["moment", "resident MB"], [(m, f"{mb:.0f}") for m, mb in rows]
    )


if __name__ == "__main__":
    main()
