import os
import time

from model.hosting.memory import give_back_freed_memory, process_tree_mb, resident_mb
from model.hosting.retention import prune_runs
from model.hosting.settings import limits


def make_model(folder, name, age_hours=0.0, size=1000):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.keras"
    path.write_bytes(b"x" * size)
    path.with_suffix(".json").write_text("{}")
    modified = time.time() - age_hours * 3600
    os.utime(path, (modified, modified))
    return path


def test_retention_bounds_count_bytes_and_age_and_keeps_what_sessions_use(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_RUNS_MAX_COUNT", "3")
    monkeypatch.setenv("DIGITS_RUNS_MAX_AGE_H", "6")
    runs = tmp_path / "runs"
    gone = make_model(runs / "gonegonegone", "a", age_hours=0.1)
    old = make_model(runs / "livelivelive", "old", age_hours=7)
    kept = [make_model(runs / "livelivelive", f"m{index}", age_hours=1 - index * 0.1) for index in range(4)]
    cli_run = make_model(runs, "cli-run")  # the command line's runs/*.keras: not a session's
    removed = prune_runs(runs, limits(), owners_in_use={"livelivelive"})
    assert gone in removed and old in removed  # session gone; too old
    assert kept[0] in removed and all(path.exists() for path in kept[1:])  # the oldest beyond 3
    assert cli_run.exists() and not (runs / "gonegonegone").exists()
    assert not old.with_suffix(".json").exists()


def test_retention_bounds_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITS_RUNS_MAX_MB", "1")
    runs = tmp_path / "runs"
    first = make_model(runs / "session", "first", age_hours=0.2, size=700_000)
    second = make_model(runs / "session", "second", age_hours=0.1, size=700_000)
    assert prune_runs(runs, limits(), owners_in_use={"session"}) == [first] and second.exists()


def test_a_dead_servers_half_saved_files_go_and_a_live_save_stays(tmp_path):
    runs = tmp_path / "runs"
    kept = make_model(runs / "livelivelive", "m")
    stale = runs / "livelivelive" / ".m.0123abcd.tmp.keras"
    saving_now = runs / "livelivelive" / ".n.4567ef01.tmp.keras"
    for path in (stale, saving_now):
        path.write_bytes(b"")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    removed = prune_runs(runs, limits(), owners_in_use={"livelivelive"})
    assert removed == [stale] and not stale.exists()
    assert saving_now.exists() and kept.exists()


def test_memory_of_this_process_tree_is_at_least_its_own():
    own = resident_mb(os.getpid())
    assert own > 10 and process_tree_mb(os.getpid()) >= own


def test_memory_freed_by_python_is_given_back_to_the_system():
    # What an ended session leaves: many small objects, freed, whose pages glibc would keep.
    objects = [bytearray(1000) for _ in range(200_000)]
    with_them = resident_mb(os.getpid())
    del objects
    assert give_back_freed_memory()
    assert resident_mb(os.getpid()) < with_them - 100
