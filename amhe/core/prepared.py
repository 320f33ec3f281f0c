"""Querysets compiled to SQL once per database connection and run again with another value.

For the few reads that every page of a busy public journey makes (a survey respondent's
response and answers), where building the SQL with the ORM costs several times more than
running it. The SQL, its parameters and the converters of each column (JSON, UUIDs,
booleans and dates come back as the ORM gives them) are the ORM's own; only the one
filtered value changes between runs.

    RESPONSE = Prepared(lambda token: SurveyResponse.objects.filter(resume_token=token), "resume_token")
    rows = RESPONSE.rows("abc...")
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    index: int  # of the filtered value in params
    compiler: object
    converters: dict
    klass_info: dict | None


class Prepared:
    """`build(value)` returns the queryset filtered on `field` (of the queryset's model, by
    name) equal to `value`; `rows(value)` runs it with another value, without the ORM."""

    def __init__(self, build: Callable[[object], QuerySet], field: str):
        self.build = build
        self.field_name = field
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    @staticmethod
    def _marker(field):
        """A value of the field's type that nothing else in the query is."""
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        if kind == "UUIDField":
            return uuid.UUID(int=0x5EED_5EED)
        if "IntegerField" in kind or kind in ("AutoField", "BigAutoField", "SmallAutoField"):
            return -0x5EED_5EED
        return "\x00prepared\x00"

    def _compile(self, connection) -> _Compiled:
        compiled = self._compiled.get(connection)
        if compiled is not None:
            return compiled
        queryset = self.build(None)
        field = queryset.model._meta.get_field(self.field_name)
        marker = self._marker(field)
        queryset = self.build(marker)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        prepared = field.get_db_prep_value(marker, connection)
        matches = [i for i, param in enumerate(params) if param == prepared]
        if len(matches) != 1:
            raise ValueError(f"Cannot find the one {self.field_name} value among the query's parameters")
        converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
        compiled = _Compiled(sql, tuple(params), matches[0], compiler, converters, compiler.klass_info)
        with self._lock:
            self._compiled[connection] = compiled
        return compiled

    def rows(self, value, using: str = "default") -> list[list]:
        connection = connections[using]
        compiled = self._compile(connection)
        field = compiled.compiler.query.model._meta.get_field(self.field_name)
        params = list(compiled.params)
        params[compiled.index] = field.get_db_prep_value(value, connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            return list(compiled.compiler.apply_converters(rows, compiled.converters))
        return [list(row) for row in rows]

    def instances(self, value, using: str = "default") -> list[Model]:
        """Model instances, with the objects of a select_related() one level deep attached,
        as the queryset would give them."""
        connection = connections[using]
        compiled = self._compile(connection)
        info = compiled.klass_info
        model = info["model"]
        rows = self.rows(value, using)
        out = []
        for row in rows:
            instance = _from_row(model, info["select_fields"], row, using)
            for related in info.get("related_klass_infos", []):
                if related.get("related_klass_infos"):
                    raise ValueError("Prepared follows select_related() one level deep only")
                obj = _from_row(related["model"], related["select_fields"], row, using)
                related["local_setter"](instance, obj)
            out.append(instance)
        return out


def _from_row(model, select_fields: list[int], row: list, using: str) -> Model | None:
    fields = model._meta.concrete_fields
    values = [row[i] for i in select_fields]
    if len(values) != len(fields):
        raise ValueError(f"Prepared reads every column of {model.__name__}")
    if all(value is None for value in values):
        return None  # nothing joined (a null foreign key)
    return model.from_db(using, [f.attname for f in fields], values)
