import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Tests reuse primary keys across rolled-back transactions; nothing cached may outlive a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
