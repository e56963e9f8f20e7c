"""The Inside page's cost: ``python -m bench.inside [--digits 12] [--rounds 12] [--json]``.

One app server and one bare canvas app (bench/bare_canvas_app.py), driven by headless Chromium:

1. Memory: the server's resident memory with the Draw page in use, then after the Inside page was
   opened and drawn on (the tutorials' networks, the map, the favourite test digits load then),
   then after every network in its picker was looked inside (each one's tracer and favourites).
2. Server CPU per drawn digit on the Draw page and on the Inside page, the same digits in this run.
3. Stroke -> answer: pen-up to the Inside page's answer (its "Prediction" metric, at the top as on
   the Draw page), and to its last part on screen (the map's eight neighbours), against the bare
   canvas app, alternately.
"""

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright, expect

from bench.capacity import SHOWS, app_and_bare_canvas, cpu_seconds, draw, one_digit, open_canvas
from bench.common import percentile_ms, print_json, print_table
from model.hosting.memory import resident_mb
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, press_clear_async
from tests.support.drawings import strokes_in_box

DIGITS = (0, 1, 2, 3, 6, 7)  # single strokes, as in bench/capacity.py
INSIDE_SHOWS = """digit => {
    const reading = document.querySelector('.contender-shipped-model .reads');
    const neighbours = document.querySelectorAll('.gallery-neighbours img').length;
    return reading !== null && reading.innerText.trim() === digit && neighbours === 8;
}"""
INSIDE_GONE = "() => document.querySelectorAll('.gallery-neighbours img').length === 0"


async def inside_digit(page, digit):
    """Draw on the Inside page, time pen-up -> its answer and -> its last part, clear. Seconds
    (answer, whole page), None where the right digit never came."""
    await draw(page, strokes_in_box(digit, 50 + digit * 3, 40, 190))
    clock = asyncio.get_running_loop().time
    started, answer, whole = clock(), None, None
    try:
        await page.wait_for_function(SHOWS, arg=str(digit), polling="raf", timeout=120_000)
        answer = clock() - started
        await page.wait_for_function(INSIDE_SHOWS, arg=str(digit), polling="raf", timeout=120_000)
        whole = clock() - started
    except Exception:
        pass
    await press_clear_async(page)
    await page.wait_for_function(INSIDE_GONE, polling="raf", timeout=30_000)
    return answer, whole


async def every_network(page):
    """Choose each network of the picker in turn, with a drawing on the canvas."""
    await draw(page, strokes_in_box(7, 50, 40, 190))
    await page.wait_for_function(INSIDE_SHOWS, arg="7", polling="raf", timeout=120_000)
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Network to look inside")
    await picker.click()
    labels = [label.strip() for label in await page.get_by_role("option").all_inner_texts()]
    await page.keyboard.press("Escape")
    for label in labels:
        await picker.click()
        await page.get_by_role("option", name=label, exact=True).click()
        await expect(page.get_by_role("heading", name=f"1 · Layer by layer: {label}")).to_be_visible(timeout=120_000)
        await expect(page.locator(".gallery-neighbours img")).to_have_count(8, timeout=120_000)
    await press_clear_async(page)
    return labels


async def measure(app_url, bare_url, pid, digits, rounds):
    result = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        draw_page = await open_canvas(browser, app_url)
        for digit in DIGITS:  # warm-up: the model traced, the Gallery's first grid drawn
            await one_digit(draw_page, digit, str(digit))
        result["rss_draw_in_use_mb"] = round(resident_mb(pid))
        before = cpu_seconds(pid)
        for index in range(digits):
            await one_digit(draw_page, DIGITS[index % len(DIGITS)], str(DIGITS[index % len(DIGITS)]))
        result["draw_cpu_ms_per_digit"] = round((cpu_seconds(pid) - before) * 1000 / digits, 1)

        inside_page = await open_canvas(browser, f"{app_url}/inside")
        for digit in DIGITS:  # the first visit loads the tutorials, the map and the favourites
            await inside_digit(inside_page, digit)
        result["rss_inside_opened_mb"] = round(resident_mb(pid))
        before = cpu_seconds(pid)
        answered = 0
        for index in range(digits):
            answered += (await inside_digit(inside_page, DIGITS[index % len(DIGITS)]))[1] is not None
        result["inside_cpu_ms_per_digit"] = round((cpu_seconds(pid) - before) * 1000 / digits, 1)
        result["inside_digits_answered"] = f"{answered}/{digits}"

        bare_page = await open_canvas(browser, bare_url)
        answer_times, page_times, bare_times = [], [], []
        for index in range(rounds):  # alternately, so both see the same machine
            digit = DIGITS[index % len(DIGITS)]
            answer, whole = await inside_digit(inside_page, digit)
            answer_times.append(answer)
            page_times.append(whole)
            bare_times.append(await one_digit(bare_page, digit, "1", clear_button=False))
        answer_times, page_times = [t for t in answer_times if t], [t for t in page_times if t]
        bare_times = [t for t in bare_times if t]
        result.update(
            {
                "inside_answer_p50_ms": round(percentile_ms(answer_times, 50)),
                "inside_whole_page_p50_ms": round(percentile_ms(page_times, 50)),
                "bare_p50_ms": round(percentile_ms(bare_times, 50)),
                "inside_answer_p95_ms": round(percentile_ms(answer_times, 95)),
                "inside_whole_page_p95_ms": round(percentile_ms(page_times, 95)),
                "answer_ratio_p50": round(statistics.median(answer_times) / statistics.median(bare_times), 2),
                "whole_page_ratio_p50": round(statistics.median(page_times) / statistics.median(bare_times), 2),
            }
        )
        result["networks_looked_inside"] = len(await every_network(inside_page))
        result["rss_every_network_mb"] = round(resident_mb(pid))
        await browser.close()
    result["cpu_ratio_inside_to_draw"] = round(result["inside_cpu_ms_per_digit"] / result["draw_cpu_ms_per_digit"], 2)
    result["added_by_inside_mb"] = result["rss_every_network_mb"] - result["rss_draw_in_use_mb"]
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--digits", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=12, help="stroke -> answer measurements per app")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        with app_and_bare_canvas(Path(scratch)) as (url, server, bare_url):
            result = asyncio.run(measure(url, bare_url, server.pid, arguments.digits, arguments.rounds))
        log = (Path(scratch) / "app.log").read_text()
        result["tracebacks_in_log"] = log.count("Traceback")
    if arguments.json:
        print_json(result)
        return
    print_table("The Inside page's cost", ["measure", "value"], [[key, value] for key, value in result.items()])


if __name__ == "__main__":
    main()
