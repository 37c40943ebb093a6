"""Settings of the test suite: the normal settings with JICENG_ENV=test (fixed keys, tasks run
immediately, plain static storage). pytest-django imports this before any conftest runs."""

import os

os.environ["JICENG_ENV"] = "test"

from jiceng.settings import *  # noqa: F403

# Hashing at full strength costs ~0.3 s a password; the suite creates hundreds of accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not Django's shared in-memory database: shared-cache memory databases lock whole tables
# and ignore busy_timeout, so concurrent tests would see "table is locked" where a real SQLite
# deployment (a WAL file) waits its turn.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"jiceng-test-{os.getpid()}.sqlite3")}  # noqa: F405
