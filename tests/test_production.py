"""What the Docker image does, end to end: production settings with the variables the README
lists, `collectstatic` into a fresh directory, gunicorn on a free local port, then a browser's
first requests (login page, log in, a list page, a static file) and the API schema.

On PostgreSQL gunicorn serves the test database (committed by this transactional test); on
SQLite it gets a migrated database file of its own."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from conftest import on_postgres

ROOT = Path(settings.BASE_DIR)
PASSWORD = "prod-test-pass-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str, timeout: int = 300) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def _database_url(tmp_path: Path) -> str:
    if on_postgres():
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'prod.sqlite3'}"


def _wait_for_port(proc, port: int, log_dir: Path, timeout: float = 60):
    """Wait until the server started as `proc` accepts connections on `port`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            logs = "\n".join(p.read_text()[-3000:] for p in log_dir.glob("*.log"))
            assert proc.poll() is None, logs
            assert time.monotonic() < deadline, f"no server on port {port} after {timeout} s"
            time.sleep(0.2)


class Client:
    """A minimal HTTP client that keeps cookies itself: the production cookies are Secure,
    and a standard cookie jar would not send them back over plain HTTP."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response, data


@pytest.fixture
def production_server(tmp_path):
    port = _free_port()
    static_root = tmp_path / "static"
    env = {
        **os.environ,
        # The variables the README lists for a production deployment.
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "production-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "DATABASE_URL": _database_url(tmp_path),
        "STATIC_ROOT": str(static_root),
        "SECURE_SSL_REDIRECT": "false",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    env.pop("REDIS_URL", None)  # the web process alone; shared state is tested elsewhere
    # Browser tests in the same process allow async-unsafe ORM calls; a deployment never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not on_postgres():
        _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    _manage(env, "collectstatic", "--noinput", "-v", "0")
    assert (static_root / "staticfiles.json").exists()
    _manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User;"
        f"u = User.objects.create_user('prodcheck', password='{PASSWORD}');"
        "u.groups.add(Group.objects.get(name='manager'))",
    )
    log = open(tmp_path / "gunicorn.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(proc, port, tmp_path)
        yield port, tmp_path / "gunicorn.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_production_image_serves(production_server):
    port, log_path = production_server
    client = Client(port)

    response, body = client.request("GET", "/login/")
    html = body.decode()
    assert response.status == 200, log_path.read_text()
    # Static references carry the manifest's content hash.
    css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', html)
    assert css, "the login page does not link the hashed stylesheet"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    response, _ = client.request(
        "POST",
        "/login/",
        urlencode({"username": "prodcheck", "password": PASSWORD, "csrfmiddlewaretoken": token}),
        headers={"Referer": f"http://127.0.0.1:{port}/login/"},
    )
    assert response.status == 302, log_path.read_text()
    assert "sessionid" in client.cookies

    response, body = client.request("GET", "/leads/")
    assert response.status == 200, log_path.read_text()
    assert b"prodcheck" in body  # logged in: the page names the user

    response, body = client.request("GET", "/api/v1/leads/", headers={"Accept": "application/json"})
    assert response.status == 200, log_path.read_text()

    response, body = client.request("GET", "/api/schema/")
    assert response.status == 200
    assert b"openapi" in body

    response, body = client.request("GET", css.group(1))
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/css")
    assert b"bootstrap" in body.lower()
    assert "immutable" in (response.getheader("Cache-Control") or "")
