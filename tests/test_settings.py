import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from trivsel.checks import demo_password_check, refuse_demo_passwords

ROOT = Path(__file__).resolve().parent.parent

# The variables the README documents for production.
PRODUCTION_ENV = {
    "TRIVSEL_MODE": "production",
    "SECRET_KEY": "k7#Vq9!zR2@mW4$eT8^yU1&iO3*pA5(sD6)fG0-hJ_lZxCvBnM",
    "ALLOWED_HOSTS": "trivsel.example.dk",
    "DATABASE_URL": "postgres://trivsel:secret@db.example.dk:5432/trivsel",
    "REDIS_URL": "redis://redis.example.dk:6379/0",
    "EMAIL_URL": "smtp+tls://trivsel:secret@smtp.example.dk:587",
    "SITE_URL": "https://trivsel.example.dk",
}


def manage(args, env):
    # Only what a production host would have: no test-only switches from this process.
    ignored = {*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_with_the_documented_production_settings():
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL"]
)
def test_it_names_a_missing_production_variable_at_start_up(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage(["check"], env)
    assert result.returncode != 0
    assert missing in result.stderr


def two_factor_settings(env):
    code = (
        "from django.conf import settings as s; "
        "print(s.TWO_FACTOR_REQUIRED, ','.join(s.TWO_FACTOR_REQUIRED_ROLES))"
    )
    result = manage(["shell", "-c", code], env)
    assert result.returncode == 0, result.stderr
    # The shell first tells what it imported automatically; the answer is the last line.
    return result.stdout.strip().splitlines()[-1]


def test_production_requires_two_factor_login_of_administrators_and_the_social_work_side():
    assert two_factor_settings(PRODUCTION_ENV) == (
        "True administrator,socialraadgiver,teamleder,databeskyttelsesraadgiver"
    )
    # The roles are a setting of their own.
    roles = {**PRODUCTION_ENV, "TWO_FACTOR_REQUIRED_ROLES": "administrator,leder"}
    assert two_factor_settings(roles) == "True administrator,leder"


def test_the_demo_leaves_two_factor_login_to_each_user():
    demo = {k: os.environ[k] for k in ("DATABASE_URL", "REDIS_URL")} | {"TRIVSEL_MODE": "demo"}
    assert two_factor_settings(demo).startswith("False ")


def test_it_runs_with_debug_off_unless_asked():
    assert settings.DEBUG is False


def test_it_speaks_danish_with_danish_dates_by_default():
    from datetime import date

    from django.utils import formats, translation

    assert settings.LANGUAGE_CODE == "da"
    with translation.override("da"):
        assert formats.date_format(date(2026, 3, 1)) == "01.03.2026"


@override_settings(DEMO_PASSWORD_ALLOWED=False)
def test_it_refuses_to_start_with_a_demo_password_outside_the_demo(world):
    world.paedagog.username = "paedagog"
    world.paedagog.set_password("demo")
    world.paedagog.save()
    with pytest.raises(ImproperlyConfigured, match="paedagog"):
        refuse_demo_passwords()
    assert [e.id for e in demo_password_check(None)] == ["trivsel.E001"]


@override_settings(DEMO_PASSWORD_ALLOWED=False)
def test_it_starts_when_the_demo_logins_have_real_passwords(world):
    world.paedagog.username = "paedagog"
    world.paedagog.save()
    refuse_demo_passwords()
    assert demo_password_check(None) == []


def test_production_refuses_to_start_with_debug_on():
    # DEBUG's error pages would show the settings and the local variables of any request.
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {*PRODUCTION_ENV, "DEBUG"}},
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "trivsel.settings",
            "DEBUG": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG is on in production" in result.stderr


def test_production_starts_with_debug_off():
    result = manage(["check"], {**PRODUCTION_ENV, "DEBUG": "0"})
    assert result.returncode == 0, result.stdout + result.stderr
