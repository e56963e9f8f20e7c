"""Two replicas behind HAProxy: ``MNIST_PATH=... python -m bench.replicas [--sessions 10] [--digits 3] [--json]``.

Starts two ``streamlit run app.py`` servers on loopback and HAProxy with deploy/haproxy.cfg in
front of them (round robin, then a SERVERID cookie keeps each browser on its replica). Ten
Chromium sessions open the balancer's address; each draws a few digits with the mouse, waits
until the ``Prediction`` metric shows the digit drawn, then presses Clear. At the same time one
more session opens the Train page through the balancer, presses Start training (the page's
defaults) and follows the run until "Use this model".

Measured: which replica served each session (the SERVERID cookie in its browser context), every
drawing answered with the right digit, stroke -> answer p50/p95 (from lifting the pen to the
digit on screen, polled by Playwright's ``expect``), the training's times, and each replica's
CPU seconds over the run from /proc/<pid>/stat: the server's own, and its finished training
processes' (cutime + cstime).
"""

import argparse
import asyncio
import contextlib
import os
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright, expect

from bench.common import percentile_ms, print_json, print_table
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    follow_training,
    mouse_actions,
    press_clear_async,
    streamlit_server,
)
from tests.support.drawings import strokes_in_box
from tests.support.haproxy import REPLICAS, haproxy_balancer

ANSWER_MS = 120_000
TRAINING_S = 900
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """(own, children) CPU seconds of a process. Children counts only the processes it has
    waited for: its finished training runs."""
    # Fields after the command name, which may hold spaces: split after its closing ")".
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    user, system, children_user, children_system = (int(value) for value in fields[11:15])
    return (user + system) / CLOCK_TICKS, (children_user + children_system) / CLOCK_TICKS


async def new_page(browser, url):
    page = await (await browser.new_context(viewport={"width": 1300, "height": 950})).new_page()
    await page.goto(url)
    return page


async def served_by(page):
    cookies = await page.context.cookies()
    return next((cookie["value"] for cookie in cookies if cookie["name"] == "SERVERID"), None)


async def draw(page, digit):
    box = await page.locator("canvas.upper-canvas").first.bounding_box()
    for action in mouse_actions(box, strokes_in_box(digit, 50, 40, 190), steps=4):
        await (
            page.mouse.move(*action[1:3], steps=action[3]) if action[0] == "move" else getattr(page.mouse, action[0])()
        )


async def drawer(browser, url, session, digits, results):
    """One person: draws ``digits`` digits, each answered (or not) within ANSWER_MS, then Clear."""
    page = await new_page(browser, url)
    await expect(page.locator("canvas.upper-canvas").first).to_be_visible(timeout=ANSWER_MS)
    value = page.get_by_test_id("stMetric").filter(has_text="Prediction").get_by_test_id("stMetricValue")
    answers = []
    for index in range(digits):
        digit = (session * digits + index) % 10  # the sessions together draw every digit
        await draw(page, digit)
        lifted = time.perf_counter()
        try:
            await expect(value).to_have_text(str(digit), timeout=ANSWER_MS)
            answers.append(time.perf_counter() - lifted)
        except AssertionError:
            answers.append(None)
        await press_clear_async(page)
        await expect(value).to_have_count(0, timeout=ANSWER_MS)
        await asyncio.sleep(2)  # a person looks at the answer before drawing the next digit
    results.append({"session": session + 1, "replica": await served_by(page), "answers": answers})
    await page.close()


async def trainer(browser, url, results):
    """One person on the Train page: Start with the defaults, watch the run to its end."""
    page = await new_page(browser, url)
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train", exact=True).click()
    start = page.get_by_role("button", name="Start training")
    await expect(start).to_be_enabled(timeout=ANSWER_MS)
    await start.click()
    pressed = time.perf_counter()
    result = {"replica": await served_by(page), **await follow_training(page, pressed, TRAINING_S)}
    results.append(result)
    await page.close()


async def scenario(url, sessions, digits):
    drawings, trainings = [], []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        tasks = [drawer(browser, url, session, digits, drawings) for session in range(sessions)]
        await asyncio.gather(trainer(browser, url, trainings), *tasks)
        await browser.close()
    return sorted(drawings, key=lambda session: session["session"]), trainings[0]


def run(sessions, digits):
    """Start the replicas and the balancer, run the scenario, return the measures."""
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        scratch = Path(scratch)
        servers = {}
        for name in REPLICAS:
            # Each replica keeps its trained models apart, as two machines would; the audience
            # rooms' SQLite file is one for both, as on one machine (and none lands in the checkout).
            environment = {"DIGITS_RUNS_DIR": str(scratch / name / "runs"), "DIGITS_DATA_DIR": str(scratch / "data")}
            url, server = stack.enter_context(streamlit_server(scratch / f"{name}.log", extra_env=environment))
            servers[name] = (int(url.rsplit(":", 1)[1]), server)
        balancer_url = stack.enter_context(
            haproxy_balancer(scratch / "haproxy.log", [port for port, _ in servers.values()])
        )
        cpu_before = {name: cpu_seconds(server.pid) for name, (_, server) in servers.items()}
        started = time.perf_counter()
        drawings, training = asyncio.run(scenario(balancer_url, sessions, digits))
        wall_s = time.perf_counter() - started
        cpu_after = {name: cpu_seconds(server.pid) for name, (_, server) in servers.items()}
        tracebacks = {name: (scratch / f"{name}.log").read_text().count("Traceback") for name in REPLICAS}
    return (
        drawings,
        training,
        wall_s,
        {
            name: {
                "server_cpu_s": round(cpu_after[name][0] - cpu_before[name][0], 1),
                "training_cpu_s": round(cpu_after[name][1] - cpu_before[name][1], 1),
                "server_tracebacks": tracebacks[name],
            }
            for name in REPLICAS
        },
    )


def summarise(drawings, training, wall_s, replicas, digits):
    answered = [seconds for session in drawings for seconds in session["answers"] if seconds is not None]
    for name, figures in replicas.items():
        figures["sessions"] = sum(session["replica"] == name for session in drawings)
        figures["server_cpu_share"] = round(figures["server_cpu_s"] / (wall_s * (os.cpu_count() or 1)), 3)
    return {
        "mnist_path": os.environ.get("MNIST_PATH"),
        "sessions": len(drawings),
        "digits_per_session": digits,
        "answers": f"{len(answered)}/{len(drawings) * digits}",
        "answer_p50_ms": percentile_ms(answered, 50) if answered else None,
        "answer_p95_ms": percentile_ms(answered, 95) if answered else None,
        "both_replicas_used": all(figures["sessions"] for figures in replicas.values()),
        "training": training,
        "wall_s": round(wall_s, 1),
        "replicas": replicas,
        "per_session": drawings,
    }


def print_report(result):
    rows = []
    for session in result["per_session"]:
        answered = [seconds for seconds in session["answers"] if seconds is not None]
        rows.append(
            [
                f"session {session['session']}",
                session["replica"] or "no cookie",
                f"{len(answered)}/{len(session['answers'])}",
                f"{percentile_ms(answered, 50):.0f}" if answered else "-",
                f"{max(answered) * 1000:.0f}" if answered else "-",
            ]
        )
    print_table(
        f"{result['sessions']} sessions through HAProxy to two replicas (cookie affinity), "
        f"{result['digits_per_session']} digits each, one training meanwhile",
        ["who", "replica (SERVERID)", "right digit shown", "p50 ms", "slowest ms"],
        rows,
    )
    print(f"MNIST_PATH: {result['mnist_path'] or '(not set)'}")
    print(
        "sessions per replica: "
        + ", ".join(f"{name} {figures['sessions']}" for name, figures in result["replicas"].items())
    )
    if result["answer_p50_ms"] is not None:
        print(
            f"all drawings: {result['answers']} answered right, "
            f"p50 {result['answer_p50_ms']:.0f} ms, p95 {result['answer_p95_ms']:.0f} ms"
        )
    else:
        print(f"all drawings: {result['answers']} answered right")
    training = result["training"]
    print(
        f"training (Train page defaults) on {training['replica']}: bar moving after "
        + (f"{training['started_after_s']:.1f} s" if training["started_after_s"] is not None else "-")
        + ", model ready after "
        + (
            f"{training['finished_after_s']:.0f} s"
            if training["finished_after_s"] is not None
            else f"- (not within {TRAINING_S} s)"
        )
    )
    print(f"wall time of the run: {result['wall_s']:.0f} s")
    for name, figures in result["replicas"].items():
        print(
            f"{name}: server CPU {figures['server_cpu_s']:.1f} s ({figures['server_cpu_share']:.0%} of the machine), "
            f"finished training processes {figures['training_cpu_s']:.1f} s, "
            f"tracebacks in its log: {figures['server_tracebacks']}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--digits", type=int, default=3, help="digits each session draws")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    drawings, training, wall_s, replicas = run(arguments.sessions, arguments.digits)
    result = summarise(drawings, training, wall_s, replicas, arguments.digits)
    if arguments.json:
        print_json(result)
    else:
        print_report(result)


if __name__ == "__main__":
    main()
