"""Ten people at once: ``python -m bench.concurrent_users [--users 10] [--digits 5] [--json]``.

Part 1: ten Chromium sessions against one server, each drawing several digits with the mouse.
Every drawing must get its prediction, the server log must hold no error, and the time from the
stroke's end to the answer is reported (p50/p95).
Part 2: two sessions train at the same time while the others draw: both trainings finish, the
drawing sessions keep answering, and the shipped model file is unchanged (SHA-256).
"""

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from playwright.async_api import async_playwright, expect

from bench.common import percentile_ms, print_json, print_table
from model.storage import SHIPPED_MODEL_PATH, sha256_of_files
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, mouse_actions, press_clear_async, streamlit_server
from tests.support.drawings import strokes_in_box

TIMEOUT_MS = 120_000
ANSWER_TIMEOUT_MS = 60_000
# True once the page shows a Prediction metric. Checked on every animation frame, so the time
# is not rounded up to the polling steps of Playwright's expect (100, 250, 500, 1000 ms).
# A digit drawn in two strokes is read after each stroke; the answer that counts is the one to
# the whole drawing, so the wait is for the digit drawn (a misreading shows as a time-out).
PREDICTION_SHOWS = """digit => [...document.querySelectorAll('[data-testid="stMetric"]')]
    .some(metric => metric.innerText.includes('Prediction')
        && metric.querySelector('[data-testid="stMetricValue"]')?.innerText.trim() === digit)"""


async def draw(page, strokes):
    box = await page.locator("canvas.upper-canvas").first.bounding_box()
    for action in mouse_actions(box, strokes, steps=4):
        if action[0] == "move":
            await page.mouse.move(action[1], action[2], steps=action[3])
        else:
            await getattr(page.mouse, action[0])()


async def drawing_session(browser, url, user, digits, results):
    page = await (await browser.new_context(viewport={"width": 1300, "height": 950})).new_page()
    await page.goto(url)
    await expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=TIMEOUT_MS)
    metric = page.get_by_test_id("stMetric").filter(has_text="Prediction")
    for index in range(digits):
        digit = (user * 3 + index) % 10
        await draw(page, strokes_in_box(digit, 40 + (user * 13) % 40, 40, 190))
        stroke_end = time.perf_counter()
        try:
            await page.wait_for_function(PREDICTION_SHOWS, arg=str(digit), polling="raf", timeout=ANSWER_TIMEOUT_MS)
            answered = time.perf_counter() - stroke_end
            read = await metric.get_by_test_id("stMetricValue").inner_text()
            results.append({"user": user, "digit": digit, "read": read.strip(), "seconds": answered})
        except PlaywrightTimeoutError:  # no answer, or another digit: record what is shown
            shown = await metric.get_by_test_id("stMetricValue").all_inner_texts()
            results.append({"user": user, "digit": digit, "read": shown[0].strip() if shown else None, "seconds": None})
        await press_clear_async(page)
        try:
            await expect(metric).to_have_count(0, timeout=TIMEOUT_MS)
        except AssertionError:
            results[-1]["clear_failed"] = True
            await page.screenshot(path=f"/tmp/clear-failed-{user}-{index}.png")
            break
    await page.close()


async def training_session(browser, url, results):
    page = await (await browser.new_context(viewport={"width": 1300, "height": 950})).new_page()
    await page.goto(url)
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    await page.get_by_role("button", name="Start training").click(timeout=TIMEOUT_MS)
    started = time.perf_counter()
    try:
        await expect(page.get_by_role("button", name="Use this model")).to_be_visible(timeout=600_000)
        results.append({"finished": True, "seconds": time.perf_counter() - started})
    except AssertionError:
        results.append({"finished": False, "seconds": None})
    await page.close()


async def run(url, users, digits, trainers):
    drawings, trainings = [], []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        tasks = [drawing_session(browser, url, user, digits, drawings) for user in range(users)]
        tasks += [training_session(browser, url, trainings) for _ in range(trainers)]
        await asyncio.gather(*tasks)
        await browser.close()
    return drawings, trainings


def cpu_seconds(pid):
    """User + system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(part, server_pid):
    """Run one part; also return the wall time and the server's share of the machine's CPU."""
    started, cpu_before = time.perf_counter(), cpu_seconds(server_pid)
    outcome = asyncio.run(part)
    wall = time.perf_counter() - started
    share = (cpu_seconds(server_pid) - cpu_before) / (wall * os.cpu_count())
    return outcome, {"wall_s": round(wall, 1), "server_cpu_share": round(share, 3)}


def summarise(drawings):
    answered = [d for d in drawings if d["seconds"] is not None]
    seconds = [d["seconds"] for d in answered]
    return {
        "drawings": len(drawings),
        "answered": len(answered),
        "correct": sum(d["read"] == str(d["digit"]) for d in answered),
        "misread": sum(d["seconds"] is None and d["read"] is not None for d in drawings),
        "p50_ms": percentile_ms(seconds, 50) if seconds else None,
        "p95_ms": percentile_ms(seconds, 95) if seconds else None,
        "clears_failed": sum(bool(d.get("clear_failed")) for d in drawings),
    }


def log_errors(log_path):
    text = Path(log_path).read_text()
    return [line for line in text.splitlines() if "Traceback" in line or " ERROR " in line or "Exception" in line]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--digits", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    checksum_before = sha256_of_files([SHIPPED_MODEL_PATH])
    result = {}
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "server.log"
        with streamlit_server(log, extra_env={"DIGITS_RUNS_DIR": scratch}) as (url, server):
            (drawings, _), load = measured(run(url, 1, arguments.digits, trainers=0), server.pid)
            result["one_alone"] = {**summarise(drawings), **load}
            (drawings, _), load = measured(run(url, arguments.users, arguments.digits, trainers=0), server.pid)
            result["drawing_only"] = {**summarise(drawings), **load}
            (drawings, trainings), load = measured(
                run(url, arguments.users - 2, arguments.digits, trainers=2), server.pid
            )
            result["while_two_train"] = {**summarise(drawings), **load}
            result["trainings_finished"] = sum(t["finished"] for t in trainings)
            result["training_seconds"] = [t["seconds"] for t in trainings]
        result["server_errors"] = log_errors(log)
    result["shipped_model_unchanged"] = sha256_of_files([SHIPPED_MODEL_PATH]) == checksum_before
    if arguments.json:
        print_json(result)
        return
    rows = []
    labels = (
        ("1 drawing alone", "one_alone"),
        (f"{arguments.users} drawing", "drawing_only"),
        (f"{arguments.users - 2} drawing + 2 training", "while_two_train"),
    )
    for name, key in labels:
        part = result[key]
        rows.append(
            [
                name,
                f"{part['answered']}/{part['drawings']}",
                str(part["misread"]),
                f"{part['p50_ms']:.0f}" if part["p50_ms"] else "-",
                f"{part['p95_ms']:.0f}" if part["p95_ms"] else "-",
                f"{part['server_cpu_share']:.0%}",
            ]
        )
    print_table(
        "Last stroke's end -> the drawn digit shown as the Prediction, concurrent browser sessions",
        ["sessions", "right digit shown", "other digit shown", "p50 ms", "p95 ms", "server's CPU share"],
        rows,
    )
    print(
        f"clears that did not take effect within {TIMEOUT_MS // 1000} s: "
        f"{sum(result[key]['clears_failed'] for _, key in labels)}"
    )
    print(f"trainings finished: {result['trainings_finished']}/2 in {result['training_seconds']} s")
    print(
        f"server log errors: {len(result['server_errors'])}; "
        f"shipped model unchanged: {result['shipped_model_unchanged']}"
    )


if __name__ == "__main__":
    main()
