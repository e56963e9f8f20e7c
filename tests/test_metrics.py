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
