"""The first visit to a freshly started server, in a real browser: a bookmark or a shared link to
any page must open this app (its navigation, its layout, its model picker), not Streamlit's
automatic list of the files in ``pages/``."""

import re

import pytest

from tests.support.browser import chromium, streamlit_server

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")
expect = playwright_api.expect

PAGES = {
    "draw": "Draw a digit",
    "inside": "Inside the network",
    "gallery": "Gallery",
    "train": "Train a network",
    "present": None,
}


@pytest.mark.parametrize("address", sorted(PAGES))
def test_a_page_address_opened_first_on_a_fresh_server_opens_the_app(tmp_path, address):
    log = tmp_path / "streamlit.log"
    with (
        streamlit_server(log, extra_env={"DIGITS_RUNS_DIR": str(tmp_path / "runs")}) as (url, _),
        chromium() as browser,
    ):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/{address}")
        navigation = page.get_by_test_id("stSidebarNav")
        if address == "present":
            # The projector view hides the sidebar; its own link leads back to the app.
            expect(page.get_by_role("link", name="Back to the app")).to_be_visible(timeout=60_000)
        else:
            expect(page.get_by_role("heading", name=PAGES[address])).to_be_visible(timeout=60_000)
            # Each link reads its icon's name, then its title.
            titles = [
                re.compile(f"{title}$") for title in ("Draw", "Inside", "Gallery", "Train", "Present", "Join a room")
            ]
            expect(navigation.get_by_role("link")).to_have_text(titles)
            expect(page.get_by_text("Active model", exact=True)).to_be_visible(timeout=60_000)
        # Streamlit's file list would name the entry script and the phone's page.
        expect(page.get_by_role("link", name="app", exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name="join", exact=True)).to_have_count(0)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def test_no_page_fetches_anything_from_outside_the_server(tmp_path):
    # A lecture hall's network may be closed: the icon and everything else ship with the app.
    log = tmp_path / "streamlit.log"
    with (
        streamlit_server(log, extra_env={"DIGITS_RUNS_DIR": str(tmp_path / "runs")}) as (url, _),
        chromium() as browser,
    ):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        outside = []
        page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(url) else None)
        for address, ready in (("", "Draw a digit"), ("gallery", "Gallery"), ("train", "Train a network")):
            page.goto(f"{url}/{address}")
            expect(page.get_by_role("heading", name=ready)).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Active model", exact=True)).to_be_visible(timeout=60_000)
        page.goto(f"{url}/present")
        expect(page.get_by_role("link", name="Back to the app")).to_be_visible(timeout=60_000)
        icon = page.locator("link[rel~='icon']").first
        expect(icon).to_have_attribute("href", re.compile(r"^(/|http://127\.0\.0\.1)"))
        assert [address for address in outside if not address.startswith("data:")] == []
