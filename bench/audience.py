"""A lecture hall: ``MNIST_PATH=... python -m bench.audience --phones 500 [--drawings 3] [--replicas 2] [--json]``.

Starts the app (``streamlit run app.py``; with ``--replicas 2``, two of them behind HAProxy with
deploy/haproxy.cfg, sharing a PostgreSQL from Debian's package), opens a room, and then:

- **N simulated phones** speak the phone page's own protocol (ui/phone_routes.py) over HTTP: each
  joins at a random moment of the first ``--join-s`` seconds (loads /phone/CODE), then sends
  ``--drawings`` drawings (MNIST test digits as 300x300 PNGs, as the page's canvas makes them),
  one every 3 to 6 s (a person drawing a digit), and says "Yes" to the reading. A send that the
  connection drops is sent again with the same send key, as the page does.
- **One real Chromium wall**, the Present page's read-only wall (``?view=audience&wall=CODE``) at
  1920x1080, notes every change of its "Drawings" count with the browser's clock.
- **The presenter's own canvas**: a second Chromium page on the Draw page draws a digit every few
  seconds throughout, timed from lifting the pen to the answer, first in a quiet room, then
  while the phones send.

Printed: phones, drawings sent, stored (in the database), on the wall (its last count), lost
(answered "sent" but not stored) and doubled (one send stored twice), p50/p95 from send to wall
(a drawing is on the wall once the count reaches its place among the room's stored drawings),
the send's own answer time, the server's CPU seconds and peak resident memory (every process of
the server tree, sampled every 0.25 s from /proc), and what one core sustains (stored drawings
per CPU second of the server). This process and Chromium share the machine's cores with the
server: their CPU is printed too.
"""

import argparse
import asyncio
import contextlib
import io
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx2
import numpy as np
from PIL import Image
from playwright.async_api import async_playwright, expect
from sqlalchemy import func, select

from bench.capacity import one_digit, open_canvas
from bench.common import percentile_ms, print_json, print_table
from model.data import load_mnist
from model.hosting.memory import process_tree, process_tree_mb
from model.rooms.database import drawings
from model.rooms.store import RoomStore
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, free_port, streamlit_server
from tests.support.haproxy import haproxy_balancer

PRESENTER = "bench-presenter-session"
WALL_COUNTS = """() => {
  window.wallCounts = [];
  let last = null;
  setInterval(() => {
    const metric = [...document.querySelectorAll('[data-testid="stMetric"]')]
      .find(m => m.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim() === 'Drawings');
    const value = metric ? parseInt(metric.querySelector('[data-testid="stMetricValue"]').innerText, 10) : null;
    if (value !== null && value !== last) { window.wallCounts.push([Date.now() / 1000, value]); last = value; }
  }, 25);
}"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def canvas_pngs(count: int, seed: int) -> list[tuple[int, bytes]]:
    """MNIST test digits as a phone's canvas sends them: white on black, 300x300 PNG."""
    data = load_mnist()
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(data.x_test), size=count, replace=False)
    pngs = []
    for index in chosen:
        image = Image.fromarray(np.asarray(data.x_test[index], dtype=np.uint8).reshape(28, 28))
        canvas = image.resize((300, 300), Image.Resampling.BILINEAR).convert("RGBA")
        buffer = io.BytesIO()
        canvas.save(buffer, "PNG")
        pngs.append((int(data.y_test[index]), buffer.getvalue()))
    return pngs


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


async def sample_memory(roots: list[int], peak: dict, stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak["mb"] = max(peak.get("mb", 0.0), sum(process_tree_mb(root) or 0.0 for root in roots))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


async def phone(client, code, index, join_at, pngs, sends, start):
    """One phone in the hall: load the page, then draw, send, confirm."""
    await asyncio.sleep(max(0.0, start + join_at - time.time()))
    page = await client.get(f"/phone/{code}")
    if page.status_code != 200:
        sends.append({"phone": index, "status": f"page {page.status_code}"})
        return
    phone_token = f"bench-phone-{index:06d}-{random.getrandbits(32):08x}"
    for number, (digit, png) in enumerate(pngs):
        await asyncio.sleep(random.uniform(3.0, 6.0))  # drawing the digit
        headers = {"Content-Type": "image/png", "X-Phone": phone_token, "X-Send-Key": f"send-{index}-{number}-key"}
        sent_at = time.time()
        answer, tries = None, 0
        for wait in (0.0, 1.0, 2.0):  # the page's own retries, with the same send key
            await asyncio.sleep(wait)
            tries += 1
            try:
                answer = await client.post(f"/phone/{code}/drawings", content=png, headers=headers)
                break
            except httpx2.HTTPError:
                answer = None
        record = {"phone": index, "digit": digit, "sent_at": sent_at, "answer_s": time.time() - sent_at, "tries": tries}
        if answer is None:
            sends.append({**record, "status": "no answer"})
            continue
        body = answer.json()
        sends.append({**record, "status": body.get("status"), "id": body.get("id"), "read": body.get("digit")})
        if body.get("status") == "sent":
            await client.post(
                f"/phone/{code}/drawings/{body['id']}/label",
                json={"label": body["digit"]},
                headers={"X-Phone": phone_token},
            )


async def presenter_drawing(page, stop: asyncio.Event, times: list) -> None:
    digits = (0, 1, 2, 3, 6, 7)  # single strokes: the answer to lifting the pen is the answer
    number = 0
    while not stop.is_set():
        digit = digits[number % len(digits)]
        seconds = await one_digit(page, digit, str(digit))
        times.append(seconds)
        number += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2.0)


async def hall(url, code, phones, drawings_each, join_seconds, server_roots, seed):
    random.seed(seed)
    pngs = canvas_pngs(phones * drawings_each, seed)
    sends: list[dict] = []
    peak: dict = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        wall = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
        await wall.goto(f"{url}/present?view=audience&wall={code}", timeout=120_000)
        await expect(wall.get_by_test_id("stMetricLabel").filter(has_text="Drawings")).to_be_visible(timeout=120_000)
        await wall.evaluate(WALL_COUNTS)
        presenter = await open_canvas(browser, f"{url}/")
        quiet: list = []
        for digit in (0, 1, 2, 3, 6, 7):
            quiet.append(await one_digit(presenter, digit, str(digit)))

        stop_memory, stop_presenter = asyncio.Event(), asyncio.Event()
        memory_task = asyncio.create_task(sample_memory(server_roots, peak, stop_memory))
        busy: list = []
        presenter_task = asyncio.create_task(presenter_drawing(presenter, stop_presenter, busy))
        cpu_before = cpu_seconds([pid for root in server_roots for pid in process_tree(root)])
        own_before = time.process_time()
        start = time.time()
        limits = httpx2.Limits(max_connections=phones, max_keepalive_connections=phones)
        async with httpx2.AsyncClient(base_url=url, limits=limits, timeout=60.0) as client:
            await asyncio.gather(
                *(
                    phone(
                        client,
                        code,
                        index,
                        random.uniform(0, join_seconds),
                        pngs[index * drawings_each : (index + 1) * drawings_each],
                        sends,
                        start,
                    )
                    for index in range(phones)
                )
            )
        sent_ended = time.time()
        # The wall catches up: until its count stops moving for 5 s (at most 60 s).
        last_change = time.time()
        previous = None
        while time.time() - last_change < 5 and time.time() - sent_ended < 60:
            counts = await wall.evaluate("() => window.wallCounts")
            if counts and counts[-1] != previous:
                previous, last_change = counts[-1], time.time()
            await asyncio.sleep(0.5)
        cpu_after = cpu_seconds([pid for root in server_roots for pid in process_tree(root)])
        own_cpu = time.process_time() - own_before
        stop_presenter.set()
        stop_memory.set()
        await presenter_task
        await memory_task
        wall_counts = await wall.evaluate("() => window.wallCounts")
        await browser.close()
    return {
        "sends": sends,
        "wall_counts": wall_counts,
        "server_cpu_s": cpu_after - cpu_before,
        "bench_cpu_s": own_cpu,
        "peak_mb": peak.get("mb", 0.0),
        "seconds": sent_ended - start,
        "presenter_quiet_s": quiet,
        "presenter_busy_s": busy,
    }


def stored_rows(store: RoomStore, code: str) -> tuple[list[int], int]:
    """The room's stored drawing ids in order, and how many sends were stored more than once."""
    with store.engine.connect() as connection:
        ids = list(connection.scalars(select(drawings.c.id).where(drawings.c.room == code).order_by(drawings.c.id)))
        doubled = connection.scalar(
            select(func.count()).select_from(
                select(drawings.c.submitter, drawings.c.send_key)
                .where(drawings.c.room == code)
                .group_by(drawings.c.submitter, drawings.c.send_key)
                .having(func.count() > 1)
                .subquery()
            )
        )
    return ids, int(doubled or 0)


def summarise(run: dict, ids: list[int], doubled: int, phones: int, replicas: int) -> dict:
    sends = run["sends"]
    answered = [send for send in sends if send.get("status") == "sent"]
    place = {drawing_id: rank for rank, drawing_id in enumerate(ids, start=1)}
    counts = run["wall_counts"]
    to_wall = []
    for send in answered:
        rank = place.get(send["id"])
        seen = next((at for at, count in counts if rank is not None and count >= rank), None)
        if seen is not None:
            to_wall.append(max(0.0, seen - send["sent_at"]))
    statuses: dict[str, int] = {}
    for send in sends:
        statuses[send.get("status", "?")] = statuses.get(send.get("status", "?"), 0) + 1
    quiet = [s for s in run["presenter_quiet_s"] if s is not None]
    busy = [s for s in run["presenter_busy_s"] if s is not None]
    stored = len(ids)
    return {
        "replicas": replicas,
        "phones": phones,
        "drawings_sent": len(sends),
        "answered_sent": len(answered),
        "statuses": statuses,
        "stored": stored,
        "on_wall": counts[-1][1] if counts else 0,
        "lost": sum(1 for send in answered if send["id"] not in place),
        "doubled": doubled,
        "not_on_wall": len(answered) - len(to_wall),
        "send_to_wall_p50_ms": percentile_ms(to_wall, 50) if to_wall else None,
        "send_to_wall_p95_ms": percentile_ms(to_wall, 95) if to_wall else None,
        "send_answer_p50_ms": percentile_ms([s["answer_s"] for s in answered], 50) if answered else None,
        "send_answer_p95_ms": percentile_ms([s["answer_s"] for s in answered], 95) if answered else None,
        "sending_seconds": round(run["seconds"], 1),
        "server_cpu_s": round(run["server_cpu_s"], 1),
        "drawings_per_cpu_second": round(stored / run["server_cpu_s"], 1) if run["server_cpu_s"] else None,
        "bench_cpu_s": round(run["bench_cpu_s"], 1),
        "server_peak_mb": round(run["peak_mb"]),
        "presenter_quiet_median_ms": round(statistics.median(quiet) * 1000) if quiet else None,
        "presenter_busy_median_ms": round(statistics.median(busy) * 1000) if busy else None,
        "presenter_busy_p95_ms": round(percentile_ms(busy, 95)) if busy else None,
        "presenter_unanswered": sum(1 for s in run["presenter_busy_s"] if s is None),
    }


@contextlib.contextmanager
def servers(replicas: int, scratch: Path, environment: dict):
    """Yield (base URL, server pids, database URL): one app, or two behind HAProxy on PostgreSQL."""
    if replicas == 1:
        database = f"sqlite:///{scratch / 'rooms.sqlite3'}"
        with streamlit_server(scratch / "app.log", extra_env={**environment, "DIGITS_ROOM_DATABASE_URL": database}) as (
            url,
            server,
        ):
            yield url, [server.pid], database
        return
    from tests.support.postgres import PostgresServer

    with PostgresServer() as postgres, contextlib.ExitStack() as stack:
        ports, pids = [free_port(), free_port()], []
        for number, port in enumerate(ports, start=1):
            log = scratch / f"replica{number}.log"
            env = {**environment, "DIGITS_ROOM_DATABASE_URL": postgres.url}
            _, server = stack.enter_context(streamlit_server(log, extra_env=env, port=port))
            pids.append(server.pid)
        url = stack.enter_context(haproxy_balancer(scratch / "haproxy.log", ports))
        yield url, pids, postgres.url


def run(phones: int, drawings_each: int, join_seconds: float, replicas: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="digits-audience-") as folder:
        scratch = Path(folder)
        environment = {
            "DIGITS_DATA_DIR": str(scratch / "data"),
            "DIGITS_RUNS_DIR": str(scratch / "runs"),
            # A room holds 2,000 drawings by default: a larger hall needs more.
            "DIGITS_ROOM_MAX_DRAWINGS": str(max(2000, phones * drawings_each)),
        }
        with servers(replicas, scratch, environment) as (url, pids, database):
            store = RoomStore(database)
            code = store.open_room(PRESENTER)
            measured = asyncio.run(hall(url, code, phones, drawings_each, join_seconds, pids, seed))
            ids, doubled = stored_rows(store, code)
            store.engine.dispose()
        logs = "".join(path.read_text() for path in scratch.glob("*.log"))
    result = summarise(measured, ids, doubled, phones, replicas)
    result["tracebacks_in_logs"] = logs.count("Traceback")
    return result


def print_report(result: dict) -> None:
    rows = [[name, round(value) if isinstance(value, float) else value] for name, value in result.items()]
    title = f"A lecture hall: {result['phones']} phones, {result['replicas']} replica(s)"
    print_table(title, ["measure", "value"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--drawings", type=int, default=3, help="drawings each phone sends")
    parser.add_argument("--join-s", type=float, default=60.0, help="phones join within this many seconds")
    parser.add_argument("--replicas", type=int, choices=(1, 2), default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    result = run(arguments.phones, arguments.drawings, arguments.join_s, arguments.replicas, arguments.seed)
    print_json(result) if arguments.json else print_report(result)


if __name__ == "__main__":
    main()
