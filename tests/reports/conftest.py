import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read the English source strings; test_translations checks the Chinese ones."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
