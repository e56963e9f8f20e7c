import pytest


@pytest.fixture(scope="session")
def sample():
    from model.data import load_sample

    return load_sample()


@pytest.fixture(scope="session")
def shipped_predictor():
    from model.recognition.gate import shipped_gate
    from model.recognition.predictor import Predictor

    return Predictor.load(gate=shipped_gate())
