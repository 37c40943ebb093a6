"""Settings of the test suite: the normal settings with JICENG_ENV=test (fixed keys, tasks run
immediately, plain static storage). pytest-django imports this before any conftest runs."""

import os

os.environ["JICENG_ENV"] = "test"

from jiceng.settings import *  # noqa: F403
