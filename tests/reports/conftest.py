import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English source strings; test_translations checks the Chinese ones."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Dashboards are cached by run id, and ids repeat between tests once their rows are rolled back."""
    cache.clear()
    yield
    cache.clear()
