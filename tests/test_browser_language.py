"""The Chinese interface in a real browser: chosen from the browser's language, a digit drawn and
read, and an audience room whose wall speaks Chinese while each phone keeps its own language."""

import re

import pytest

from model.language import CHINESE, _, using
from tests.support.browser import app_and_browser, draw_strokes, touch_strokes
from tests.support.drawings import strokes_in_box

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
expect = playwright_api.expect
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def chinese(message: str) -> str:
    with using(CHINESE):
        return _(message)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with app_and_browser(tmp_path_factory.mktemp("language")) as (url, browser):
        yield url, browser


def test_a_chinese_browser_gets_the_chinese_interface_and_its_digit_read(server):
    url, browser = server
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name=chinese("Draw a digit"))).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name=chinese("Gallery"))).to_be_visible()
    draw_strokes(page, strokes_in_box(5, 50, 40, 190))
    reading = page.get_by_test_id("stMetric").filter(has_text=chinese("Prediction"))
    expect(reading.get_by_test_id("stMetricValue")).to_have_text("5", timeout=30_000)
    expect(reading).to_contain_text("把握")
    # Streamlit's own words on the uploader, put in the page's language by CSS.
    uploader_button = page.get_by_test_id("stFileUploaderDropzone").locator("button p")
    assert uploader_button.evaluate("p => getComputedStyle(p, '::after').content") == f'"{chinese("Upload")}"'
    page.get_by_role("button", name=chinese("Clear")).click()
    expect(page.get_by_text(chinese("Draw a digit in the black box: the answer appears as you draw."))).to_be_visible(
        timeout=30_000
    )
    # The switch: English, and the address says so for a link to share.
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    expect(page.get_by_role("heading", name="Draw a digit")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile(r"lang=en"))
    context.close()


def test_the_wall_speaks_chinese_and_each_phone_its_own_language(server):
    url, browser = server
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()  # an English browser
    wall.goto(f"{url}/present?lang=zh&view=audience")
    wall.get_by_role("button", name=chinese("Open a room")).click(timeout=60_000)
    link = wall.get_by_text(re.compile(r"/phone/")).first
    expect(link).to_be_visible(timeout=30_000)
    address = link.inner_text().strip()
    assert "lang=" not in address  # the wall's language stays on the wall
    code = re.search(r"/phone/([A-Z0-9]+)", address).group(1)

    english, simplified_chinese = ("Send to the wall", "Yes"), (chinese("Send to the wall"), chinese("Yes"))
    for locale, (send, yes) in (("en-US", english), ("zh-CN", simplified_chinese)):
        phone = browser.new_context(locale=locale, **PHONE).new_page()
        phone.goto(f"{url}/phone/{code}")
        expect(phone.locator("#canvas")).to_be_visible(timeout=60_000)
        touch_strokes(phone, strokes_in_box(7, 40, 30, 220), canvas="#canvas")
        phone.get_by_role("button", name=send).click(timeout=30_000)
        # Sent: the phone asks, in its own language, whether the network read it right.
        expect(phone.get_by_role("button", name=yes, exact=True)).to_be_visible(timeout=30_000)
        phone.context.close()
    drawings = wall.get_by_test_id("stMetric").filter(has_text=chinese("Drawings"))
    expect(drawings.get_by_test_id("stMetricValue")).to_have_text("2", timeout=30_000)
    wall.context.close()
