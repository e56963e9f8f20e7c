"""bench/feature_scores.py's scores against references: a brute nearest-neighbour search and the
shipped model's own probabilities (the Gaussian score is the familiarity check's: test_familiarity.py)."""

import numpy as np

from bench.feature_scores import NEIGHBOUR, Scores, logits_of, member_heads, softmax


def fitted(seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(10), 40)
    centres = rng.normal(scale=4, size=(10, 6))
    features = (centres[labels] + rng.normal(size=(400, 6))).astype(np.float32)
    heads = [(rng.normal(size=(3, 10)).astype(np.float32), rng.normal(size=10).astype(np.float32)) for _ in range(2)]
    return Scores(features, labels, heads), features, labels, centres, heads


def test_the_neighbour_score_is_the_cosine_distance_to_the_kth_nearest_reference():
    scores, _, _, _, _ = fitted()
    query = np.random.default_rng(2).normal(size=(1, 6)).astype(np.float32)
    similarities = np.sort(scores.reference @ (query[0] / np.linalg.norm(query[0])))
    got = scores(query)[f"cosine distance to the {NEIGHBOUR}th nearest digit"][0]
    assert np.isclose(got, -similarities[-NEIGHBOUR], atol=1e-5)


def test_the_members_heads_give_back_the_shipped_models_own_probabilities(shipped_predictor, sample):
    from model.data import as_floats
    from model.recognition.features import penultimate_model

    images = as_floats(sample.x_test[:200])[..., None]  # every digit, for the Gaussians
    features = penultimate_model(shipped_predictor.model).predict(images, verbose=0)
    heads = member_heads(shipped_predictor.model)
    assert len(heads) == 3  # the ensemble's members
    averaged = np.mean([softmax(logits) for logits in logits_of(features, heads)], axis=0)
    assert np.allclose(averaged, shipped_predictor.predict_probabilities(images), atol=1e-5)
    doubt = Scores(features, averaged.argmax(axis=1), heads)(features)[
        "1 - the members' mean probability of the answer"
    ]
    assert np.allclose(doubt, 1 - averaged.max(axis=1), atol=1e-5)
