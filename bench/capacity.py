"""Server capacity: ``python -m bench.capacity [--digits 10] [--strokes 1000] [--json]``.

1. CPU per drawn digit: one browser session draws a digit, waits for the right answer, presses
   Clear and waits for the reading to go; the server process's CPU time (user + system, /proc)
   over ``--digits`` digits, divided by their number.
2. Stroke -> answer against the floor: the same single-stroke digits on the real app and on a
   bare Streamlit app holding only the same canvas (bench/bare_canvas_app.py), alternately, in
   this one run; the time from the pen lifting to the metric on screen, checked every frame.
3. Memory: the server's resident memory after 20 strokes and after ``--strokes`` (four sessions
   drawing and clearing), so a creep with Streamlit's after-run GC switched off would show.
4. Phone: a 390x844 touch screen, a 7 drawn with touch events; the answer must be on screen
   with the canvas, and the number canvas within the screen's width.
"""

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright, expect

from bench.common import percentile_ms, print_json, print_table
from model.hosting.memory import resident_mb
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    chromium,
    mouse_actions,
    press_clear_async,
    streamlit_server,
    touch_strokes,
)
from tests.support.drawings import strokes_in_box

SINGLE_STROKE_DIGITS = (0, 1, 2, 3, 6, 7)  # one stroke: the answer to the pen lifting is the answer
SHOWS = """digit => [...document.querySelectorAll('[data-testid="stMetric"]')]
    .some(metric => metric.innerText.includes('Prediction')
        && (digit === null || metric.querySelector('[data-testid="stMetricValue"]')?.innerText.trim() === digit))"""
GONE = """() => ![...document.querySelectorAll('[data-testid="stMetric"]')]
    .some(m => m.innerText.includes('Prediction'))"""


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    import os

    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def open_canvas(browser, url):
    page = await (await browser.new_context(viewport={"width": 1300, "height": 950})).new_page()
    await page.goto(url, timeout=120_000)
    await expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=120_000)
    return page


async def draw(page, strokes):
    box = await page.locator("canvas.upper-canvas").first.bounding_box()
    for action in mouse_actions(box, strokes, steps=4):
        await (
            page.mouse.move(*action[1:3], steps=action[3]) if action[0] == "move" else getattr(page.mouse, action[0])()
        )


async def one_digit(page, digit, expected, clear_button=True):
    """Draw, time pen-up -> answer, then clear. Returns seconds, or None if no right answer."""
    await draw(page, strokes_in_box(digit, 50 + digit * 3, 40, 190))
    lifted = time.perf_counter()
    try:
        await page.wait_for_function(SHOWS, arg=expected, polling="raf", timeout=30_000)
        seconds = time.perf_counter() - lifted
    except Exception:
        seconds = None
    if clear_button:
        await press_clear_async(page)
    else:
        await page.reload()
        await expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=60_000)
    await page.wait_for_function(GONE, polling="raf", timeout=30_000)
    return seconds


async def cpu_and_latency(app_url, bare_url, server_pid, digits, rounds):
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        app, bare = await open_canvas(browser, app_url), await open_canvas(browser, bare_url)
        for digit in SINGLE_STROKE_DIGITS:  # warm-up: first runs trace, load and allocate
            await one_digit(app, digit, str(digit))
        cpu_before = cpu_seconds(server_pid)
        answered = 0
        for index in range(digits):
            digit = SINGLE_STROKE_DIGITS[index % len(SINGLE_STROKE_DIGITS)]
            answered += await one_digit(app, digit, str(digit)) is not None
        cpu_per_digit = (cpu_seconds(server_pid) - cpu_before) / digits
        app_times, bare_times = [], []
        for index in range(rounds):  # alternately, so both see the same machine
            digit = SINGLE_STROKE_DIGITS[index % len(SINGLE_STROKE_DIGITS)]
            app_times.append(await one_digit(app, digit, str(digit)))
            bare_times.append(await one_digit(bare, digit, "1", clear_button=False))
        await browser.close()
    return cpu_per_digit, answered, [t for t in app_times if t], [t for t in bare_times if t]


async def strokes_memory(url, server_pid, strokes, sessions=4):
    """Resident memory after 20 strokes and after ``strokes`` in all."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        pages = [await open_canvas(browser, url) for _ in range(sessions)]
        done, after_20 = 0, None

        async def session(page, count):
            nonlocal done, after_20
            for index in range(count):
                digit = SINGLE_STROKE_DIGITS[index % len(SINGLE_STROKE_DIGITS)]
                await one_digit(page, digit, None)
                done += 1
                if after_20 is None and done >= 20:
                    after_20 = resident_mb(server_pid)

        await asyncio.gather(*(session(page, strokes // sessions) for page in pages))
        await browser.close()
    return after_20, resident_mb(server_pid)


def phone_check(url):
    with chromium() as browser:
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(url, timeout=120_000)
        canvas = page.locator("canvas.upper-canvas").first
        canvas.wait_for(timeout=120_000)
        canvas.scroll_into_view_if_needed()
        touch_strokes(page, strokes_in_box(7, 50, 40, 190))
        answer = page.get_by_role("heading", name="7 ·")
        answer.wait_for(timeout=30_000)
        canvas_box, answer_box = canvas.bounding_box(), answer.bounding_box()
        answer_on_screen = (
            answer_box["y"] + answer_box["height"] <= PHONE["viewport"]["height"] and canvas_box["y"] >= 0
        )
        page.get_by_test_id("stButtonGroup").get_by_text("A number").click()
        number_canvas = page.locator('[class*="st-key-canvas-340x280-"]')  # the phone's number canvas
        number_canvas.wait_for(timeout=30_000)
        number_box = number_canvas.locator("canvas.upper-canvas").first.bounding_box()
        context.close()
    return {
        "read_7_by_touch": True,
        "answer_y": round(answer_box["y"] + answer_box["height"]),
        "answer_on_screen_with_canvas": answer_on_screen,
        "number_canvas_right_edge": round(number_box["x"] + number_box["width"]),
        "screen": PHONE["viewport"],
    }


@contextlib.contextmanager
def app_and_bare_canvas(scratch):
    """The app and the bare canvas app (bench/bare_canvas_app.py), each its own server, logs in
    ``scratch``: (app URL, app server process, bare app URL)."""
    environment = {"DIGITS_RUNS_DIR": str(scratch)}
    with (
        streamlit_server(scratch / "app.log", extra_env=environment) as (url, server),
        streamlit_server(scratch / "bare.log", extra_env=environment, script="bench/bare_canvas_app.py") as (bare, _),
    ):
        yield url, server, bare


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--digits", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=18, help="stroke -> answer measurements per app")
    parser.add_argument("--strokes", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    result = {}
    with tempfile.TemporaryDirectory() as scratch, app_and_bare_canvas(Path(scratch)) as (url, server, bare_url):
        cpu, answered, app_times, bare_times = asyncio.run(
            cpu_and_latency(url, bare_url, server.pid, arguments.digits, arguments.rounds)
        )
        result.update(
            {
                "cpu_ms_per_digit": round(cpu * 1000, 1),
                "digits_answered": f"{answered}/{arguments.digits}",
                "digits_per_core_second": round(1 / cpu, 1) if cpu else None,
                "app_p50_ms": round(percentile_ms(app_times, 50)),
                "bare_p50_ms": round(percentile_ms(bare_times, 50)),
                "app_p95_ms": round(percentile_ms(app_times, 95)),
                "bare_p95_ms": round(percentile_ms(bare_times, 95)),
            }
        )
        result["ratio_p50"] = round(statistics.median(app_times) / statistics.median(bare_times), 2)
        result["phone"] = phone_check(url)
        if arguments.strokes:
            after_20, after_all = asyncio.run(strokes_memory(url, server.pid, arguments.strokes))
            result.update({"rss_after_20_mb": round(after_20), f"rss_after_{arguments.strokes}_mb": round(after_all)})
    if arguments.json:
        print_json(result)
        return
    print_table("Server capacity", ["measure", "value"], [[key, value] for key, value in result.items()])


if __name__ == "__main__":
    main()
