"""README's table of demo accounts is what `manage.py demo_accounts` prints after `seed_demo`."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_accounts() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text.split("Demo accounts (password", 1)[1].split("\n\n", 2)[1]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([a-z0-9_]+)`", line.split("|")[1]))
    return names


@pytest.mark.django_db
def test_the_readme_lists_exactly_the_accounts_demo_accounts_prints():
    call_command("seed_demo", scale=0.001, stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    printed = {line.split()[0] for line in out.getvalue().splitlines() if line.startswith("  ") and line.strip()}
    assert printed, out.getvalue()
    assert readme_accounts() == printed, (f"only in README: {sorted(readme_accounts() - printed)}; "
                                          f"only printed: {sorted(printed - readme_accounts())}")
