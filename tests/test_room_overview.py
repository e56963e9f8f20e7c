"""The wall of a full room (AppTest): past OVERVIEW_AFTER drawings on the wall, the tiles give way
to an overview (a mosaic as one image, the counts per digit read, the most confident and most
doubtful); below it the tiles stay, with Hide. The store's queries: tests/test_rooms.py."""

import io
import json

import numpy as np
import pyarrow as pa
import pytest
from PIL import Image

from model.rooms.store import RoomStore
from tests.test_room_moderation import PRESENTER, labels, wall
from ui.room_overview import MOSAIC_COLUMNS, OVERVIEW_AFTER, mosaic_png


@pytest.fixture
def store(room_database):
    made = RoomStore(room_database)
    yield made
    made.engine.dispose()


def fill(store, count):
    """A room with ``count`` drawings on the wall, one per phone: the reading is index % 10, the
    confidence rises with the index; every third is confirmed, every ninth corrected to another digit."""
    code = store.open_room(PRESENTER)
    ids = []
    for index in range(count):
        phone = f"phone-{index}"
        image = np.zeros((28, 28), np.uint8)
        image[4:24, 12:16] = 255
        ids.append(store.add_drawing(code, phone, image, index % 10, 0.3 + 0.6 * index / count))
        if index % 3 == 0:
            store.correct(code, phone, ids[-1], (index % 10 + (index % 9 == 0)) % 10)
    return code, ids


def html_blocks(app):
    return [element.proto.body for element in app.get("html")]


def test_a_full_room_shows_the_overview(store):
    code, ids = fill(store, 30)
    app = wall(code)
    assert next(metric.value for metric in app.metric if metric.label == "Drawings") == "30"
    headings = [block.value for block in app.markdown]
    assert "#### The latest 30 drawings" in headings and "#### What the network read" in headings
    [chart] = app.get("vega_lite_chart")
    assert json.loads(chart.proto.spec)["encoding"]["y"]["field"] == "count"
    counts = pa.ipc.open_stream(chart.proto.data.data).read_all().to_pydict()
    assert counts == {"digit": [str(digit) for digit in range(10)], "count": [3] * 10}
    blocks = html_blocks(app)
    confident = next(block for block in blocks if 'data-testid="room-confident"' in block)
    doubtful = next(block for block in blocks if 'data-testid="room-doubtful"' in block)
    assert "Most confident" in confident and "Most doubtful" in doubtful
    assert confident.count("<figure>") == doubtful.count("<figure>") == 4
    assert "88% sure" in confident and "30% sure" in doubtful  # the last drawing's, the first one's
    # The QR code, the mosaic and the confusion matrix: no picture of its own per drawing.
    assert len(app.get("image")) == 3
    assert "Hide" not in labels(app)
    assert "Pick drawings to hide" in [toggle.label for toggle in app.toggle]


def test_the_owner_hides_from_the_overview_through_the_picker(store):
    code, ids = fill(store, 30)
    app = wall(code)
    app.toggle(key=f"pick-to-hide-{code}").set_value(True).run()
    assert not app.exception
    hide = [button for button in app.button if button.label == "Hide"]
    assert len(hide) == 24
    next(button for button in hide if button.key == f"hide-picked-{ids[-1]}").click().run()
    assert not app.exception
    assert ids[-1] not in [drawing.id for drawing in store.latest(code, 100)]
    assert next(metric.value for metric in app.metric if metric.label == "Drawings") == "29"


def test_a_room_at_the_threshold_keeps_its_tiles(store):
    code, _ = fill(store, OVERVIEW_AFTER)
    app = wall(code)
    assert labels(app).count("Hide") == OVERVIEW_AFTER
    assert not any("room-confident" in block for block in html_blocks(app))
    assert "Pick drawings to hide" not in [toggle.label for toggle in app.toggle]


def test_a_room_of_five_keeps_its_tiles_and_an_outsider_sees_the_overview_without_hide(store):
    code, _ = fill(store, 5)
    assert labels(wall(code)).count("Hide") == 5
    full, _ = fill(store, 40)
    outsider = wall(full, session="someone else")
    assert "#### The latest 40 drawings" in [block.value for block in outsider.markdown]
    assert not [toggle for toggle in outsider.toggle if toggle.label == "Pick drawings to hide"]


def test_the_mosaic_is_one_picture_newest_first_with_mistakes_framed(store):
    code, ids = fill(store, 30)
    latest = store.overview(code, latest=30).latest
    picture = np.asarray(Image.open(io.BytesIO(mosaic_png(latest, dark=False))))
    side, step = 84, 90
    assert picture.shape == (3 * step - 6, MOSAIC_COLUMNS * step - 6, 3)
    assert (picture[0, 0] == 0).all()  # the newest tile starts top left, black as the network saw it
    framed = [index for index, drawing in enumerate(latest) if drawing.label not in (None, drawing.digit)]
    assert framed  # every ninth drawing was corrected
    for index in range(len(latest)):
        top, left = (index // MOSAIC_COLUMNS) * step, (index % MOSAIC_COLUMNS) * step
        red = tuple(picture[top, left + side // 2]) == (0xD6, 0x27, 0x28)
        assert red == (index in framed)
    assert mosaic_png(latest, dark=False) is mosaic_png(latest, dark=False)  # kept, not composed again
