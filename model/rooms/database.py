"""The audience rooms' tables and database engine (SQLAlchemy Core), for model/rooms/store.py.

The same tables and statements run on SQLite and PostgreSQL. The only dialect-specific lines are
SQLite's connection set-up: WAL (readers never block the one writer, so the wall keeps polling
while phones submit), a busy timeout (a writer waits for the lock instead of failing), and
``BEGIN IMMEDIATE`` for writing transactions (see ``transaction``).

A database made by an older version keeps working: ``create_tables`` adds the columns it lacks
(``upgrade_tables``), which both databases do in place, inside the same transaction.
"""

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from sqlalchemy import (
    URL,
    Boolean,
    Column,
    Connection,
    Double,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    create_engine,
    event,
    exc,
    false,
    inspect,
    make_url,
    update,
)
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.schema import CreateColumn

from model.rooms.errors import RoomUnavailable

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
CODE_LENGTH = 12  # the column's width: today's codes have 8 characters (values.CODE_CHARACTERS)
HASH_LENGTH = 64  # hex SHA-256
MODEL_PATH_LENGTH = 1000

metadata = MetaData()

rooms = Table(
    "digit_rooms",
    metadata,
    Column("code", String(CODE_LENGTH), primary_key=True),
    Column("owner", String(HASH_LENGTH), nullable=False),  # hash of the presenter's session id
    Column("created", Double, nullable=False),
    Column("expires", Double, nullable=False, index=True),
    Column("closed", Boolean, nullable=False),
    Column("cleared_through", Integer, nullable=False),  # the wall shows drawings with a larger id
    # Moderation: while on, new drawings wait for the presenter (model/rooms/moderation.py).
    Column("approve_first", Boolean, nullable=False, server_default=false()),
    # The model file the room's phones read with; NULL: the shipped one (model/rooms/teaching.py).
    Column("model", String(MODEL_PATH_LENGTH), nullable=True),
)

drawings = Table(
    "digit_room_drawings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("room", String(CODE_LENGTH), nullable=False),
    Column("submitter", String(HASH_LENGTH), nullable=False),  # hash of the phone's session id
    Column("image", LargeBinary, nullable=False),  # 784 bytes: the uint8 28x28 the network saw
    Column("digit", SmallInteger, nullable=False),  # the network's reading
    Column("confidence", Double, nullable=False),
    Column("label", SmallInteger, nullable=True),  # the true digit, once its submitter says so
    Column("hidden", Boolean, nullable=False),
    Column("created", Double, nullable=False),
    Column("refused", Boolean, nullable=False, server_default=false()),  # the "is it a digit?" gate said no
    # When it went on the wall; NULL while it waits for the presenter (refused, or the room
    # approves first). The wall orders by it, so a drawing shown late appears in front.
    Column("shown", Double, nullable=True),
    # What the phone calls this drawing (its canvas and pixels): a retry of the same send is
    # answered with the drawing already stored, never stored twice.
    Column("send_key", String(HASH_LENGTH), nullable=True),
    Index("digit_room_drawings_by_room", "room", "id"),
    Index("digit_room_drawings_by_submitter", "room", "submitter", "created"),
    # Ids only grow, even after deletions: a clear is remembered as "everything up to this id".
    sqlite_autoincrement=True,
)


def make_engine(url: str | URL) -> Engine:
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def set_up_sqlite(dbapi_connection: sqlite3.Connection, connection_record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_sqlite(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front, so a check-then-insert (the room's bound, the
        # rate limit) cannot interleave with another process's; a deferred BEGIN would upgrade
        # later and fail at once with "database is locked" instead of waiting.
        writes = connection.get_execution_options().get("digits_writes")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def create_tables(engine: Engine) -> None:
    """Create the tables if missing, or add the columns an older version's lack; two processes
    starting at once may race, so try twice."""
    try:
        with transaction(engine, writes=True) as connection:
            metadata.create_all(connection)
            upgrade_tables(connection)
    except RoomUnavailable:
        with transaction(engine, writes=True) as connection:
            metadata.create_all(connection)  # the other process won: now it only checks
            upgrade_tables(connection)


def upgrade_tables(connection: Connection) -> list[str]:
    """Add the columns a database made by an older version lacks; returns them as table.column.
    Only columns that are nullable or have a server default can be added this way (SQLite's
    rule), which every column added since the first version is."""
    inspector = inspect(connection)
    added = []
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable and column.server_default is None:
                raise ValueError(f"{table.name}.{column.name} cannot be added to existing rows: it needs a default")
            table_name = connection.dialect.identifier_preparer.format_table(table)
            definition = CreateColumn(column).compile(dialect=connection.dialect)
            connection.exec_driver_sql(f"ALTER TABLE {table_name} ADD COLUMN {definition}")
            added.append(f"{table.name}.{column.name}")
    if f"{drawings.name}.shown" in added:
        # Before moderation every drawing went on the wall as it arrived: it stays there.
        connection.execute(update(drawings).values(shown=drawings.c.created))
    if added:
        log.info("The rooms' database was upgraded: added %s", ", ".join(added))
    return added


@contextlib.contextmanager
def transaction(engine: Engine, writes: bool) -> Iterator[Connection]:
    """A connection inside one transaction, committed at the end or rolled back on error. A
    database that fails (gone, damaged, restarting) is RoomUnavailable: the pages say so, and
    the SQL and the server's paths stay in the log."""
    try:
        with engine.connect() as connection:
            connection.execution_options(digits_writes=writes)
            with connection.begin():
                yield connection
    except exc.SQLAlchemyError as error:
        log.warning("The rooms' database failed: %s: %s", type(error).__name__, error)
        passing = isinstance(error, (exc.OperationalError, exc.InterfaceError)) or bool(
            getattr(error, "connection_invalidated", False)
        )
        raise RoomUnavailable(passing) from None


# A database that restarts is back within seconds: a send waits this long (about 4 s in all,
# each wait longer) before the phone is told the room is unavailable.
RETRY_WAITS_SECONDS = (0.25, 0.5, 1.0, 2.0)

Result = TypeVar("Result")


def retried(operation: Callable[[], Result], waits: Sequence[float] = RETRY_WAITS_SECONDS) -> Result:
    """``operation()``, tried again after each wait while the database's failure may pass by
    itself. Only for operations that are safe to repeat: a send carries its send key, so a
    retry after a commit whose answer was lost stores nothing twice."""
    for wait in waits:
        try:
            return operation()
        except RoomUnavailable as failure:
            if not failure.passing:
                raise
            log.info("The rooms' database is away; trying again in %.2f s", wait)
            time.sleep(wait)
    return operation()
