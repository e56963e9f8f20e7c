"""Moderation in a real browser: a touch phone sends what the gate refused ("Send anyway"), the
presenter's wall holds it in a folded strip that stays open across the wall's refreshes, and
"Show" puts it on the wall; another presenter's view of the same room never sees what waits."""

import re

import pytest

from tests.support.browser import PHONE, app_and_browser, touch_strokes
from tests.test_room_moderation import GRID

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
expect = playwright_api.expect
PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with app_and_browser(tmp_path_factory.mktemp("moderation")) as (url, browser):
        yield url, browser


def metric(page, label):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def open_wall(browser, url, query=""):
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(f"{url}/present{query}")
    page.get_by_text("Audience room").click()
    return page


def test_a_refused_drawing_waits_folded_on_the_owners_wall_until_shown(server):
    url, browser = server
    presenter = open_wall(browser, url)
    presenter.get_by_role("button", name="Open a room").click()
    link = presenter.get_by_text(re.compile(r"/phone/")).first
    expect(link).to_be_visible(timeout=30_000)
    code = re.search(r"/phone/([A-Z0-9]+)", link.inner_text()).group(1)

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{url}/phone/{code}")
    expect(phone.locator("#canvas")).to_be_visible(timeout=60_000)
    touch_strokes(phone, GRID, canvas="#canvas")
    phone.get_by_role("button", name="Send to the wall").click(timeout=30_000)
    expect(phone.get_by_text("That does not look like a digit")).to_be_visible(timeout=30_000)
    phone.get_by_role("button", name="Send anyway").click(timeout=30_000)
    expect(phone.get_by_text("Sent to the presenter, who sees it first")).to_be_visible(timeout=30_000)

    expect(presenter.get_by_text("1 drawing waits for you")).to_be_visible(timeout=10_000)
    expect(metric(presenter, "Drawings")).to_have_text("0")
    show = presenter.get_by_role("button", name="Show", exact=True)
    expect(show).to_be_hidden()  # folded: the projected wall shows nothing of it until opened
    presenter.get_by_text("Waiting for you").click()
    expect(show).to_be_visible(timeout=10_000)
    presenter.wait_for_timeout(4_000)  # the wall refreshes every 1.5 s: the strip stays open
    expect(show).to_be_visible()

    outsider = open_wall(browser, url, f"?wall={code}")
    expect(metric(outsider, "Drawings")).to_have_text("0", timeout=30_000)
    expect(outsider.get_by_text("Waiting for you")).to_have_count(0)
    expect(outsider.get_by_text("waits for you")).to_have_count(0)

    show.click()
    expect(metric(presenter, "Drawings")).to_have_text("1", timeout=10_000)
    expect(presenter.get_by_text("waits for you")).to_have_count(0, timeout=10_000)
    expect(metric(outsider, "Drawings")).to_have_text("1", timeout=10_000)
    for page in (presenter, outsider, phone):
        page.context.close()
