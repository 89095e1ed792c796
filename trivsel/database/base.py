"""PostgreSQL as Django's backend, with a health check that costs no round trip on a connection
checked a moment ago.

CONN_HEALTH_CHECKS makes Django send `SELECT 1` before the first query of every request, so
that a connection PostgreSQL has dropped (a restart) is replaced instead of failing the request:
one round trip more on every page, a third of what the smallest signed-in page sends. Here a
connection is checked when it has not been checked or opened for HEALTH_CHECK_SECONDS; a busy
web worker checks it about once a second instead of once a request. A restart takes longer than
that, so a connection from before it is still checked; a connection cut within that second
fails one request (the Danish 503 page), is closed at the end of it (Django checks a connection
that had an error) and the next request opens a new one.
"""

import time
from contextlib import contextmanager

import psycopg
import psycopg._queries
from django.db.backends.postgresql import base

HEALTH_CHECK_SECONDS = 1.0

# psycopg remembers how it split a statement into text and placeholders only for statements of
# up to 4 KiB and 50 parameters; others are split again at every run (a regular expression over
# the whole text). The prepared statements (prepared_cursor) are few and some are larger (Mit
# overblik's meetings query: 4.6 KiB, 52 parameters), so the limits are raised for them: the
# memory is psycopg's own 128-entry cache, which only those statements use (Django's cursors
# bind on the client, with a cache of their own). Should psycopg drop the settings, this only
# loses the saving.
psycopg._queries.MAX_CACHED_STATEMENT_LENGTH = 64 * 1024
psycopg._queries.MAX_CACHED_STATEMENT_PARAMS = 1000


class DatabaseOperations(base.DatabaseWrapper.ops_class):
    def last_executed_query(self, cursor, sql, params):
        # For the query log (DEBUG, the tests' query counts): a prepared statement is sent by
        # name, so psycopg keeps no text of it; its SQL with the values is written out instead.
        if isinstance(cursor, PreparingCursor):
            try:
                return self.compose_sql(sql, params)
            except psycopg.errors.DataError:
                return None
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    _checked_at = float("-inf")

    def connect(self):
        super().connect()
        self._checked_at = time.monotonic()

    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if time.monotonic() - self._checked_at < HEALTH_CHECK_SECONDS:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
        if self.connection is not None:
            self._checked_at = time.monotonic()

    def get_connection_params(self):
        params = super().get_connection_params()
        # The prepared statements (prepared_cursor) are planned once for any values: PostgreSQL's
        # default (auto) plans the first five runs for their values and then keeps a generic plan
        # only if its estimate is no worse; where the estimate of a range of days or an array of
        # ids is vague, it plans every run again (0.4 ms for a leader's expiring consents, whose
        # generic plan runs in 0.07 ms), measured over the demo and Skala Kommune: the generic
        # plans were as fast or faster for every persona. It reaches only the prepared statements
        # (Django's cursors bind on the client) and costs no round trip: it goes with the
        # connection's start-up.
        options = params.get("options", "")
        params["options"] = f"{options} -c plan_cache_mode=force_generic_plan".strip()
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # psycopg prepares nothing, not even on request, without a threshold; Django leaves it
        # unset. One too high to be reached prepares only what asks for it: the
        # PreparingCursor's statements (Django's own cursors bind on the client and never do).
        if connection.prepare_threshold is None:
            connection.prepare_threshold = 2**31 - 1
        return connection

    def prepared_cursor(self):
        """A cursor whose statements are prepared on the server (psycopg's prepare=True) and kept
        for the life of the connection: PostgreSQL parses and plans a statement once, for any
        values (get_connection_params), and then runs it without planning again. For the
        statements whose text never changes, only their values (trivsel.database.compiled);
        Django's own cursors bind on the client, where nothing can be prepared. Logged and
        wrapped as Django's cursors are."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(self._preparing_cursor())

    _preparing = False

    @contextmanager
    def preparing(self):
        """Inside, the ORM's own queries are prepared on the server like prepared_cursor's: for
        a query every request sends whose SQL never changes but for its values, built by the ORM
        as usual (the signed-in user's, trivsel.organisation.backends). Its planning, not its
        running, was most of its cost."""
        before, self._preparing = self._preparing, True
        try:
            yield
        finally:
            self._preparing = before

    def create_cursor(self, name=None):
        if self._preparing and not name:
            return self._preparing_cursor()
        return super().create_cursor(name)

    def _preparing_cursor(self):
        cursor = PreparingCursor(self.connection)
        tzloader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
        if self.timezone != tzloader.timezone:
            base.register_tzloader(self.timezone, cursor)
        return cursor


class PreparingCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)
