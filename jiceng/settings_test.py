"""Settings of the test suite: the normal settings with JICENG_ENV=test (fixed keys, tasks run
immediately, plain static storage). pytest-django imports this before any conftest runs."""

import os

os.environ["JICENG_ENV"] = "test"

from jiceng.settings import *  # noqa: F403

# Hashing at full strength costs ~0.3 s a password; the suite creates hundreds of accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
