"""Model files: atomic saves, cards, run names, the shipped model's place."""

import pytest

from model import storage


class FakeKerasModel:
    """Writes bytes where Keras would write the archive (save_model only calls .save)."""

    def __init__(self, fail=False):
        self.fail = fail

    def save(self, path):
        if self.fail:
            raise OSError("disk full")
        path.write_bytes(b"model bytes")


def test_save_writes_model_and_card_and_leaves_no_temporary_files(tmp_path):
    path = storage.save_model(FakeKerasModel(), {"architecture": "mlp"}, tmp_path / "a" / "run.keras")
    assert path.read_bytes() == b"model bytes"
    assert storage.read_card(path) == {"architecture": "mlp"}
    assert sorted(p.name for p in path.parent.iterdir()) == ["run.json", "run.keras"]


def test_a_failed_save_leaves_nothing_behind(tmp_path):
    with pytest.raises(OSError):
        storage.save_model(FakeKerasModel(fail=True), {}, tmp_path / "run.keras")
    assert list(tmp_path.iterdir()) == []


def test_model_paths_must_end_in_keras(tmp_path):
    with pytest.raises(ValueError, match=r"\.keras"):
        storage.save_model(FakeKerasModel(), {}, tmp_path / "run.h5")


def test_run_paths_are_unique_and_named_for_the_network(tmp_path):
    first, second = storage.new_run_path(tmp_path, "mlp"), storage.new_run_path(tmp_path, "mlp")
    assert first != second and first.name.startswith("mlp-") and first.suffix == ".keras"


def test_a_missing_or_broken_card_reads_as_empty(tmp_path):
    assert storage.read_card(tmp_path / "none.keras") == {}
    (tmp_path / "broken.json").write_text("{not json")
    assert storage.read_card(tmp_path / "broken.keras") == {}


def test_the_shipped_model_and_its_card_are_in_the_package():
    assert (
        storage.SHIPPED_MODEL_PATH.is_file()
        and storage.read_card(storage.SHIPPED_MODEL_PATH)["architecture"] == "ensemble"
    )
