"""A replica killed in the middle of a room (issue 21, faults): two ``streamlit run app.py`` behind
HAProxy (deploy/haproxy.cfg) sharing a PostgreSQL; phones send through the balancer; one replica
is killed without warning. Its phones go on with the other replica, every drawing answered "sent"
is stored exactly once, and a phone can still correct a drawing the dead replica stored."""

import io

import pytest
from PIL import Image

from model.rooms.store import RoomStore
from tests.support.browser import free_port, streamlit_server
from tests.support.drawings import draw_digit
from tests.support.haproxy import REPLICAS, haproxy_balancer
from tests.support.postgres import PostgresServer

httpx2 = pytest.importorskip("httpx2", reason="pip install -r requirements-dev.txt")
pytestmark = pytest.mark.postgres

PHONES = 6


def canvas_png(digit: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(draw_digit(digit, 50, 50, 200, canvas_size=300, stroke_width=22, background=(0, 0, 0))).save(
        buffer, "PNG"
    )
    return buffer.getvalue()


def send(phone, code: str, token: str, key: str, png: bytes) -> dict:
    """As the phone page sends: a dropped connection or a replica's error is tried again with the
    same send key (stored once whatever happened to the first try)."""
    headers = {"Content-Type": "image/png", "X-Phone": token, "X-Send-Key": key}
    for _ in range(4):
        try:
            answer = phone.post(f"/phone/{code}/drawings", content=png, headers=headers)
        except httpx2.TransportError:
            continue
        if answer.status_code < 500:
            return answer.json()
    return {"status": "no answer"}


def test_phones_of_a_killed_replica_go_on_with_the_other_and_nothing_stored_is_lost(tmp_path):
    with PostgresServer() as postgres:
        environment = {
            "DIGITS_ROOM_DATABASE_URL": postgres.url,
            "DIGITS_DATA_DIR": str(tmp_path / "data"),
            "DIGITS_RUNS_DIR": str(tmp_path / "runs"),
        }
        ports = [free_port(), free_port()]
        with (
            streamlit_server(tmp_path / "replica1.log", extra_env=environment, port=ports[0]) as (_, first),
            streamlit_server(tmp_path / "replica2.log", extra_env=environment, port=ports[1]),
            haproxy_balancer(tmp_path / "haproxy.log", ports) as url,
        ):
            store = RoomStore(postgres.url)
            code = store.open_room("presenter-session")
            phones = [httpx2.Client(base_url=url, timeout=60.0) for _ in range(PHONES)]
            tokens = [f"phone-{number}-of-the-hall" for number in range(PHONES)]
            for phone in phones:
                assert phone.get(f"/phone/{code}").status_code == 200
            served_by = [phone.cookies.get("SERVERID") for phone in phones]
            assert set(served_by) == set(REPLICAS)  # round robin: both replicas have phones

            pairs = list(zip(phones, tokens, strict=True))
            first_answers = [send(phone, code, token, "first-drawing", canvas_png(7)) for phone, token in pairs]
            assert [answer["status"] for answer in first_answers] == ["sent"] * PHONES

            first.kill()  # no goodbye: a crashed machine
            first.wait()
            later = [
                send(phone, code, token, key, canvas_png(digit))
                for key, digit in (("second-drawing", 3), ("third-drawing", 1))
                for phone, token in pairs
            ]
            assert [answer["status"] for answer in later] == ["sent"] * (2 * PHONES)
            assert {phone.cookies.get("SERVERID") for phone in phones} == {"replica2"}

            # A drawing the dead replica stored is still its phone's to correct.
            orphan = served_by.index("replica1")
            corrected = phones[orphan].post(
                f"/phone/{code}/drawings/{first_answers[orphan]['id']}/label",
                json={"label": 7},
                headers={"X-Phone": tokens[orphan]},
            )
            assert corrected.json()["status"] == "counted"

            stored = store.latest(code, 100)
            answered_ids = {answer["id"] for answer in first_answers + later}
            assert sorted(drawing.id for drawing in stored) == sorted(answered_ids)  # none lost, none twice
            assert store.stats(code).count == 3 * PHONES
            for phone in phones:
                phone.close()
            store.engine.dispose()
