import dataclasses

import numpy as np
import pytest

from model import metrics

# A worked example, computed by hand:
# true 0 0 0 1 1 2 ; predicted 0 0 1 1 2 2
TRUE = [0, 0, 0, 1, 1, 2]
PREDICTED = [0, 0, 1, 1, 2, 2]


def test_confusion_matrix_rows_are_true_columns_predicted():
    matrix = metrics.confusion_matrix(TRUE, PREDICTED, num_classes=3)
    assert matrix.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_precision_recall_f1_against_hand_computed_values():
    precision, recall, f1 = metrics.precision_recall_f1(metrics.confusion_matrix(TRUE, PREDICTED, num_classes=3))
    np.testing.assert_allclose(precision, [1.0, 0.5, 0.5])
    np.testing.assert_allclose(recall, [2 / 3, 0.5, 1.0])
    np.testing.assert_allclose(f1, [0.8, 0.5, 2 / 3])


def test_accuracy_and_report():
    assert metrics.accuracy(TRUE, PREDICTED) == pytest.approx(4 / 6)
    report = metrics.classification_report(TRUE, PREDICTED)
    assert report["n"] == 6 and len(report["f1"]) == 10
    assert report["precision"][3:] == [0.0] * 7  # digits never seen are 0, not NaN


def test_mismatched_lengths_are_an_error():
    with pytest.raises(ValueError):
        metrics.confusion_matrix([1, 2], [1])


def test_a_cards_recorded_answers_are_read_back_only_for_their_own_test_split(sample):
    predicted = (sample.y_test + (np.arange(len(sample.y_test)) % 7 == 0)) % 10  # some wrong
    card = {"test_answers": metrics.record_answers(sample, predicted)}
    np.testing.assert_array_equal(metrics.recorded_answers(card, sample), predicted)
    other_split = dataclasses.replace(sample, x_test=sample.x_test[::-1].copy())
    assert metrics.recorded_answers(card, other_split) is None
    assert metrics.recorded_answers({}, sample) is None
    damaged = {"test_answers": {sample.test_split_id: "12x" * 10}}
    assert metrics.recorded_answers(damaged, sample) is None
    with pytest.raises(ValueError, match="answers"):
        metrics.record_answers(sample, predicted[:-1])


def test_the_shipped_cards_answers_are_the_shipped_models(sample, shipped_predictor):
    recorded = metrics.recorded_answers(shipped_predictor.card, sample)
    assert recorded is not None
    np.testing.assert_array_equal(recorded, shipped_predictor.predict_uint8(sample.x_test))
