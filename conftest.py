import os

os.environ.setdefault("JICENG_ENV", "test")
