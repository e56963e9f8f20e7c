"""Start ``streamlit run app.py`` on a loopback port and Debian's Chromium, for the browser tests,
the screenshots and the benchmarks. Every wait is on a condition with a deadline."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    log_path, extra_env=None, start_timeout=90, root=ROOT, port=None, script="app.py", address="127.0.0.1"
):
    """Yield the base URL of a fresh app server (``script`` in ``root``); stop it afterwards. It
    listens on ``address`` only (loopback), or on every interface when ``address`` is None, as a
    plain ``streamlit run app.py`` on a laptop does."""
    port = port or free_port()
    environment = {**os.environ, **(extra_env or {})}
    listen = [] if address is None else ["--server.address", address]
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(port),
                *listen,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
        )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", server, start_timeout)
            yield f"http://127.0.0.1:{port}", server
        finally:
            stop_process(server)


def stop_process(process, grace_seconds=20):
    """Terminate, wait a little, then kill: a server never outlives its test or benchmark."""
    process.terminate()
    try:
        process.wait(grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()


async def follow_training(page, pressed, limit_seconds):
    """After Start was pressed (at ``pressed``, perf_counter seconds), watch the Train page as a
    person would: whether it said "in line", when its bar moved, when its model was ready."""
    import asyncio

    result = {"saw_queue": False, "started_after_s": None, "finished_after_s": None}
    in_line, bar = page.get_by_text(" in line"), page.get_by_test_id("stProgress")
    done = page.get_by_role("button", name="Use this model")
    while time.perf_counter() - pressed < limit_seconds:
        result["saw_queue"] = result["saw_queue"] or bool(await in_line.count())
        if result["started_after_s"] is None and await bar.count():
            result["started_after_s"] = time.perf_counter() - pressed
        if await done.count():
            result["finished_after_s"] = time.perf_counter() - pressed
            break
        await asyncio.sleep(0.25)  # sampling what the page shows, as a watching person would
    return result


def wait_until_healthy(url, server, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling a health endpoint: the condition is re-checked each time
    raise TimeoutError(f"the app at {url} was not healthy after {timeout} s")


@contextlib.contextmanager
def app_and_browser(folder, extra_env=None):
    """The app on a loopback port and Chromium, for a module's browser tests: yields (url,
    browser); afterwards, the server's log must hold no traceback."""
    environment = {"DIGITS_RUNS_DIR": str(folder / "runs"), "DIGITS_DATA_DIR": str(folder / "data")}
    log = folder / "streamlit.log"
    with streamlit_server(log, extra_env={**environment, **(extra_env or {})}) as (url, _), chromium() as browser:
        yield url, browser
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def mouse_actions(box, strokes, steps):
    """Strokes (canvas pixel coordinates) as the mouse calls that draw them on a surface at
    ``box``: ("move", x, y, steps), ("down",), ("up",). Shared by the sync and async replays."""
    for stroke in strokes:
        x, y = stroke[0]
        yield ("move", box["x"] + x, box["y"] + y, 1)
        yield ("down",)
        for x, y in stroke[1:]:
            yield ("move", box["x"] + x, box["y"] + y, steps)
        yield ("up",)


STREAMLIT_CANVAS = "canvas.upper-canvas"


def until_the_canvas_takes_them(page, replay, attempts=3):
    """Run ``replay`` (it draws the strokes) on the Streamlit canvas, again if the canvas took none
    of them. A canvas just mounted (after Clear, or a page change) ignores input until it has
    loaded its initial drawing; a stroke in that moment is lost, for a person as for a test, and
    the person draws again. The canvas has taken a stroke once its Undo is enabled."""
    from playwright.sync_api import expect

    undo = page.get_by_role("button", name="Undo").first
    for _ in range(attempts):
        replay(page.locator(STREAMLIT_CANVAS).first.bounding_box())
        try:
            expect(undo).to_be_enabled(timeout=3_000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the canvas took none of the strokes in {attempts} attempts")


def draw_strokes(page, strokes, steps=6, attempts=3):
    """Replay strokes with the mouse on the Streamlit canvas (Playwright's sync API), again if
    it took none of them (``until_the_canvas_takes_them``)."""

    def replay(box):
        for action in mouse_actions(box, strokes, steps):
            if action[0] == "move":
                page.mouse.move(action[1], action[2], steps=action[3])
            else:
                getattr(page.mouse, action[0])()

    until_the_canvas_takes_them(page, replay, attempts)


def canvas_key(page):
    """The widget key of the canvas on the page: each Clear starts a new canvas, with a new key."""
    return page.locator('[class*="st-key-canvas-"]').first.evaluate(
        "element => element.className.match(/st-key-(canvas-\\S+)/)[1]"
    )


def press_clear(page, timeout_ms=30_000):
    """Press Clear and wait until the new, empty canvas has taken the old one's place."""
    from playwright.sync_api import expect

    before = canvas_key(page)
    page.get_by_role("button", name="Clear").click()
    expect(page.locator(f".st-key-{before}")).to_have_count(0, timeout=timeout_ms)
    expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=timeout_ms)


async def press_clear_async(page, timeout_ms=30_000):
    """``press_clear`` for Playwright's async API (the benchmarks' many browsers)."""
    from playwright.async_api import expect

    before = await page.locator('[class*="st-key-canvas-"]').first.evaluate(
        "element => element.className.match(/st-key-(canvas-\\S+)/)[1]"
    )
    await page.get_by_role("button", name="Clear").click()
    await expect(page.locator(f".st-key-{before}")).to_have_count(0, timeout=timeout_ms)
    await expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=timeout_ms)


def clear_canvas(page, timeout_ms=30_000):
    """Press Clear and wait until the page shows no reading any more (the canvas is empty)."""
    from playwright.sync_api import expect

    press_clear(page, timeout_ms)
    readings = page.get_by_test_id("stMetric").filter(has_text=re.compile("Prediction|Number"))
    expect(readings).to_have_count(0, timeout=timeout_ms)


def touch_strokes(page, strokes, steps=4, canvas=STREAMLIT_CANVAS, attempts=3):
    """Replay strokes with a finger: touch events through Chromium's DevTools protocol
    (Input.dispatchTouchEvent), as a phone's touch screen sends them. Needs a has_touch context.
    ``canvas``: the Streamlit canvas by default, replayed again if it took none of the strokes
    (``until_the_canvas_takes_them``); ``"#canvas"`` on the phone page (/phone/CODE), which
    takes input as soon as it is shown."""
    if canvas == STREAMLIT_CANVAS:
        until_the_canvas_takes_them(page, lambda box: touch_replay(page, box, strokes, steps), attempts)
    else:
        touch_replay(page, page.locator(canvas).first.bounding_box(), strokes, steps)


def touch_replay(page, box, strokes, steps):
    """The touch events of ``strokes`` (canvas pixel coordinates) on a surface at ``box``."""
    session = page.context.new_cdp_session(page)
    try:
        for stroke in strokes:
            points = [(box["x"] + x, box["y"] + y) for x, y in stroke]
            session.send(
                "Input.dispatchTouchEvent",
                {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]},
            )
            for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
                for step in range(1, steps + 1):  # intermediate points, as a moving finger reports them
                    x, y = x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps
                    session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
            session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        session.detach()


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "has_touch": True,
    "is_mobile": True,
    "device_scale_factor": 3,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0 Mobile Safari/537.36",
}
