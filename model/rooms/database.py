"""The audience rooms' tables and database engine (SQLAlchemy Core), for model/rooms/store.py.

The same tables and statements run on SQLite and PostgreSQL. The only dialect-specific lines are
SQLite's connection set-up: WAL (readers never block the one writer, so the wall keeps polling
while phones submit), a busy timeout (a writer waits for the lock instead of failing), and
``BEGIN IMMEDIATE`` for writing transactions (see ``transaction``).
"""

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

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
    make_url,
)
from sqlalchemy.pool import ConnectionPoolEntry

from model.rooms.errors import RoomUnavailable

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
CODE_LENGTH = 12  # the column's width: today's codes have 8 characters (values.CODE_CHARACTERS)
HASH_LENGTH = 64  # hex SHA-256

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
    """Create the tables if missing; two processes starting at once may race, so try twice."""
    try:
        with transaction(engine, writes=True) as connection:
            metadata.create_all(connection)
    except RoomUnavailable:
        with transaction(engine, writes=True) as connection:
            metadata.create_all(connection)  # the other process won: now it only checks


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
        raise RoomUnavailable() from None
