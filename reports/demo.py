"""Demo: nothing to load (values are computed, not entered); ``finish`` aggregates 2020 once every
app's demo records exist, so the dashboard shows the source document's figures on `make run`."""

from .choices import RunStatus, RunTrigger

DEMO_PERIOD = "2020"


def load(*, scale: float, stdout=None) -> None:
    """Values come from the other apps' records: see ``finish``."""


def finish(*, scale: float, stdout=None):
    from .services import run_now

    run = run_now(actor=None, period=DEMO_PERIOD, trigger=RunTrigger.DEMO)
    if stdout:
        stdout.write(f"indicators {DEMO_PERIOD}: run #{run.pk} {run.status}, {run.values_written} values "
                     f"in {run.duration_ms} ms")
    if run.status != RunStatus.DONE:
        raise RuntimeError(f"demo aggregation failed: {run.message}")
    return run
