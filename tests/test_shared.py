"""ui/shared.py: what one server keeps for every session, and that no visitor can clear it."""

import threading
from pathlib import Path

import pytest
from streamlit.runtime.app_session import AppSession

from ui import resources
from ui.shared import kept_for_everyone


def test_a_value_is_computed_once_and_the_least_recently_used_goes_first():
    calls = []

    @kept_for_everyone(max_entries=2)
    def square(number):
        calls.append(number)
        return [number * number]

    first = square(3)
    assert square(3) is first and calls == [3]
    square(4)
    square(3)  # 3 is now the most recently used
    square(5)  # so 4 goes
    assert square.is_kept(3) and square.is_kept(5) and not square.is_kept(4)
    square(4)
    assert calls == [3, 4, 5, 4]


def test_sessions_asking_for_a_value_being_computed_share_that_one_computation():
    started, release, calls = threading.Event(), threading.Event(), []

    @kept_for_everyone()
    def slow_model(name):
        calls.append(name)
        started.set()
        assert release.wait(30)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow_model("cnn"))) for _ in range(4)]
    threads[0].start()
    assert started.wait(30)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(30)
    assert calls == ["cnn"] and len(results) == 4 and len({id(result) for result in results}) == 1


def test_a_failed_computation_is_not_kept():
    attempts = []

    @kept_for_everyone()
    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("disk hiccup")
        return "loaded"

    with pytest.raises(OSError):
        flaky()
    assert flaky() == "loaded" and len(attempts) == 2


def test_a_visitors_clear_caches_request_leaves_what_the_server_shares(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("DIGITS_ROOM_DATABASE_URL", f"sqlite:///{tmp_path / 'rooms.sqlite3'}")
    monkeypatch.setenv("MNIST_PATH", str(Path(resources.__file__).parents[1] / "model" / "mnist_sample.npz"))
    queue, store, data = resources.training_queue(), resources.room_store(), resources.load_data()

    class Visitor:  # what the handler touches besides the caches: the visitor's own session state
        _session_state: dict[str, object] = {"drawing": "strokes"}

    visitor = Visitor()
    # The very handler a browser's "clear caches" message runs (any browser can send one).
    AppSession._handle_clear_cache_request(visitor)  # type: ignore[arg-type]
    assert visitor._session_state == {}
    assert resources.training_queue() is queue
    assert resources.room_store() is store
    assert resources.load_data() is data
