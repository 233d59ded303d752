"""The app's own settings, served for the benchmark (bench/serve.py): its URLs plus the floor
view, and a header telling how many queries each response took."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE, TEMPLATES

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.floor.QueryCount", *MIDDLEWARE]
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
