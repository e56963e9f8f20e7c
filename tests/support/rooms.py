"""A room's confirmed drawings in a hand MNIST lacks, for the teaching's tests and screenshots."""

import numpy as np

from model.data import load_sample
from model.rooms.store import RoomStore


def a_room(count: int = 90, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A room whose hands MNIST lacks: the sample's training digits turned a quarter turn, each
    confirmed with its true digit by its phone."""
    data = load_sample()
    chosen = np.random.default_rng(seed).choice(len(data.x_train), size=count, replace=False)
    return np.rot90(data.x_train[chosen], k=1, axes=(1, 2)).copy(), data.y_train[chosen].astype(np.int64)


def confirmed_drawings(store: RoomStore, code: str, count: int) -> None:
    """``count`` drawings of ``a_room`` sent by as many phones and confirmed with their true digit."""
    images, labels = a_room(count)
    for number, (image, label) in enumerate(zip(images, labels, strict=True)):
        phone = f"phone-{number}"
        drawing = store.add_drawing(code, phone, image, int(label), 0.9)
        store.correct(code, phone, drawing, int(label))
