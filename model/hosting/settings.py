"""Every limit a hosted instance needs, in one place, read from environment variables.

Why environment variables (and not Streamlit's secrets or config): the same names work in a
Dockerfile, a Kubernetes pod spec, a Hugging Face Space's settings and a shell; the training
child processes and the command line read them without Streamlit; and none of them is a secret.
The defaults suit a small hosted instance (about 2.5 GB of memory, 2 cores); README's "Limits"
table lists each one.
"""

import dataclasses
import os


def _number(name, default, kind=float):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise ValueError(f"{name}={raw!r} must not be negative")
    return value


@dataclasses.dataclass(frozen=True)
class Limits:
    memory_budget_mb: float  # the whole process tree: server + training children
    server_reserve_mb: float  # what the server itself is allowed before any training is admitted
    training_process_mb: float  # what one training child is expected to hold at its peak
    max_trainings: int  # trainings at once; 0 = derived from the cores and the memory budget
    max_queue: int  # visitors waiting for a training slot
    run_max_image_epochs: int  # per run: epochs x training images
    run_max_seconds: float  # per run: training time; the run is stopped (and kept) after it
    abandoned_after_seconds: float  # a run whose page was not seen for this long is stopped and removed
    runs_max_count: int  # trained models kept on disk, all sessions together
    runs_max_mb: float  # their bytes
    runs_max_age_hours: float  # their age

    @property
    def concurrent_trainings(self):
        """The configured limit, or what the cores and the memory budget allow (at least 1)."""
        if self.max_trainings:
            return self.max_trainings
        cores = os.cpu_count() or 1
        by_cores = max(1, cores - 1)  # one core stays with the people drawing
        by_memory = int((self.memory_budget_mb - self.server_reserve_mb) // self.training_process_mb)
        return max(1, min(by_cores, by_memory))


def limits():
    """The limits from the environment, with the defaults for a small hosted instance."""
    return Limits(
        memory_budget_mb=_number("DIGITS_MEMORY_BUDGET_MB", 2500.0),
        server_reserve_mb=_number("DIGITS_SERVER_RESERVE_MB", 1000.0),
        training_process_mb=_number("DIGITS_TRAINING_PROCESS_MB", 1000.0),
        max_trainings=_number("DIGITS_MAX_TRAININGS", 0, int),
        max_queue=_number("DIGITS_MAX_QUEUE", 20, int),
        run_max_image_epochs=_number("DIGITS_RUN_MAX_IMAGE_EPOCHS", 300_000, int),
        run_max_seconds=_number("DIGITS_RUN_MAX_SECONDS", 300.0),
        abandoned_after_seconds=_number("DIGITS_ABANDONED_AFTER_S", 60.0),
        runs_max_count=_number("DIGITS_RUNS_MAX_COUNT", 50, int),
        runs_max_mb=_number("DIGITS_RUNS_MAX_MB", 200.0),
        runs_max_age_hours=_number("DIGITS_RUNS_MAX_AGE_H", 6.0),
    )


# The audience room of the presentation mode (model/rooms/store.py). Its database holds only 28x28
# inputs and session hashes, so a SQLite file beside the app is enough on one machine; several
# machines point DIGITS_ROOM_DATABASE_URL at one PostgreSQL (postgresql+psycopg://...).
DEFAULT_DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


@dataclasses.dataclass(frozen=True)
class RoomLimits:
    ttl_minutes: float  # a room refuses drawings this long after it opened, and is purged
    max_drawings: int  # drawings one room holds; beyond it, submissions are refused
    max_open_rooms: int  # rooms not yet expired, all presenters together: the rows stay bounded
    rate_count: int  # drawings one phone may send to a room ...
    rate_seconds: float  # ... within this many seconds
    database_url: str = dataclasses.field(repr=False)  # a PostgreSQL URL may carry a password
    opens_per_address_hour: int = 5  # rooms one visitor's address may open an hour
    code_misses_per_minute: int = 30  # room codes one address may try in vain a minute


def _positive(name, default, kind=float):
    value = _number(name, default, kind)
    if value == 0:
        raise ValueError(f"{name} must be more than 0")
    return value


def room_limits():
    """The audience rooms' limits from the environment; the database defaults to a SQLite file."""
    data_dir = os.environ.get("DIGITS_DATA_DIR") or DEFAULT_DATA_DIR
    default_url = "sqlite:///" + os.path.join(os.path.abspath(data_dir), "rooms.sqlite3")
    return RoomLimits(
        ttl_minutes=_positive("DIGITS_ROOM_TTL_MINUTES", 120.0),
        max_drawings=_positive("DIGITS_ROOM_MAX_DRAWINGS", 2000, int),
        max_open_rooms=_positive("DIGITS_ROOM_MAX_OPEN", 200, int),
        rate_count=_positive("DIGITS_ROOM_RATE_COUNT", 10, int),
        rate_seconds=_positive("DIGITS_ROOM_RATE_SECONDS", 30.0),
        database_url=os.environ.get("DIGITS_ROOM_DATABASE_URL", "").strip() or default_url,
        opens_per_address_hour=_positive("DIGITS_ROOM_OPENS_PER_HOUR", 5, int),
        code_misses_per_minute=_positive("DIGITS_ROOM_CODE_MISSES_PER_MINUTE", 30, int),
    )


OPEN_FILES_WANTED = 65_536


def raise_open_file_limit(wanted: int = OPEN_FILES_WANTED) -> tuple[int, int]:
    """Each phone's websocket is an open file: raise this process's soft limit towards its hard
    limit (with a soft limit of 1,024, 200 extra websockets filled the log with tracebacks).
    Returns the soft limit (before, after); where the system does not allow it, it stays."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            return soft, soft
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]
