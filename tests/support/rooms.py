"""A room's confirmed drawings in a hand MNIST lacks, for the teaching's tests and screenshots."""

import numpy as np

from model.data import as_floats, load_sample
from model.recognition.predictor import Predictor
from model.rooms.store import RoomStore
from model.storage import SHIPPED_MODEL_PATH


def a_room(count: int = 90, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A room whose hands MNIST lacks: the sample's training digits turned a quarter turn, each
    confirmed with its true digit by its phone."""
    data = load_sample()
    chosen = np.random.default_rng(seed).choice(len(data.x_train), size=count, replace=False)
    return np.rot90(data.x_train[chosen], k=1, axes=(1, 2)).copy(), data.y_train[chosen].astype(np.int64)


def confirmed_drawings(store: RoomStore, code: str, count: int) -> None:
    """``count`` drawings of ``a_room`` sent by as many phones with the shipped network's reading,
    each then confirmed or corrected with its true digit."""
    images, labels = a_room(count)
    probabilities = Predictor.load(SHIPPED_MODEL_PATH).predict_probabilities(as_floats(images))
    for number, (image, label, read) in enumerate(zip(images, labels, probabilities, strict=True)):
        phone = f"phone-{number}"
        digit = int(read.argmax())
        drawing = store.add_drawing(code, phone, image, digit, float(read[digit]))
        store.correct(code, phone, drawing, int(label))
