"""The audit table refuses TRUNCATE too: 0003's row trigger never sees it (TRUNCATE deletes no
rows one by one), so ``TRUNCATE core_auditevent`` emptied the log. Same rule for UPDATE and DELETE
as before, now from ``core.db.append_only_trigger``; reversing restores 0003's trigger."""

import importlib

from django.db import migrations

from core.db import append_only_trigger

_old = importlib.import_module("core.migrations.0003_audit_append_only")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_issued_token")]
    operations = append_only_trigger(
        "core_auditevent", message="core_auditevent is append-only", replaces=(_old.FORWARD, _old.BACKWARD))
