"""Queries behind nearly every logged-in request, compiled to SQL once per connection.

Django's ORM builds and compiles a query on every call. For the few lookups every member's
page makes (the member, their votes on an article) that cost several times running them:
`User.objects.get(pk=…)` took 0.7 ms of CPU on the benchmark machine, running the same SQL
0.13 ms. These are compiled once, with stand-ins where the values go, and run with the
values in their place. Only for queries of ids and numbers (their parameters are ints)."""

import weakref

from django.db import connections

_compiled = weakref.WeakKeyDictionary()  # a connection -> {(name, number of values): compiled}
_STAND_IN = -(2**31) + 1000  # ids are positive: a stand-in is never a real value


def compiled_rows(name, build, values, using="default"):
    """The rows of the queryset `build(*stand_ins)` returns, run with `values` in place of
    its stand-ins, converted as the ORM converts them (SQLite's booleans and times, JSON).
    The SQL is compiled once per connection for each `name` and number of values: `build`
    must give queries of the same shape for the same name and number."""
    connection = connections[using]
    per_connection = _compiled.setdefault(connection, {})
    key = (name, len(values))
    found = per_connection.get(key)
    if found is None:
        stand_ins = {_STAND_IN - i: i for i in range(len(values))}
        compiler = build(*stand_ins).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        # Where each value goes (an index into `values`), or None for a constant of the query.
        slots = [stand_ins.get(param) if type(param) is int else None for param in params]
        if sorted({slot for slot in slots if slot is not None}) != list(range(len(values))):
            raise ValueError(f"{name}: every value must be a parameter of the query")
        selected = [expression for expression, _, _ in compiler.select]
        found = per_connection[key] = (compiler, sql, params, slots, compiler.get_converters(selected))
    compiler, sql, params, slots, converters = found
    arguments = [param if slot is None else values[slot] for param, slot in zip(params, slots, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        rows = cursor.fetchall()
    return list(compiler.apply_converters(rows, converters)) if converters else rows
