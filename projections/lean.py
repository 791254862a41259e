"""The projections' fast read path: stored rows straight from the events table,
decoded with orjson into exactly the events the library's mapper would build.

The library's path (``recorder.select_notifications`` then
``mapper.to_domain_event``) builds a ``Notification`` per row and decodes JSON
with a Python object hook called for every object; a rebuild reads the whole
log, so both show. Here a page is a list of plain tuples (one SQL statement on
SQLite or PostgreSQL; the recorder's own select elsewhere), and a state is parsed by orjson,
then only the objects the library's transcoder would turn into values
(``{"_type_": …, "_data_": …}``) are converted, with the same transcodings.
The event is then made as ``Mapper.to_domain_event`` makes it (class from the
topic, id converted, upcast to the class version, ``__dict__`` set), so the
fold sees identical events. A state orjson refuses (NaN, infinities, lone
surrogates) or might read otherwise (integers beyond 64 bits) is decoded by
the library instead. The ledger still hashes the
stored bytes as read: ``notification`` rebuilds the library's record of a row.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import JSONTranscoder, Notification, find_id_convertor
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import resolve_topic
from psycopg.sql import SQL, Composed, Identifier

from domain.application import MinhBach

RECORDS_A_STATEMENT = 500  # ids in one IN (…) list on SQLite


class StoredRow(NamedTuple):
    """One row of the events table, as stored (the originator id as the backend gives it)."""

    id: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


def notification(row: StoredRow, convert: Callable[[Any], Any]) -> Notification:
    """The library's record of ``row`` (what the ledger hashes)."""
    return Notification(
        id=row.id,
        originator_id=convert(row.originator_id),
        originator_version=row.originator_version,
        topic=row.topic,
        state=row.state,
    )


class LeanReader:
    """Pages of stored rows and their events, for one application."""

    def __init__(self, app: MinhBach, page: int) -> None:
        self.app = app
        self.page = page
        recorder = app.recorder
        self._sql: str | None = None
        self._pg_sql: Composed | None = None
        self._pg_at: Composed | None = None
        self._pg_of: Composed | None = None
        self._at: str | None = None
        self._of: str | None = None
        if isinstance(recorder, PostgresApplicationRecorder):
            columns = SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM {schema}.{table} "
            ).format(
                schema=Identifier(recorder.datastore.schema),
                table=Identifier(recorder.events_table_name),
            )
            self._pg_sql = columns + SQL(
                "WHERE notification_id>%s AND notification_id<=%s ORDER BY notification_id LIMIT %s"
            )
            self._pg_at = columns + SQL("WHERE notification_id = ANY(%s) ORDER BY notification_id")
            self._pg_of = columns + SQL(
                "WHERE originator_id = ANY(%s) AND notification_id <= %s ORDER BY notification_id"
            )
        if isinstance(recorder, SQLiteApplicationRecorder):
            columns_sql = (
                "SELECT rowid, originator_id, originator_version, topic, state "
                f"FROM {recorder.events_table_name} "
            )
            self._sql = columns_sql + "WHERE rowid>? AND rowid<=? ORDER BY rowid LIMIT ?"
            self._at = columns_sql + "WHERE rowid IN ({}) ORDER BY rowid"
            # The primary key's index (originator id, version) finds a record's rows.
            self._of = columns_sql + "WHERE originator_id IN ({}) AND rowid <= ?"
            self.convert_id: Callable[[Any], Any] = recorder.convert_originator_id
        else:
            self.convert_id = _same
        mapper = app.mapper
        # Only the plain JSON mapping can be decoded here; anything else goes through
        # the library (a cipher or a compressor would change the stored bytes).
        self.lean = (
            isinstance(mapper.transcoder, JSONTranscoder)
            and mapper.cipher is None
            and mapper.compressor is None
        )
        self._classes: dict[str, tuple[type, type, Callable[[Any], Any], int]] = {}
        transcoder = mapper.transcoder
        self._decoders = (
            {name: t.decode for name, t in transcoder.names.items()}
            if isinstance(transcoder, JSONTranscoder)
            else {}
        )

    def pages(self, after: int, upto: int) -> Iterator[list[StoredRow]]:
        """Rows with ids in (after, upto], page by page (ids may have gaps)."""
        position = after
        while position < upto:
            page = self._select(position, upto)
            if not page:
                return
            yield page
            position = page[-1].id

    @property
    def can_select_at(self) -> bool:
        """Whether rows can be read by position (SQLite and PostgreSQL)."""
        return self._at is not None or self._pg_at is not None

    def rows_at(self, positions: Sequence[int]) -> list[StoredRow]:
        """The rows at these positions, in log order (one statement per page)."""
        recorder = self.app.recorder
        ordered = sorted(set(positions))
        found: list[StoredRow] = []
        for start in range(0, len(ordered), self.page):
            chunk = ordered[start : start + self.page]
            if self._at is not None:
                assert isinstance(recorder, SQLiteApplicationRecorder)
                sql = self._at.format(",".join("?" * len(chunk)))
                with recorder.datastore.transaction(commit=False) as c:
                    c.execute(sql, chunk)
                    found.extend(StoredRow(*row) for row in c.fetchall())
            elif self._pg_at is not None:
                assert isinstance(recorder, PostgresApplicationRecorder)
                with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
                    curs.execute(self._pg_at, (chunk,), prepare=True)
                    found.extend(_postgres_row(r) for r in curs.fetchall())
            else:
                raise NotImplementedError("rows by position need SQLite or PostgreSQL")
        return found

    def rows_of(self, records: Iterable[UUID], upto: int) -> list[StoredRow]:
        """Every row of these records up to position ``upto``, in log order: a chunk of
        ids a statement, by the primary key's index, not a scan of the log."""
        recorder = self.app.recorder
        ids = sorted(records)
        if self._of is not None:
            assert isinstance(recorder, SQLiteApplicationRecorder)
            found: list[StoredRow] = []
            with recorder.datastore.transaction(commit=False) as c:
                for start in range(0, len(ids), RECORDS_A_STATEMENT):
                    part = [record.hex for record in ids[start : start + RECORDS_A_STATEMENT]]
                    c.execute(self._of.format(",".join("?" * len(part))), (*part, upto))
                    found.extend(StoredRow(*row) for row in c.fetchall())
            return sorted(found, key=lambda row: row.id)
        if self._pg_of is not None:
            assert isinstance(recorder, PostgresApplicationRecorder)
            with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(self._pg_of, (ids, upto))
                return [_postgres_row(r) for r in curs.fetchall()]
        raise NotImplementedError("rows by record need SQLite or PostgreSQL")

    def _select(self, after: int, upto: int) -> list[StoredRow]:
        recorder = self.app.recorder
        if self._sql is not None:
            assert isinstance(recorder, SQLiteApplicationRecorder)
            with recorder.datastore.transaction(commit=False) as c:
                c.execute(self._sql, (after, upto, self.page))
                return [StoredRow(*row) for row in c.fetchall()]
        if self._pg_sql is not None:
            assert isinstance(recorder, PostgresApplicationRecorder)
            with recorder.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(self._pg_sql, (after, upto, self.page), prepare=True)
                return [_postgres_row(r) for r in curs.fetchall()]
        found = recorder.select_notifications(
            start=after, limit=self.page, stop=upto, inclusive_of_start=False
        )
        return [
            StoredRow(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in found
        ]

    def event(self, row: StoredRow) -> Any:
        """The domain event of ``row``, equal to ``mapper.to_domain_event``'s."""
        if not self.lean:
            return self.app.mapper.to_domain_event(notification(row, self.convert_id))
        try:
            state = orjson.loads(row.state)
            if type(state) is not dict or ("_type_" in state and len(state) == 2):
                raise ValueError("not a plain event state")
            self._decode_in(state)
        except Exception:  # the library decodes it, or raises its own error
            return self.app.mapper.to_domain_event(notification(row, self.convert_id))
        return self.build(row, state)

    def _decode_in(self, container: Any) -> None:
        """Turn the transcoded objects inside ``container`` into values, innermost
        first, as the library's object hook does. A float is refused: orjson reads
        an integer beyond 64 bits as one (no event stores floats: the library
        decodes those)."""
        decoders = self._decoders
        items = container.items() if type(container) is dict else enumerate(container)
        for key, item in items:
            kind = type(item)
            if kind is dict:
                if len(item) == 2 and "_type_" in item and "_data_" in item:
                    data = item["_data_"]
                    if type(data) is dict or type(data) is list:
                        self._decode_in(item)
                        data = item["_data_"]
                    container[key] = decoders[item["_type_"]](data)
                    continue
                self._decode_in(item)
                if len(item) == 2 and "_type_" in item and "_data_" in item:
                    container[key] = decoders[item["_type_"]](item["_data_"])
            elif kind is list:
                self._decode_in(item)
            elif kind is float:
                raise ValueError("a float, or an integer beyond 64 bits")

    def build(self, row: StoredRow, state: dict[str, Any]) -> Any:
        """``Mapper.to_domain_event`` from a decoded state (eventsourcing 9.5); the
        class, its id conversion and version looked up once per topic."""
        originator_id = self.convert_id(row.originator_id)
        known = self._classes.get(row.topic)
        if known is None or known[1] is not type(originator_id):
            cls = resolve_topic(row.topic)
            convertor = find_id_convertor(cls, cast(Hashable, type(originator_id)))
            known = self._classes[row.topic] = (
                cls,
                type(originator_id),
                convertor,
                getattr(cls, "class_version", 1),
            )
        cls, _, convertor, class_version = known
        state["originator_id"] = convertor(originator_id)
        state["originator_version"] = row.originator_version
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        event: Any = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event


def _postgres_row(r: Any) -> StoredRow:
    """A row of psycopg's dict cursor as stored (the state as bytes, not a memoryview)."""
    return StoredRow(
        r["notification_id"],
        r["originator_id"],
        r["originator_version"],
        r["topic"],
        bytes(r["state"]),
    )


def _same(value: Any) -> Any:
    return value
