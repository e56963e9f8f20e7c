"""Strangers on a small instance: ``MNIST_PATH=... python -m bench.hosted_load [--trainers 5] [--json]``.

Five browser sessions press "Start training" (the Train page's defaults) at the same moment;
a sixth draws digits meanwhile and a seventh opens the Gallery. Measured: the peak resident
memory of the app's whole process tree (server + training children, sampled every 0.2 s from
/proc) against the memory budget, the drawing session's stroke -> answer times, each training
visitor's wait before their run started and until it finished, and the Gallery's load time.

``--app-root DIR`` runs another checkout of the app (e.g. an older commit in a git worktree),
so before and after are measured by the same script.
"""

import argparse
import asyncio
import tempfile
import threading
import time
from pathlib import Path

from playwright.async_api import async_playwright, expect

from bench.common import percentile_ms, print_json, print_table
from model.hosting.memory import process_tree_mb
from model.hosting.settings import limits
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    follow_training,
    mouse_actions,
    press_clear_async,
    streamlit_server,
)
from tests.support.drawings import strokes_in_box

LONG_MS = 900_000


class MemoryPeak:
    """Samples the process tree's resident memory in a thread until stopped."""

    def __init__(self, pid, every=0.2):
        self.pid, self.every, self.peak_mb, self._stop = pid, every, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self):
        while not self._stop.wait(self.every):
            self.peak_mb = max(self.peak_mb, process_tree_mb(self.pid) or 0.0)


async def new_page(browser, url):
    page = await (await browser.new_context(viewport={"width": 1300, "height": 950})).new_page()
    await page.goto(url, timeout=LONG_MS)
    return page


async def trainer(browser, url, start_together, results):
    page = await new_page(browser, url)
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    start = page.get_by_role("button", name="Start training")
    await expect(start).to_be_enabled(timeout=LONG_MS)
    await start_together.wait()
    await start.click()
    pressed = time.perf_counter()
    result = await follow_training(page, pressed, LONG_MS / 1000)
    results.append(result)
    await page.close()


async def drawer(browser, url, digits, results):
    page = await new_page(browser, url)
    await expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=LONG_MS)
    value = page.get_by_test_id("stMetric").filter(has_text="Prediction").get_by_test_id("stMetricValue")
    for index in range(digits):
        digit = index % 10
        box = await page.locator("canvas.upper-canvas").first.bounding_box()
        for action in mouse_actions(box, strokes_in_box(digit, 50, 40, 190), steps=4):
            await (
                page.mouse.move(*action[1:3], steps=action[3])
                if action[0] == "move"
                else getattr(page.mouse, action[0])()
            )
        lifted = time.perf_counter()
        try:
            await expect(value).to_have_text(str(digit), timeout=60_000)
            results.append(time.perf_counter() - lifted)
        except AssertionError:
            results.append(None)
        await press_clear_async(page)
        await expect(value).to_have_count(0, timeout=60_000)
        await asyncio.sleep(2)  # a person looks at the answer before drawing the next digit
    await page.close()


async def gallery_visitor(browser, url, start_together, results):
    page = await new_page(browser, url)
    await start_together.wait()
    await asyncio.sleep(3)  # arrives just after the trainings were asked for
    opened = time.perf_counter()
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name="Gallery", exact=True).click()
    try:
        await expect(page.get_by_test_id("stImage")).to_have_count(2, timeout=180_000)
        results.append(time.perf_counter() - opened)
    except AssertionError:
        results.append(None)
    await page.close()


async def scenario(url, trainers, digits):
    trainings, answers, gallery = [], [], []
    start_together = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        tasks = [asyncio.create_task(trainer(browser, url, start_together, trainings)) for _ in range(trainers)]
        tasks.append(asyncio.create_task(gallery_visitor(browser, url, start_together, gallery)))
        await asyncio.sleep(20)  # every trainer's page is open and its button enabled
        start_together.set()
        tasks.append(asyncio.create_task(drawer(browser, url, digits, answers)))
        await asyncio.gather(*tasks)
        await browser.close()
    return trainings, answers, gallery


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trainers", type=int, default=5)
    parser.add_argument("--digits", type=int, default=20)
    parser.add_argument("--app-root", default=str(ROOT))
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "server.log"
        server_context = streamlit_server(log, extra_env={"DIGITS_RUNS_DIR": scratch}, root=arguments.app_root)
        with server_context as (url, server), MemoryPeak(server.pid) as memory:
            trainings, answers, gallery = asyncio.run(scenario(url, arguments.trainers, arguments.digits))
        tracebacks = log.read_text().count("Traceback")
    answered = [seconds for seconds in answers if seconds is not None]
    result = {
        "app_root": arguments.app_root,
        "budget_mb": limits().memory_budget_mb,
        "peak_tree_mb": round(memory.peak_mb),
        "answers": f"{len(answered)}/{len(answers)}",
        "answer_p50_ms": percentile_ms(answered, 50) if answered else None,
        "answer_p95_ms": percentile_ms(answered, 95) if answered else None,
        "gallery_s": gallery[0],
        "trainings": sorted(trainings, key=lambda run: run["finished_after_s"] or 1e9),
        "server_tracebacks": tracebacks,
    }
    if arguments.json:
        print_json(result)
        return
    rows = [
        [
            f"visitor {index + 1}",
            "yes" if run["saw_queue"] else "no",
            f"{run['started_after_s']:.0f}" if run["started_after_s"] is not None else "-",
            f"{run['finished_after_s']:.0f}" if run["finished_after_s"] is not None else "did not finish",
        ]
        for index, run in enumerate(result["trainings"])
    ]
    print_table(
        f"{arguments.trainers} visitors press Start at once ({arguments.app_root})",
        ["who", "saw the queue", "bar moving after s", "model ready after s"],
        rows,
    )
    print(
        f"peak resident memory of the app's process tree: {result['peak_tree_mb']} MB "
        f"(budget {result['budget_mb']:.0f} MB)"
    )
    print(
        f"drawing meanwhile: {result['answers']} answered, "
        f"p50 {result['answer_p50_ms']:.0f} ms, p95 {result['answer_p95_ms']:.0f} ms"
        if answered
        else f"drawing meanwhile: {result['answers']} answered"
    )
    print(f"gallery opened in {gallery[0]:.1f} s" if gallery[0] else "gallery did not open within 180 s")
    print(f"tracebacks in the server log: {tracebacks}")


if __name__ == "__main__":
    main()
