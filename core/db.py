"""Database-level guarantees for migrations.

``append_only_trigger(table)`` returns the migration operations that make PostgreSQL itself refuse
to change a table's rows: a row-level ``BEFORE UPDATE OR DELETE`` trigger (optionally only for rows
matching ``when``, e.g. approved records) and a statement-level ``BEFORE TRUNCATE`` trigger, which
row triggers never see (``TRUNCATE`` removes every row without deleting any). On SQLite (the
development database) the operations do nothing; the models refuse the same changes in Python.

The triggers stop everyone, the application's own database role included. Only a superuser
session with ``SET session_replication_role = replica`` (which disables ordinary triggers, used
by the test suite's ``flush`` between transactional tests) or dropping the trigger gets past them.
"""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """``RunSQL`` that runs on PostgreSQL and does nothing on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def append_only_sql(table: str, *, name: str | None = None, when: str | None = None,
                    message: str | None = None) -> tuple[str, str]:
    """(forward SQL, backward SQL) of the triggers ``append_only_trigger`` installs."""
    name = name or f"{table}_append_only"
    message = message or f"{table} is append-only"
    row_when = f"WHEN ({when}) " if when else ""
    forward = f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% (% refused)', {_literal(message)}, TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW {row_when}EXECUTE FUNCTION {name}();
CREATE TRIGGER {name}_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""
    backward = f"""
DROP TRIGGER IF EXISTS {name}_truncate ON {table};
DROP TRIGGER IF EXISTS {name} ON {table};
DROP FUNCTION IF EXISTS {name}();
"""
    return forward, backward


def append_only_trigger(table: str, *, name: str | None = None, when: str | None = None,
                        message: str | None = None, replaces: tuple[str, str] | None = None) -> list:
    """Migration operations making ``table`` append-only on PostgreSQL (no-ops elsewhere).

    ``when``: a condition on ``OLD`` limiting which rows are final (the ``TRUNCATE`` trigger has no
    rows to look at and always refuses). ``name``: the trigger function's name (default
    ``<table>_append_only``). ``replaces``: the (forward, backward) SQL of an earlier hand-written
    trigger this one replaces; its backward SQL runs first, and its forward SQL restores it when
    the migration is reversed.
    """
    forward, backward = append_only_sql(table, name=name, when=when, message=message)
    if replaces is not None:
        old_forward, old_backward = replaces
        forward, backward = old_backward + forward, backward + old_forward
    return [PostgreSQLOnly(forward, backward)]
