"""Production renders with the cached template loader: each template is parsed once per
process, not on every request."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOW = """
import django
django.setup()
from django.template import engines
engine = engines["django"].engine
print(type(engine.template_loaders[0]).__module__, engine.debug)
"""


def test_production_uses_the_cached_template_loader():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "production-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    out = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[-2:] == ["django.template.loaders.cached", "False"], out
