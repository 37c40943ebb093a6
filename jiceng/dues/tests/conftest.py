from jiceng.dues.tests.helpers import branch_setup, fixed_today  # noqa: F401  (shared fixtures)
