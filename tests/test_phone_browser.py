"""The phone page (/phone/CODE) in Chromium on a touch phone, where its own script matters: a send
the room refuses (over the rate limit) is said on the phone with when to send again, and the
drawing stays on the canvas to be sent again; a connection that drops is retried with the same
send key and stored once."""

import pytest

from model.rooms.store import RoomStore
from tests.support.browser import PHONE, app_and_browser, touch_strokes
from tests.support.drawings import strokes_in_box

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
expect = playwright_api.expect

INK_ON_CANVAS = """() => {
  const canvas = document.getElementById("canvas");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i] > 128) return true;
  return false;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone")
    with app_and_browser(folder, extra_env={"DIGITS_ROOM_RATE_COUNT": "1"}) as (url, browser):
        yield url, browser, f"sqlite:///{folder / 'data' / 'rooms.sqlite3'}"


def open_phone(browser, url, code):
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{url}/phone/{code}")
    expect(phone.locator("#canvas")).to_be_visible(timeout=60_000)
    return phone


def test_a_send_over_the_rate_limit_is_said_and_the_drawing_stays(server):
    url, browser, database = server
    store = RoomStore(database)
    code = store.open_room("presenter-session")
    phone = open_phone(browser, url, code)
    touch_strokes(phone, strokes_in_box(7, 40, 30, 220), canvas="#canvas")
    phone.get_by_role("button", name="Send to the wall").click()
    expect(phone.get_by_text("Sent. The network read")).to_be_visible(timeout=30_000)
    assert not phone.evaluate(INK_ON_CANVAS)  # sent: a fresh canvas

    touch_strokes(phone, strokes_in_box(3, 40, 30, 220), canvas="#canvas")
    phone.get_by_role("button", name="Send to the wall").click()
    expect(phone.get_by_text("Not sent: Too many drawings in a row: wait")).to_be_visible(timeout=30_000)
    assert phone.evaluate(INK_ON_CANVAS)  # the drawing is still there to send again
    expect(phone.get_by_role("button", name="Send to the wall")).to_be_enabled()
    assert store.room(code).stored == 1
    phone.context.close()


def test_a_dropped_connection_is_sent_again_and_stored_once(server):
    url, browser, database = server
    store = RoomStore(database)
    code = store.open_room("presenter-session")
    phone = open_phone(browser, url, code)
    sends = []

    def drop_the_first_answer(route):
        sends.append(route.request.headers["x-send-key"])
        if len(sends) == 1:
            route.fetch()  # the server stores it; its answer is lost on the way back
            route.abort("connectionreset")
        else:
            route.continue_()

    phone.route("**/drawings", drop_the_first_answer)
    touch_strokes(phone, strokes_in_box(1, 40, 30, 220), canvas="#canvas")
    phone.get_by_role("button", name="Send to the wall").click()
    expect(phone.get_by_text("Sent. The network read")).to_be_visible(timeout=30_000)
    assert len(sends) == 2 and sends[0] == sends[1]  # tried again, as the same drawing
    assert store.room(code).stored == 1
    phone.context.close()
