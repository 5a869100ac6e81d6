"""The README names every staff page and every manage.py command, so it stays true as features land."""

import importlib
import pkgutil

import cli
from components.nav import PAGES
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_registered_page_is_in_the_readme():
    missing = [spec.path for spec in PAGES if f"`{spec.path}`" not in README]
    assert not missing, f"README does not mention {missing}"


def test_every_page_file_is_registered_in_the_navigation():
    registered = {spec.path for spec in PAGES}
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert files <= registered, f"page files nobody can open: {files - registered}"


def test_every_manage_command_is_in_the_readme():
    for module in pkgutil.iter_modules(cli.__path__):
        importlib.import_module(f"cli.{module.name}")
    missing = [name for name in cli.COMMANDS if f"`{name}`" not in README]
    assert not missing, f"README does not mention {missing}"
