"""Keep the trained models on disk bounded in count, bytes and age.

Trained models live in ``<runs>/<session>/<run>.keras`` (+ ``.json``). Models of sessions no
longer seen go first, then the oldest; the shipped model and anything outside session folders
(the command line's runs/*.keras) are never touched.
"""

import contextlib
import logging
import shutil
import time

from model.storage import SHIPPED_MODEL_PATH, card_path_for

log = logging.getLogger(__name__)
STALE_TEMPORARY_SECONDS = 600


def prune_runs(runs_folder, limits, owners_in_use=(), now=None):
    """Delete models beyond the limits; returns the paths removed."""
    now = time.time() if now is None else now
    if not runs_folder.is_dir():
        return []
    models = []
    for session_folder in runs_folder.iterdir():
        if not session_folder.is_dir():
            continue
        for model_path in session_folder.glob("*.keras"):
            if model_path.resolve() == SHIPPED_MODEL_PATH.resolve():
                continue
            try:
                stat = model_path.stat()
            except OSError:
                continue
            size = stat.st_size + _size(card_path_for(model_path))
            models.append((session_folder.name in owners_in_use, stat.st_mtime, size, model_path))
    # Removal order: sessions gone before sessions in use, then oldest first.
    models.sort(key=lambda model: (model[0], model[1]))
    removed = []
    count, total_mb = len(models), sum(model[2] for model in models) / 2**20
    for in_use, modified, size, path in models:
        too_old = now - modified > limits.runs_max_age_hours * 3600
        if not (too_old or not in_use or count > limits.runs_max_count or total_mb > limits.runs_max_mb):
            continue
        for file in (path, card_path_for(path)):
            file.unlink(missing_ok=True)
        removed.append(path)
        count, total_mb = count - 1, total_mb - size / 2**20
    removed += _remove_stale_temporary_files(runs_folder, now)
    for session_folder in runs_folder.iterdir():
        if session_folder.is_dir() and not any(session_folder.iterdir()):
            shutil.rmtree(session_folder, ignore_errors=True)
    if removed:
        log.info("retention removed %d trained models", len(removed))
    return removed


def _remove_stale_temporary_files(runs_folder, now):
    """A save cut short (its process killed with the server) leaves ``storage.save_model``'s
    temporary files. A save takes seconds: one older than ``STALE_TEMPORARY_SECONDS`` belongs to
    no live process, even with several servers sharing the folder."""
    removed = []
    for leftover in runs_folder.glob("*/.*.tmp.*"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                leftover.unlink()
                removed.append(leftover)
    return removed


def _size(path):
    try:
        return path.stat().st_size
    except OSError:
        return 0
