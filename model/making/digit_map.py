"""Make the map of the test digits (``model/inside/digit_map.py`` reads it): the network's
penultimate features for every test digit, PCA to a few dozen dimensions, t-SNE to two.

PCA first is t-SNE's usual preparation: it drops the directions that hold mostly noise and makes
the neighbour search cheap, here and at runtime, where a drawing's features are reduced with the
same projection and compared with the stored ones. t-SNE keeps neighbourhoods, not distances:
the clusters and who lies next to whom mean something, the gaps between clusters little.

``python -m model map [--model PATH] [--data PATH] [--out PATH] [--perplexity P]``
"""

import json
import os
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from model.data import MnistData, as_floats
from model.inside.digit_map import ARRAYS, DigitMap
from model.making.cards import created_now
from model.recognition.features import features_reader
from model.storage import sha256_of_files


def make_digit_map(
    keras_model: Any,
    data: MnistData,
    model_path: Path | str,
    perplexity: float = 30.0,
    dimensions: int = 32,
    seed: int = 0,
    command: str = "python -m model map",
) -> DigitMap:
    """The map of ``data``'s test digits as ``keras_model`` (read from ``model_path``, named in
    the card) sees them. About a minute for the 10,000 test digits on two cores, t-SNE most of it."""
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    from model.recognition.predictor import Predictor

    images, count = data.x_test, len(data.x_test)
    if not 0 < perplexity < count:
        raise ValueError(f"perplexity must be above 0 and below the {count} test digits, got {perplexity}")
    features = features_reader(keras_model)(as_floats(images))
    if not 2 <= dimensions <= min(count, features.shape[1]):
        raise ValueError(f"dimensions must be 2..{min(count, features.shape[1])}, got {dimensions}")
    pca = PCA(n_components=dimensions, random_state=seed).fit(features)
    reduced = pca.transform(features).astype(np.float32)
    tsne = TSNE(n_components=2, init="pca", perplexity=perplexity, random_state=seed)
    coordinates = tsne.fit_transform(reduced).astype(np.float32)
    predicted = Predictor(keras_model).predict_uint8(images).astype(np.uint8)
    model_path = Path(model_path)
    return DigitMap(
        coordinates=coordinates,
        labels=np.asarray(data.y_test, dtype=np.uint8),
        predicted=predicted,
        features=reduced.astype(np.float16),
        projection_mean=pca.mean_.astype(np.float32),
        projection=pca.components_.T.astype(np.float32),
        images=np.asarray(images, dtype=np.uint8),
        card={
            "command": command,
            "model": model_path.name,
            "model_sha256": sha256_of_files([model_path])[:16],
            "created": created_now(),
            "perplexity": float(perplexity),
            "n": count,
            "features": int(features.shape[1]),
            "dimensions": dimensions,
            "explained_variance": round(float(pca.explained_variance_ratio_.sum()), 4),
            "seed": seed,
            "kl_divergence": round(float(tsne.kl_divergence_), 4),
            "test_split_id": data.test_split_id,
            "mistakes": int((predicted != data.y_test).sum()),
        },
    )


def save_digit_map(digit_map: DigitMap, path: Path | str) -> Path:
    """Write ``digit_map`` to ``path`` (.npz, compressed) atomically: a temporary file, then a rename."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"A map path must end in .npz, got {path}")
    digit_map.check()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp.npz")
    arrays = {name: getattr(digit_map, name) for name in ARRAYS}
    try:
        with open(temporary, "wb") as file:  # a file object: numpy adds no second suffix
            np.savez_compressed(file, card=np.array(json.dumps(digit_map.card)), **arrays)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
