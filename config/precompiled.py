"""Queries behind nearly every logged-in request, compiled to SQL once per connection.

Django's ORM builds and compiles a query on every call. For the few lookups every member's
page makes (the member, their votes on an article) that cost several times running them:
`User.objects.get(pk=…)` took 0.7 ms of CPU on the benchmark machine, running the same SQL
0.13 ms. These are compiled once, with stand-ins where the values go, and run with the
values in their place. Only for values that reach the SQL as they are given: ids, numbers and
exact text (a slug); a lookup that changes its value (`__contains`) is refused when compiled.
Besides those, the lookups every write and every page made again after one repeat: the
post or board a URL names (views/lookups.py), and the rows and tags of a board's list."""

import weakref
from typing import NamedTuple

from django.db import connections
from django.db.models.query import get_related_populators

_compiled = weakref.WeakKeyDictionary()  # a connection -> {(name, the values' types): compiled}
_STAND_IN = -(2**31) + 1000  # ids are positive: a stand-in is never a real value
# Never a value the code gives (NUL); with LIKE's special characters, which a lookup that
# escapes its value (SQLite's iexact) changes, so that such a lookup is refused.
_TEXT_STAND_IN = "\x00precompiled%_\\:"


def _stand_in(index, value):
    return f"{_TEXT_STAND_IN}{index}" if isinstance(value, str) else _STAND_IN - index


def compiled_rows(name, build, values, using="default"):
    """The rows of the queryset `build(*stand_ins)` returns, run with `values` in place of
    its stand-ins, converted as the ORM converts them (SQLite's booleans and times, JSON).
    The SQL is compiled once per connection for each `name` and kinds of values (numbers,
    text): `build` must give queries of the same shape for the same name and kinds."""
    return _run(_compiled_query(name, build, values, using), values, using)


def compiled_objects(name, build, values, using="default"):
    """As compiled_rows, the model instances the queryset gives, with what it selects
    related (select_related) and leaves out (only, defer); no prefetch or annotation."""
    compiled = _compiled_query(name, build, values, using)
    model, start, end, init_list, populators = compiled.objects
    objects = []
    for row in _run(compiled, values, using):
        instance = model.from_db(using, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        objects.append(instance)
    return objects


class _Compiled(NamedTuple):
    compiler: object
    sql: str
    params: list
    slots: list
    converters: dict
    objects: tuple  # what compiled_objects needs to make instances (as ModelIterable does)


def _compiled_query(name, build, values, using):
    connection = connections[using]
    per_connection = _compiled.setdefault(connection, {})
    shape = (name, tuple(isinstance(value, str) for value in values))
    found = per_connection.get(shape)
    if found is None:
        count = len(values)
        stand_ins = {_stand_in(i, value): i for i, value in enumerate(values)}
        compiler = build(*stand_ins).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        # Where each value goes (an index into `values`), or None for a constant of the query.
        # psycopg's Int4 and Int8 are ints too (an integer field's value on PostgreSQL).
        slots = [stand_ins.get(param) if isinstance(param, (int, str)) else None for param in params]
        if sorted({slot for slot in slots if slot is not None}) != list(range(count)):
            raise ValueError(f"{name}: every value must be a parameter of the query")
        selected = [expression for expression, _, _ in compiler.select]
        objects = ()
        if compiler.klass_info:
            fields = compiler.klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            init_list = [column[0].target.attname for column in compiler.select[start:end]]
            populators = get_related_populators(compiler.klass_info, compiler.select, using)
            objects = (compiler.klass_info["model"], start, end, init_list, populators)
        found = _Compiled(compiler, sql, params, slots, compiler.get_converters(selected), objects)
        per_connection[shape] = found
    return found


def _run(compiled, values, using):
    arguments = [
        param if slot is None else values[slot] for param, slot in zip(compiled.params, compiled.slots, strict=True)
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(compiled.sql, arguments)
        rows = cursor.fetchall()
    if compiled.converters:
        return list(compiled.compiler.apply_converters(rows, compiled.converters))
    return rows
