from celery import shared_task

from .imports.tasks import run_staged_import, sweep_staged_imports  # noqa: F401 (registered with Celery here)
from .locks import single_run


@shared_task(name="core.run_supervision_checks", time_limit=1800, soft_time_limit=1700)
def run_supervision_checks(only=None):
    """Run every app's supervision checks; a second concurrent run does nothing."""
    from .supervision import run_all

    with single_run("core.run_supervision_checks") as mine:
        if not mine:
            return {"skipped": "another run holds the lock"}
        return run_all(only=only)


@shared_task(name="core.sweep_protected_exports", time_limit=10 * 60)
def sweep_protected_exports() -> dict:
    """Delete the files of protected exports past their expiry (the rows stay for the audit)."""
    from .services import sweep_protected_exports as sweep

    return {"deleted": sweep()}


# --- Schedule (core.schedule collects every app's; README "Periodic tasks" lists them) -----------
from .schedule import Periodic  # noqa: E402

SCHEDULE = [
    Periodic("supervision-checks-nightly", "core.run_supervision_checks", minute="0", hour="1",
             description="Every app's supervision checks: findings raised into the officers' inbox, stale ones closed."),
    Periodic("core-sweep-staged-imports", "core.sweep_staged_imports", minute="*/5",
             description="Re-queue confirmed imports the broker never took or whose worker died, delete uploads "
                         "past their retention, expire previews left unconfirmed for a day."),
    Periodic("core-sweep-protected-exports", "core.sweep_protected_exports", minute="*/15",
             description="Delete the encrypted files of protected exports past their expiry "
                         "(PORTAL_PROTECTED_EXPORT_HOURS, 24 by default); the rows stay for the audit."),
]
ON_DEMAND = {"core.run_staged_import": "one confirmed import (core.imports pages and API)"}

