from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

STATIC_ROOT = None  # whitenoise serves from the finders; nothing to collect
WHITENOISE_AUTOREFRESH = True
