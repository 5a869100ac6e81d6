"""The layering rules of DEVELOPERS.md, read from the imports: Streamlit only in the UI, and the seed (reference
and demo data) never imported by the app's own code."""

import ast

import pytest

from tests.conftest import ROOT

UI = ("app.py", "server.py", "pages", "components")
APP_CODE = ("services", "pages", "web")


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(*places: str):
    for place in places:
        target = ROOT / place
        yield from ([target] if target.suffix == ".py" else sorted(target.rglob("*.py")))


@pytest.mark.parametrize("folder", APP_CODE)
def test_app_code_never_imports_the_seed(folder):
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files(folder)
        if any(name == "seed" or name.startswith("seed.") for name in imported_modules(path))
    ]
    assert offenders == []


def test_streamlit_is_imported_only_by_the_ui():
    ui_files = set(python_files(*UI))
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files("services", "web", "db", "cli", "seed")
        if path not in ui_files and any(n.split(".")[0] == "streamlit" for n in imported_modules(path))
    ]
    assert offenders == []


def test_no_service_module_is_about_demo_data():
    assert [p.name for p in (ROOT / "services").rglob("*.py") if "demo" in p.name.lower()] == []
