"""Production settings, docker-compose and the Dockerfile, checked without a Docker engine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "false",
    "SECRET_KEY": "x9$Gq2!vLr7@pZ4#tW1^mK8&nB5*cY3(hJ6)fD0-sA2+eU7=iO4",
    "ALLOWED_HOSTS": "clientwise.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://clientwise.example.com",
    "DATABASE_URL": "sqlite:////tmp/clientwise-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://user:secret@smtp.example.com:587",
}


def manage(*args, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a "production" process.
    leave_out = {*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in leave_out}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_bad_task_backend_value_fails_loudly():
    result = manage("check", env=PRODUCTION_ENV | {"TASK_BACKEND": "carrier-pigeon"})
    assert result.returncode != 0
    assert "TASK_BACKEND must be one of" in result.stderr


def test_production_serves_hashed_static_files_and_sends_a_strict_csp():
    code = (
        "from django.conf import settings as s;"
        "print(s.STORAGES['staticfiles']['BACKEND']);"
        "print(s.SECURE_CSP['script-src']);"
        "print('whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)"
    )
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    storage, script_src, whitenoise = result.stdout.strip().splitlines()[-3:]
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "unsafe" not in script_src
    assert whitenoise == "True"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_variables() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source)) | set(
        re.findall(r'"([A-Z_]+)" in env', source)
    )


def test_compose_runs_postgres_15_or_newer_the_web_app_and_the_worker(compose):
    services = compose["services"]
    assert {"db", "web", "worker"} <= set(services)
    image = services["db"]["image"]
    assert image.startswith("postgres:")
    assert int(image.split(":")[1].split(".")[0].split("-")[0]) >= 15
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][-1] == "db_worker"
    assert services["web"]["build"] == services["worker"]["build"] == "."
    assert (ROOT / "Dockerfile").exists()


def test_compose_runs_the_nightly_pass_from_a_scheduler_after_the_migrations(compose):
    services = compose["services"]
    scheduler = services["scheduler"]
    assert scheduler["command"] == ["python", "manage.py", "scheduler"]
    assert scheduler["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert scheduler["build"] == "."
    assert scheduler["environment"]["NIGHTLY_PASS_CRON"] == "${NIGHTLY_PASS_CRON:-15 3 * * *}"
    # A real clock, not a loop that drifts by the pass's own duration every night.
    assert not any("sleep" in " ".join(service.get("command", [])) for service in services.values())
    assert "daily" not in services


def test_compose_environment_matches_what_settings_read(compose):
    known = settings_variables()
    for name in ("web", "worker", "scheduler"):
        environment = compose["services"][name]["environment"]
        assert set(environment) <= known, set(environment) - known
        for required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
            assert required in environment
        assert environment["DEBUG"] == "false"
        assert environment["TASK_BACKEND"] == "database"
        assert "@db:5432/" in environment["DATABASE_URL"]
    db_env = compose["services"]["db"]["environment"]
    assert f"/{db_env['POSTGRES_DB']}" in compose["services"]["web"]["environment"]["DATABASE_URL"]


def test_the_dockerfile_installs_with_the_pinned_constraints_and_collects_static():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "-c constraints.txt" in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"FROM python:3\.1[2-9]", dockerfile)


def test_uploads_live_in_one_volume_that_every_process_reading_them_mounts(compose):
    services = compose["services"]
    assert "media" in compose["volumes"]
    for name in ("web", "worker", "scheduler"):
        assert "media:/app/media" in services[name]["volumes"], name
        assert services[name]["environment"]["MEDIA_ROOT"] == "/app/media"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "mkdir -p /app/media" in dockerfile


def test_the_image_never_holds_local_state_or_secrets():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".env", ".venv", "db.sqlite3*", "media/", ".git"):
        assert path in ignored
