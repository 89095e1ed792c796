"""Querysets built and compiled once per process, then run with each request's values.

Django builds a queryset's filters and compiles them to SQL on every call. For a query with many
filters and subqueries (Mit overblik's meetings: the access rules, five subqueries, two window
functions) that is milliseconds of CPU per request — more than PostgreSQL needs to answer it,
and the same SQL every time but for the values: the user, the day, the children the user sees.

A CompiledQuery calls its builder once per `shape` (what changes the SQL's text, e.g. a leader's
extra conditions) with stand-ins (`Values`) instead of those values: numbers, times, days and id
arrays no real query uses. Django compiles it; the stand-ins are found among the compiled
parameters and remembered by position. Every run then puts the request's values in their places
and sends the same SQL, reading the rows as dicts (the builder returns a `values()` queryset).
The SQL is Django's own, every value a parameter, as with any queryset; the queries are counted
and logged like any other (Django's cursor wrapper). As its text never changes, it is prepared on
the server (trivsel.database.base): PostgreSQL plans it for the values of the first few runs and
then, where a plan for any values is as good, not again — for Mit overblik's meetings query,
planning took ten times as long as running it.

The builder must not let a stand-in decide the SQL's form: no `__in=` a list of them (use an
array: `= ANY(%s)`), no `None`, no arithmetic on them in Python (give the derived value its own
stand-in). What does decide the form goes into the shape.
"""

from datetime import UTC, date, datetime, timedelta

from django.db import connections

# Far outside every real id, day and time, and different from one another.
_BASE_INT = -(2**62)
_BASE_DAY = date(1001, 1, 1)
_BASE_TIME = datetime(1001, 1, 1, tzinfo=UTC)


class Values:
    """The stand-ins of one compilation, by name: `values.integer("user")` and so on."""

    def __init__(self):
        self._made = {}
        self._optional = set()  # the user's: a query need not use all of them

    def _make(self, name, value):
        if name in self._made:
            return self._made[name]
        self._made[name] = value
        return value

    def integer(self, name, *, optional=False):
        if optional:
            self._optional.add(name)
        return self._make(name, _BASE_INT - len(self._made))

    def day(self, name):
        return self._make(name, _BASE_DAY + timedelta(days=len(self._made)))

    def moment(self, name):
        return self._make(name, _BASE_TIME + timedelta(seconds=len(self._made)))

    def ids(self, name):
        """A list of ids, sent as one array parameter (`= ANY(%s::bigint[])`)."""
        return self._make(name, [_BASE_INT - len(self._made)])

    def slots(self, params):
        """For each compiled parameter: the name of the stand-in it is, or None (a constant)."""
        found = []
        for param in params:
            name = next(
                (n for n, v in self._made.items() if type(v) is type(param) and v == param), None
            )
            # A day or time among the constants is the moment of compiling, baked into the SQL
            # for the life of the process (a timezone.now() inside the builder): refused.
            if name is None and isinstance(param, date):
                raise ValueError(f"a day or time in a compiled query is not a stand-in: {param}")
            found.append(name)
        # A stand-in that Django changed on its way into the SQL would not be found: refused.
        missing = set(self._made) - self._optional - set(found)
        if missing:
            raise ValueError(f"stand-ins not among the compiled parameters: {sorted(missing)}")
        return found


class _Compiled:
    __slots__ = ("sql", "params", "slots", "names", "converters")

    def __init__(self, sql, params, slots, names, converters):
        self.sql, self.params, self.slots, self.names = sql, params, slots, names
        self.converters = converters

    def bind(self, values):
        return [
            values[slot] if slot is not None else param
            for param, slot in zip(self.params, self.slots, strict=True)
        ]


class CompiledQuery:
    """`build(values, **shape)` returns a values() queryset made with `values`' stand-ins; `wrap`
    (optional) puts its SQL inside another statement, `wrap(sql) -> sql`, with parameters of
    its own given as stand-ins too."""

    def __init__(self, build, *, wrap=None, using="default"):
        self._build = build
        self._wrap = wrap
        self._using = using
        self._compiled = {}

    def _compile(self, shape):
        stand_ins = Values()
        queryset = self._build(stand_ins, **dict(shape))
        query = queryset.query
        compiler = query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        # What Django does to a column's value after reading it (an annotation's int(), a
        # field's from_db_value): done here too.
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(
                [column for column, *_ in compiler.select]
            ).items()
        )
        # The columns' names as values() gives them (django.db.models.query.ValuesIterable).
        if query.selected:
            names = list(query.selected)
        else:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if self._wrap is not None:
            sql, extra = self._wrap(sql, stand_ins)
            params = (*params, *extra)
        return _Compiled(sql, tuple(params), stand_ins.slots(params), names, converters)

    def rows(self, values, **shape):
        """The rows, as dicts by the values() names, for `values` (a dict by stand-in name)."""
        names, rows = self._run(values, shape)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def tuples(self, values, **shape):
        """The rows as tuples, in the values() order."""
        return self._run(values, shape)[1]

    def _run(self, values, shape):
        key = tuple(sorted(shape.items()))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(key)
        connection = connections[self._using]
        # Prepared on the server: the text is the same at every run, so PostgreSQL need not
        # parse and plan it again (trivsel.database.base).
        with connection.prepared_cursor() as cursor:
            cursor.execute(compiled.sql, compiled.bind(values))
            rows = cursor.fetchall()
        converters = compiled.converters
        if converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for position, functions, expression in converters:
                    for convert in functions:
                        row[position] = convert(row[position], expression, connection)
        return compiled.names, rows


# --- the signed-in user as stand-ins ---------------------------------------------------------


def user_shape(user):
    """What of the user may decide a query's form: staff or not, and the staff's roles."""
    profile = user.staff_profile_or_none
    return None if profile is None else tuple(sorted(profile.roles))


def user_stand_in(values, roles):
    """A user of the given shape (user_shape) made of stand-ins: its id ("user"), municipality
    ("municipality") and staff profile ("profile", with `roles`), as user_values gives them."""
    from trivsel.organisation.models import StaffProfile, User

    user = User(
        pk=values.integer("user", optional=True),
        municipality_id=values.integer("municipality", optional=True),
    )
    if roles is None:
        User.staff_profile.related.set_cached_value(user, None)
    else:
        profile = StaffProfile(
            pk=values.integer("profile", optional=True), user=user, roles=list(roles)
        )
        User.staff_profile.related.set_cached_value(user, profile)
    return user


def user_values(user):
    profile = user.staff_profile_or_none
    return {
        "user": user.pk,
        "municipality": user.municipality_id,
        "profile": profile.pk if profile is not None else None,
    }
