"""On PostgreSQL the database itself refuses to change or delete an approved service-hour record:
corrections are reversals plus new records, so the per-team hash chain stays verifiable."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION volunteers_hours_final() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'approved service-hour records are final (reverse and re-enter instead)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER volunteers_hours_final
    BEFORE UPDATE OR DELETE ON volunteers_servicehourrecord
    FOR EACH ROW WHEN (OLD.status = 'approved') EXECUTE FUNCTION volunteers_hours_final();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS volunteers_hours_final ON volunteers_servicehourrecord;
DROP FUNCTION IF EXISTS volunteers_hours_final();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_roles_and_star_levels")]
    operations = [migrations.RunPython(forwards, backwards)]
