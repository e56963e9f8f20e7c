import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


@pytest.fixture(scope="session")
def sample():
    from model.data import load_sample

    return load_sample()


@pytest.fixture(scope="session")
def shipped_predictor():
    from model.inference import Predictor

    return Predictor.load()
