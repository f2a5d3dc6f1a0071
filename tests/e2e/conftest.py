"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser)."""

import os

import pytest

# Playwright's sync API keeps an event loop running in this thread for the whole session; the
# ORM calls that fixtures make around it are still synchronous and safe. (Subprocess tests that
# run manage.py check --deploy remove this variable from their environment.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            # A live server needs real commits; serialized rollback restores the roles that the
            # flush after each such test would otherwise remove for the tests that follow.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False)
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (make test installs it)")
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


@pytest.fixture
def _e2e_settings(settings, live_server, django_db_serialized_rollback):
    # Serialized rollback restores the roles (data migrations) that the flush after a
    # transactional test removes.
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = True  # static files served by runserver-like handler of live_server
    return settings


@pytest.fixture
def login(live_server, _e2e_settings):
    """``login(page, user)``: sign in through the real form (password "Str0ng-pass!")."""

    def do(page, user, password="Str0ng-pass!"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return do
