"""`manage.py check --deploy` with the production environment written in docs/deploy.md reports
nothing: the test reads the block from the page, so the two cannot drift apart."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "docs" / "deploy.md"


def production_environment() -> dict[str, str]:
    """The `export NAME=value` lines of the deploy page's environment block, the `…` it leaves
    for secrets filled in."""
    blocks = re.findall(r"```sh\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.S)
    block = next(b for b in blocks if "export DJANGO_SECRET_KEY=" in b)
    env = {}
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        assert words[0] == "export" and len(words) == 2, line
        name, value = words[1].split("=", 1)
        env[name] = value
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return {name: value.replace("…", "secret") for name, value in env.items()}


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    # Exactly that environment: nothing of the test run's (MARGINALIA_TESTING, DJANGO_DEBUG…).
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
    )


def test_the_documented_environment_passes_check_deploy():
    env = production_environment()
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "1"
    result = check_deploy(env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_https_settings_check_deploy_complains():
    env = production_environment()
    for name in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_HSTS_SECONDS", "EMAIL_HOST"):
        del env[name]
    result = check_deploy(env)
    assert result.returncode != 0
    codes = ["security.W004", "security.W008"]
    if django.VERSION >= (6, 1):  # the mail check came with MAILERS
        codes.append("mail.E001")
    for code in codes:
        assert code in result.stderr
