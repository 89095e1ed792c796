import shlex
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_describes_the_five_services_each_with_a_healthcheck():
    services = load()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_it_runs_commands_that_exist_in_the_project():
    services = load()["services"]
    management_commands = get_commands()
    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        words = shlex.split(command) if isinstance(command, str) else command
        text = " ".join(words)
        for part in text.split("&&"):
            argv = shlex.split(part)
            if argv[:2] == ["python", "manage.py"]:
                assert argv[2] in management_commands, (name, argv)
            elif argv[0] == "gunicorn":
                assert argv[-1] == "trivsel.wsgi:application"
                assert (ROOT / "trivsel" / "wsgi.py").exists()
            elif argv[0] == "celery":
                assert argv[1:3] == ["-A", "trivsel"] and argv[3] in {"worker", "beat"}
            else:
                raise AssertionError(f"unknown command in {name}: {argv}")


def test_it_passes_the_documented_environment_to_the_application_services():
    services = load()["services"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        for variable in (
            "TRIVSEL_MODE",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "EMAIL_URL",
        ):
            assert variable in environment, (name, variable)
        readme = (ROOT / "README.md").read_text()
        for variable in environment:
            assert variable in readme, f"{variable} is not documented in the README"
