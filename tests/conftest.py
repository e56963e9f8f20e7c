from pathlib import Path

import pytest

SAMPLE_MNIST = Path(__file__).resolve().parents[1] / "model" / "mnist_sample.npz"


@pytest.fixture(scope="session")
def sample():
    from model.data import load_sample

    return load_sample()


@pytest.fixture(scope="session")
def shipped_predictor():
    from model.recognition.predictor import Predictor

    return Predictor.with_checks()


def pytest_collection_modifyitems(items):
    # The room store's tests run on SQLite and on PostgreSQL: the PostgreSQL ones join that tier.
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and any(
            isinstance(value, str) and value == "postgresql" for value in callspec.params.values()
        )
        if on_postgres or "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def room_database(tmp_path, monkeypatch):
    """A fresh SQLite rooms' database that the app under test (AppTest) uses; its URL. The app's
    trained models go to the test's folder and its MNIST is the bundled sample."""
    url = f"sqlite:///{tmp_path / 'rooms.sqlite3'}"
    monkeypatch.setenv("DIGITS_ROOM_DATABASE_URL", url)
    monkeypatch.setenv("DIGITS_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("MNIST_PATH", str(SAMPLE_MNIST))
    return url
