# The shared fixtures (world, personas, client_for, token_for) live in jiceng/testing.py.
from jiceng.testing import PASSWORD, SYSTEM, official, square  # noqa: F401
