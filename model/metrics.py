"""The TensorFlow tutorial's metrics: accuracy, per-class precision/recall/F1, confusion matrix,
and ``test_report``, the one way a model's answers on the test split are measured (``evaluate``
runs the model first; training and cards, the Gallery and the benchmarks all end there). A card
keeps the answers themselves too (``record_answers``), so nobody has to run the model again.

Plain numpy, so they can be checked by hand against a small reference example.
"""

import numpy as np

NUM_CLASSES = 10


def confusion_matrix(true_labels, predicted_labels, num_classes=NUM_CLASSES):
    """Rows are true digits, columns predicted digits: entry [t, p] counts images of t read as p."""
    true_labels = np.asarray(true_labels, dtype=np.int64)
    predicted_labels = np.asarray(predicted_labels, dtype=np.int64)
    if true_labels.shape != predicted_labels.shape:
        raise ValueError(f"{true_labels.shape[0]} true labels but {predicted_labels.shape[0]} predictions")
    counts = np.bincount(true_labels * num_classes + predicted_labels, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def accuracy(true_labels, predicted_labels):
    true_labels = np.asarray(true_labels)
    if true_labels.size == 0:
        raise ValueError("accuracy of an empty set is undefined")
    return float(np.mean(true_labels == np.asarray(predicted_labels)))


def precision_recall_f1(matrix):
    """Per-class precision, recall and F1 from a confusion matrix; 0 where a class is never seen."""
    matrix = np.asarray(matrix, dtype=np.float64)
    true_positives = np.diag(matrix)
    predicted_totals = matrix.sum(axis=0)
    true_totals = matrix.sum(axis=1)
    precision = np.divide(
        true_positives, predicted_totals, out=np.zeros_like(true_positives), where=predicted_totals > 0
    )
    recall = np.divide(true_positives, true_totals, out=np.zeros_like(true_positives), where=true_totals > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(both), where=both > 0)
    return precision, recall, f1


def classification_report(true_labels, predicted_labels):
    """Everything the evaluation shows, as plain Python numbers (JSON-ready)."""
    matrix = confusion_matrix(true_labels, predicted_labels)
    precision, recall, f1 = precision_recall_f1(matrix)
    return {
        "accuracy": accuracy(true_labels, predicted_labels),
        "n": int(len(true_labels)),
        "precision": precision.round(6).tolist(),
        "recall": recall.round(6).tolist(),
        "f1": f1.round(6).tolist(),
        "macro_f1": float(f1.mean()),
        "confusion_matrix": matrix.tolist(),
    }


def evaluate(predictor, data):
    """The test-split report of ``predictor`` (anything with ``predict_uint8``) on ``data`` (MnistData)."""
    return test_report(data, predictor.predict_uint8(data.x_test))


def record_answers(data, predicted_labels):
    """What a model card keeps of a test-split run: {the split's id: its answers as a string of
    digits} (10,000 characters for the full set). The Gallery reads them instead of running the
    model over the whole split in front of an audience."""
    predicted_labels = np.asarray(predicted_labels)
    if predicted_labels.shape != data.y_test.shape:
        raise ValueError(f"{len(data.y_test)} test images but {len(predicted_labels)} answers")
    return {data.test_split_id: "".join(map(str, predicted_labels.tolist()))}


def recorded_answers(card, data):
    """The answers ``card`` recorded for ``data``'s test split (an int array), or None when it
    recorded none for this split or they do not fit it."""
    answers = (card.get("test_answers") or {}).get(data.test_split_id)
    if not isinstance(answers, str) or len(answers) != len(data.y_test) or not answers.isdigit():
        return None
    return np.frombuffer(answers.encode("ascii"), dtype=np.uint8) - ord("0")


def test_report(data, predicted_labels):
    """The report for test-split predictions already made (the Gallery keeps its predictions)."""
    report = classification_report(data.y_test, predicted_labels)
    report["data_source"] = data.source
    report["data_is_sample"] = data.is_sample
    return report
