import pytest


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
