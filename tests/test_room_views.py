"""ui/room_views.join_address: where the audience's phones are sent to join a room."""

import pytest

from ui.room_views import join_address


def test_a_proxy_address_wins():
    address = join_address("ABC", "http://localhost:8501/present", "https://digits.example.org/", "10.0.0.5", "")
    assert address.link == "https://digits.example.org/phone/ABC" and address.note is None


def test_an_address_phones_can_reach_is_kept_as_the_browser_used_it():
    address = join_address("ABC", "http://192.168.1.20:8501/present", "", "192.168.1.20", "")
    assert address.link == "http://192.168.1.20:8501/phone/ABC" and address.note is None


@pytest.mark.parametrize("local", ["http://localhost:8501/present", "http://127.0.0.1:8501/", "http://[::1]:8501/"])
def test_a_loopback_address_becomes_the_machines_network_address_and_the_wall_says_so(local):
    address = join_address("ABC", local, "", "192.168.1.20", "")
    assert address.link == "http://192.168.1.20:8501/phone/ABC"
    assert "192.168.1.20" in address.note and "same network" in address.note


def test_a_server_bound_to_loopback_or_without_a_network_says_phones_cannot_reach_it():
    bound = join_address("ABC", "http://localhost:8501/", "", "192.168.1.20", "127.0.0.1")
    assert bound.link == "http://localhost:8501/phone/ABC" and "--server.address 0.0.0.0" in bound.note
    offline = join_address("ABC", "http://localhost:8501/", "", "127.0.0.1", "")
    assert "no network address" in offline.note
