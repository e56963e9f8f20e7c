"""The Present page and the audience room in a real browser: a projector, phones, another presenter."""

import io
import re
import urllib.request

import pytest
from PIL import Image

from tests.support.browser import PHONE, app_and_browser, draw_strokes, streamlit_server, touch_strokes
from tests.support.drawings import strokes_in_box

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
expect = playwright_api.expect
PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with app_and_browser(tmp_path_factory.mktemp("present")) as (url, browser):
        yield url, browser


def open_present(browser, url, query=""):
    page = browser.new_context(viewport=PROJECTOR, accept_downloads=True).new_page()
    page.goto(f"{url}/present{query}")
    return page


def test_the_projector_shows_the_digit_huge_and_the_slide_is_1920_by_1080(server, tmp_path):
    url, browser = server
    page = open_present(browser, url)
    canvas = page.locator("canvas.upper-canvas").first
    expect(canvas).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    draw_strokes(page, strokes_in_box(4, 80, 60, 320))
    answer = page.get_by_test_id("big-answer")
    expect(answer).to_have_text("4", timeout=30_000)
    assert answer.bounding_box()["height"] >= 160
    page.screenshot(path=tmp_path / "present.png")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download slide (PNG)").click()
    slide = Image.open(io.BytesIO(download.value.path().read_bytes()))
    assert slide.format == "PNG" and slide.size == (1920, 1080)
    page.keyboard.press("Delete")  # the key that clears, for a presenter away from the mouse
    expect(answer).to_have_text("?", timeout=30_000)
    page.context.close()


def test_the_projector_at_1400_by_900_in_a_dark_room(server):
    url, browser = server
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(f"{url}/present")
    canvas = page.locator("canvas.upper-canvas").first
    expect(canvas).to_be_visible(timeout=60_000)
    toggle = page.get_by_text("Dark room")
    toggle.click()
    expect(page.locator(".stApp")).to_have_css("background-color", "rgb(13, 17, 23)", timeout=30_000)
    # The canvas has a visible edge on the dark page.
    edge = page.locator('[class*="st-key-canvas-"]').first
    expect(edge).to_have_css("outline-style", "solid")
    expect(edge).not_to_have_css("outline-color", "rgb(13, 17, 23)")
    where_the_toggle_was = toggle.bounding_box()
    box = canvas.bounding_box()
    scale = box["width"] / 420
    draw_strokes(page, [[(x * scale, y * scale) for x, y in stroke] for stroke in strokes_in_box(3, 90, 60, 300)])
    answer = page.get_by_test_id("big-answer")
    expect(answer).to_have_text("3", timeout=30_000)
    expect(page.get_by_role("button", name="Download slide (PNG)")).to_be_visible(timeout=30_000)
    assert toggle.bounding_box() == where_the_toggle_was  # nothing jumps when the answer comes
    assert answer.bounding_box()["height"] >= 0.28 * 900  # readable from the back: about a third
    # The 28x28 is sent with square pixels already, so the browser does not smooth it.
    seen = page.get_by_test_id("stImage").filter(has_text="What the network saw").locator("img")
    assert seen.evaluate("image => image.naturalWidth") >= 168
    page.get_by_role("link", name="Back to the app").click()
    expect(page.get_by_role("heading", name="Draw a digit")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    page.context.close()


def phone_draws(page, digit):
    """Draw with a finger on the phone page (/phone/CODE) and send; returns the drawing's id."""
    expect(page.locator("#canvas")).to_be_visible(timeout=60_000)
    touch_strokes(page, strokes_in_box(digit, 40, 30, 220), canvas="#canvas")
    with page.expect_response(lambda response: response.url.endswith("/drawings")) as sent:
        page.get_by_role("button", name="Send to the wall").click(timeout=30_000)
    expect(page.get_by_text(re.compile("The network read a"))).to_be_visible(timeout=30_000)
    return sent.value.json()["id"]


CORRECT = """([path, digit]) => fetch(path, {method: "POST", body: JSON.stringify({label: digit}),
    headers: {"Content-Type": "application/json", "X-Phone": localStorage.getItem("digits-phone")}})
    .then(response => response.status)"""


def metric(page, label):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_phones_join_a_room_and_the_wall_shows_their_drawings(server):
    url, browser = server
    presenter = open_present(browser, url)
    presenter.get_by_text("Audience room").click()
    presenter.get_by_role("button", name="Open a room").click()
    link = presenter.get_by_text(re.compile(r"/phone/")).first
    expect(link).to_be_visible(timeout=30_000)
    code = re.search(r"/phone/([A-Z0-9]+)", link.inner_text()).group(1)

    phones = [browser.new_context(**PHONE).new_page() for _ in range(3)]
    sent = []
    for phone, digit in zip(phones, (7, 3, 1), strict=False):
        phone.goto(f"{url}/phone/{code}")
        sent.append(phone_draws(phone, digit))
    expect(metric(presenter, "Drawings")).to_have_text("3", timeout=10_000)

    # Nothing a phone sends reaches another phone's drawing: not even by hand-made requests.
    label_path = f"/phone/{code}/drawings/{sent[0]}/label"
    assert phones[1].evaluate(CORRECT, [label_path, 2]) == 409
    phones[0].reload()  # a reload keeps who the phone is (its browser keeps it): still its own drawing
    expect(phones[0].locator("#canvas")).to_be_visible(timeout=30_000)
    assert phones[0].evaluate(CORRECT, [label_path, 7]) == 200
    expect(metric(presenter, "Room accuracy")).to_have_text("100%", timeout=10_000)
    phones[1].get_by_role("button", name="8", exact=True).click()  # "No, it was an 8"
    expect(phones[1].get_by_text("Thanks! Counted as an 8.")).to_be_visible(timeout=10_000)
    expect(metric(presenter, "Room accuracy")).to_have_text("50%", timeout=10_000)
    phones[2].get_by_role("button", name="Yes").click()  # confirms its reading
    expect(phones[2].get_by_text("Thanks! Counted as a 1.")).to_be_visible(timeout=10_000)

    presenter.get_by_role("button", name="Hide").first.click()
    expect(metric(presenter, "Drawings")).to_have_text("2", timeout=10_000)

    # Another presenter with the same code sees the wall but cannot touch it.
    intruder = open_present(browser, url, f"?wall={code}")
    intruder.get_by_text("Audience room").click()
    expect(metric(intruder, "Drawings")).to_have_text("2", timeout=30_000)
    expect(intruder.get_by_role("button", name="Hide")).to_have_count(0)
    expect(intruder.get_by_role("button", name="Close the room")).to_have_count(0)

    presenter.get_by_role("button", name="Close the room").click()
    # Closed once the presenter's page offers a new room; the phone asks only then.
    expect(presenter.get_by_role("button", name="Open a room")).to_be_visible(timeout=30_000)
    phones[2].reload()
    expect(phones[2].get_by_text("This room is closed")).to_be_visible(timeout=30_000)
    for page in (presenter, intruder, *phones):
        page.context.close()


def test_on_a_laptop_the_qr_code_points_at_its_network_address_which_phones_reach(server, tmp_path):
    from streamlit import net_util

    _, browser = server  # the module's Chromium; the server is a laptop's own, below
    network_ip = net_util.get_internal_ip()  # what Streamlit prints as the "Network URL"
    assert network_ip and not network_ip.startswith("127."), "this test needs a machine with a network address"
    environment = {"DIGITS_RUNS_DIR": str(tmp_path / "runs"), "DIGITS_DATA_DIR": str(tmp_path / "data")}
    # A plain `streamlit run app.py`: every interface; the presenter opens it as localhost.
    log = tmp_path / "streamlit.log"
    with streamlit_server(log, extra_env=environment, address=None) as (url, _):
        presenter = open_present(browser, url.replace("127.0.0.1", "localhost"))
        presenter.get_by_text("Audience room").click()
        presenter.get_by_role("button", name="Open a room").click()
        link = presenter.get_by_text(re.compile(r"/phone/")).first
        expect(link).to_contain_text(f"http://{network_ip}:", timeout=30_000)
        expect(presenter.get_by_text(f"network address ({network_ip})")).to_be_visible()
        address = re.search(r"(http://\S+?)/phone/(\S+)", link.inner_text())
        with urllib.request.urlopen(f"{address.group(1)}/_stcore/health", timeout=10) as response:
            assert response.status == 200  # reachable at that address, not only on loopback
        phone = browser.new_context(**PHONE).new_page()
        phone.goto(f"{address.group(1)}/phone/{address.group(2)}")
        phone_draws(phone, 4)
        expect(metric(presenter, "Drawings")).to_have_text("1", timeout=30_000)
        phone.context.close()
        presenter.context.close()


def test_a_server_listening_on_loopback_only_says_phones_cannot_reach_it(server):
    url, browser = server
    presenter = open_present(browser, url)
    presenter.get_by_text("Audience room").click()
    presenter.get_by_role("button", name="Open a room").click()
    expect(presenter.get_by_text("listens only on 127.0.0.1: phones cannot reach it")).to_be_visible(timeout=30_000)
    presenter.get_by_role("button", name="Close the room").click()
    presenter.context.close()


def test_a_phone_joins_by_typing_the_code_the_wall_shows_in_big_letters(server):
    url, browser = server
    presenter = open_present(browser, url)
    presenter.get_by_text("Audience room").click()
    presenter.get_by_role("button", name="Open a room").click()
    shown = presenter.locator(".join-code strong")
    expect(shown).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"), timeout=30_000)
    # Read from the back row: the code's letters and the QR code are large on a 1920x1080 wall.
    assert shown.bounding_box()["height"] >= 60
    qr = presenter.get_by_test_id("stImage").filter(has_text="Scan to draw").locator("img")
    qr.evaluate("image => image.decode()")  # resolves once the picture is loaded, so laid out at its size
    assert qr.bounding_box()["height"] >= PROJECTOR["height"] / 3, qr.bounding_box()
    code = shown.inner_text()

    short_address = re.search(r"go to (\S+/phone) and type", presenter.locator(".join-code").inner_text()).group(1)
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"http://{short_address}")
    field = phone.get_by_label("The room's code, as the wall shows it")
    field.fill("ABCD-0000")  # no room's code has a 0
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_text("A room's code is 8 letters and digits")).to_be_visible(timeout=30_000)
    field.fill(code.lower().replace("-", " "))  # typed as a phone keyboard does it
    phone.get_by_role("button", name="Join").click()
    phone_draws(phone, 7)
    expect(metric(presenter, "Drawings")).to_have_text("1", timeout=10_000)
    presenter.get_by_role("button", name="Close the room").click()
    for page in (presenter, phone):
        page.context.close()


def test_a_forged_room_code_is_refused_plainly(server):
    url, browser = server
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{url}/?room=' OR 1=1 --")
    expect(page.get_by_text("No room with that code")).to_be_visible(timeout=60_000)
    expect(page.locator("canvas.upper-canvas")).to_have_count(0)
    page.goto(f"{url}/phone/' OR 1=1 --")  # the phone page refuses it just as plainly
    expect(page.get_by_text("A room's code is 8 letters and digits")).to_be_visible(timeout=30_000)
    expect(page.locator("#canvas")).to_have_count(0)
    page.context.close()
