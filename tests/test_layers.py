"""The layer rule between the apps: the platform (trivsel) ← cases ← screening, meetings ←
referrals. A lower app that imports a higher one, at the top of a module or inside a function,
fails here with the chain of imports that breaks the rule (the contract is in pyproject.toml)."""

from pathlib import Path

from importlinter.cli import EXIT_STATUS_SUCCESS, lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_no_app_imports_from_a_layer_above_it():
    # The report (printed) names each forbidden chain; pytest shows it when this fails.
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert status == EXIT_STATUS_SUCCESS
