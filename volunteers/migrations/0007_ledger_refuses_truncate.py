"""The service-hour ledger refuses TRUNCATE: 0003's row trigger (approved rows are final) never
sees it, so ``TRUNCATE volunteers_servicehourrecord`` wiped the approved hours and their hash
chains. The row rule is unchanged (only approved rows are final; pending and rejected ones may
still be edited or deleted), now from ``core.db.append_only_trigger``; reversing restores 0003's
trigger."""

import importlib

from django.db import migrations

from core.db import append_only_trigger

_old = importlib.import_module("volunteers.migrations.0003_approved_hours_are_final")


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0006_import_job_queue_and_claim")]
    operations = append_only_trigger(
        "volunteers_servicehourrecord", name="volunteers_hours_final", when="OLD.status = 'approved'",
        message="approved service-hour records are final (reverse and re-enter instead)",
        replaces=(_old.FORWARD, _old.BACKWARD))
