"""Server-wide admission for training: a limit on runs at once, a queue people can see, a
budget per run, and runs whose page is gone stopped and removed.

One ``TrainingQueue`` per server process. Pages never wait on it: they ``submit`` a run, read
its state, ``touch`` it while they are shown and ``stop`` it. ``tick`` (called by the queue's own
dispatcher thread every half second) does everything else: it starts queued runs when a slot and
the memory allow, stops abandoned runs and deletes their files, and prunes old models.
"""

import dataclasses
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.hosting.jobs import BackgroundTraining
from model.hosting.memory import process_tree_mb
from model.hosting.reasons import Reason
from model.hosting.retention import prune_runs
from model.hosting.settings import Limits
from model.language import N_, _, ngettext
from model.storage import new_run_path

if TYPE_CHECKING:  # training imports TensorFlow; the server only names its Progress
    from model.making.progress import Progress

log = logging.getLogger(__name__)

# Seconds of training per image-epoch, by network, measured here on 2 cores (bench/train_speed.py
# and the Train page's runs); the queue's waiting times start from these and learn from each run.
# "teach": the shipped ensemble of three taught a room (model/making/teach.py).
SECONDS_PER_IMAGE_EPOCH = {"quick_cnn": 12 / 60_000, "cnn": 35 / 60_000, "mlp": 2.5 / 60_000, "sigmoid": 1.8 / 60_000}
SECONDS_PER_IMAGE_EPOCH["teach"] = 220 / 60_000
START_UP_SECONDS = 8  # a child process importing TensorFlow and loading MNIST
QUEUED, RUNNING, FINISHED, FAILED, CANCELLED, ABANDONED = (
    "queued",
    "running",
    "finished",
    "failed",
    "cancelled",
    "abandoned",
)


class AdmissionError(ValueError):
    """A run that cannot be accepted; the message says why, for the person who asked."""


@dataclasses.dataclass(eq=False)
class Run:
    """One visitor's training run, from the queue to a saved model."""

    owner: str  # the browser session that asked for it
    architecture: str
    options: dict[str, Any]
    save_to: Path
    estimated_seconds: float
    state: str = QUEUED
    job: BackgroundTraining | None = None
    submitted_at: float = 0.0
    started_at: float | None = None
    last_seen: float = 0.0
    failure: str | None = None  # why the queue itself ended the run (memory, abandoned)
    identifier: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def progress(self) -> "Progress | None":
        return self.job.progress if self.job else None

    @property
    def card(self) -> dict[str, Any] | None:
        return self.job.card if self.job else None

    @property
    def saved_path(self) -> Path | None:
        return self.job.saved_path if self.job else None

    @property
    def error(self) -> str | None:
        return self.failure or (self.job.error if self.job else None)

    @property
    def stopped(self) -> bool:
        return bool(self.job and self.job.stopped)

    @property
    def stop_requested(self) -> bool:
        return self.state == CANCELLED or bool(self.job and self.job.stop_requested)

    @property
    def done(self) -> bool:
        return self.state in (FINISHED, FAILED, CANCELLED, ABANDONED)


class TrainingQueue:
    def __init__(
        self,
        limits: Limits,
        runs_folder: str | Path,
        data_source: str,
        clock: Callable[[], float] = time.monotonic,
        dispatch_every: float = 0.5,
    ) -> None:
        self.limits = limits
        self.runs_folder = Path(runs_folder)
        self.data_source = data_source
        self.clock = clock
        self._runs: list[Run] = []  # every run not yet forgotten, in the order submitted
        self._owners_seen: dict[str, float] = {}  # owner -> last time one of its pages was seen
        self._seconds_per_image_epoch = dict(SECONDS_PER_IMAGE_EPOCH)
        self._lock = threading.RLock()
        self._last_prune: float | None = None
        self._dispatcher: threading.Thread | None = None
        if dispatch_every:
            self._dispatcher = threading.Thread(
                target=self._dispatch, args=(dispatch_every,), name="training-queue", daemon=True
            )
            self._dispatcher.start()

    # --- what pages call -------------------------------------------------------------------

    def submit(self, owner: str, architecture: str, options: Mapping[str, Any]) -> Run:
        """Queue a run for ``owner``; AdmissionError with a reason if it cannot be accepted."""
        extra = options.get("extra_digits")
        image_epochs = int(options["epochs"]) * (int(options["train_size"]) + (0 if extra is None else len(extra[1])))
        if image_epochs > self.limits.run_max_image_epochs:
            message = _(
                "That run is {epochs} epochs × {images:,} images = {image_epochs:,} image-epochs; this server "
                "allows {allowed:,} per run. Choose fewer epochs or fewer images."
            )
            sizes = {"epochs": options["epochs"], "images": options["train_size"], "image_epochs": image_epochs}
            raise AdmissionError(message.format(allowed=self.limits.run_max_image_epochs, **sizes))
        with self._lock:
            if any(run.owner == owner and not run.done for run in self._runs):
                raise AdmissionError(_("You already have a training run; stop it or wait for it to finish."))
            if sum(run.state == QUEUED for run in self._runs) >= self.limits.max_queue:
                raise AdmissionError(
                    ngettext(
                        "{count} person is already waiting to train: please try again in a minute.",
                        "{count} people are already waiting to train: please try again in a minute.",
                        self.limits.max_queue,
                    ).format(count=self.limits.max_queue)
                )
            now = self.clock()
            run = Run(
                owner=owner,
                architecture=architecture,
                options=dict(options),
                save_to=new_run_path(self.runs_folder / owner, architecture),
                estimated_seconds=self._estimate(architecture, image_epochs),
                submitted_at=now,
                last_seen=now,
            )
            self._runs.append(run)
            self._owners_seen[owner] = now
        self.tick()
        return run

    def touch(self, run: Run | None = None, owner: str | None = None) -> None:
        """The page of ``run`` (or any page of ``owner``) is being shown: keep its runs alive."""
        now = self.clock()
        with self._lock:
            if run is not None:
                run.last_seen = now
                owner = run.owner
            if owner is not None:
                self._owners_seen[owner] = now

    def stop(self, run: Run) -> None:
        """Stop a running run after its current batch (the model is kept), or cancel a queued one."""
        with self._lock:
            if run.state == QUEUED:
                run.state = CANCELLED
            elif run.state == RUNNING and run.job is not None:
                run.job.stop()

    def position(self, run: Run) -> int | None:
        """1 for the first in line; None once the run is not waiting."""
        with self._lock:
            waiting = [other for other in self._runs if other.state == QUEUED]
            return waiting.index(run) + 1 if run in waiting else None

    def wait_seconds(self, run: Run) -> float | None:
        """About how long until ``run`` starts: the running runs' time left, then those ahead of it."""
        with self._lock:
            slots = self.limits.concurrent_trainings
            finishing = sorted(self._time_left(other) for other in self._runs if other.state == RUNNING)
            free_at = finishing + [0.0] * max(0, slots - len(finishing))
            free_at = sorted(free_at)[:slots] if free_at else [0.0]
            for other in self._runs:
                if other is run:
                    return min(free_at)
                if other.state == QUEUED:
                    soonest = free_at.index(min(free_at))
                    free_at[soonest] += other.estimated_seconds
            return None

    def runs(self) -> list[Run]:
        with self._lock:
            return list(self._runs)

    # --- what the dispatcher does ----------------------------------------------------------

    def tick(self) -> None:
        now = self.clock()
        with self._lock:
            for run in self._runs:
                self._follow(run, now)
            self._admit()
            # Forget what is over and no longer shown, so the list stays bounded.
            self._runs = [
                run
                for run in self._runs
                if not (run.done and now - run.last_seen > self.limits.abandoned_after_seconds)
            ]
            stale = [
                owner for owner, seen in self._owners_seen.items() if now - seen > self.limits.abandoned_after_seconds
            ]
            for owner in stale:
                del self._owners_seen[owner]
            if self._last_prune is None or now - self._last_prune > 60:
                self._last_prune = now
                self.prune()

    def prune(self) -> list[Path]:
        """Apply the retention limits to the runs folder; models of sessions still seen come last."""
        with self._lock:
            in_use = set(self._owners_seen) | {run.owner for run in self._runs if not run.done}
        return prune_runs(self.runs_folder, self.limits, owners_in_use=in_use)

    def _follow(self, run: Run, now: float) -> None:
        abandoned = now - run.last_seen > self.limits.abandoned_after_seconds
        if run.state == QUEUED and abandoned:
            run.state = ABANDONED
        elif run.state == RUNNING and run.job is not None:
            if abandoned and not run.job.stop_requested:
                run.job.stop()
                run.failure = Reason(N_("the page was closed"))
            if run.job.done:
                run.state = ABANDONED if abandoned else (FAILED if run.job.error else FINISHED)
                self._learn(run)
        if run.state == ABANDONED and run.save_to.exists():
            for path in (run.save_to, run.save_to.with_suffix(".json")):
                path.unlink(missing_ok=True)
            log.info("removed the abandoned run %s", run.identifier)

    def _admit(self) -> None:
        running = sum(run.state == RUNNING for run in self._runs)
        for run in self._runs:
            if run.state != QUEUED or running >= self.limits.concurrent_trainings:
                continue
            in_use = process_tree_mb(os.getpid())
            if in_use is not None and in_use + self.limits.training_process_mb > self.limits.memory_budget_mb:
                if running == 0:  # nothing will free memory: waiting would be forever
                    run.state = FAILED
                    run.failure = Reason(
                        N_(
                            "the server has no memory to spare for training now ({in_use:.0f} MB of its "
                            "{budget:.0f} MB in use); please try again later"
                        ),
                        in_use=in_use,
                        budget=self.limits.memory_budget_mb,
                    )
                return
            run.job = BackgroundTraining(
                run.architecture, self.data_source, run.save_to, max_seconds=self.limits.run_max_seconds, **run.options
            ).start()
            run.state, run.started_at = RUNNING, self.clock()
            running += 1

    def _time_left(self, run: Run) -> float:
        progress = run.progress
        if progress is not None and progress.remaining_seconds is not None:
            return progress.remaining_seconds
        elapsed = self.clock() - (run.started_at or self.clock())
        return max(1.0, run.estimated_seconds - elapsed)

    def _estimate(self, architecture: str, image_epochs: int) -> float:
        per_image_epoch = self._seconds_per_image_epoch.get(architecture, max(self._seconds_per_image_epoch.values()))
        return START_UP_SECONDS + per_image_epoch * image_epochs

    def _learn(self, run: Run) -> None:
        card = run.card
        if run.state == FINISHED and card and not card.get("stopped") and card.get("training_seconds"):
            image_epochs = card["epochs"] * card["train_size"]
            self._seconds_per_image_epoch[run.architecture] = card["training_seconds"] / image_epochs

    def _dispatch(self, every: float) -> None:
        while True:
            try:
                self.tick()
            except Exception:  # the dispatcher must outlive any one bad run
                log.exception("training queue tick failed")
            time.sleep(every)  # a background loop's period, not a wait on a result
