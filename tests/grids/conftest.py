import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The incident list keeps its counters in the cache under versions bumped after commit; a test's
    rows are rolled back without a commit, so one test's counters must not be read by the next."""
    cache.clear()
    yield
    cache.clear()
