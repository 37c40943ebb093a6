import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Tests reuse primary keys across rolled-back transactions; nothing cached may outlive a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


from jiceng.testing import client_for, personas, token_for, world  # noqa: E402,F401  (shared fixtures)
