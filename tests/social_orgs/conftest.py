import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Assertions on reasons read the English source strings, whatever the default language."""
    with translation.override("en"):
        yield
