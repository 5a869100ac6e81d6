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


SERVICES = ROOT / "services"


def packages() -> list[str]:
    return sorted(p.name for p in SERVICES.iterdir() if (p / "__init__.py").exists())


def package_imports() -> dict[str, set[str]]:
    """Which service packages each package imports (from any of its modules), private modules named."""
    edges: dict[str, set[str]] = {name: set() for name in packages()}
    for name in packages():
        for path in (SERVICES / name).rglob("*.py"):
            for module in imported_modules(path):
                parts = module.split(".")
                if parts[0] == "services" and len(parts) > 1 and parts[1] != name:
                    edges[name].add(".".join(parts[1:3]))
    return edges


def test_services_holds_only_capability_packages():
    assert sorted(p.name for p in SERVICES.glob("*.py")) == ["__init__.py"]
    assert packages()


@pytest.mark.parametrize("package", packages())
def test_each_package_says_what_it_owns(package):
    docstring = ast.get_docstring(ast.parse((SERVICES / package / "__init__.py").read_text(encoding="utf-8")))
    assert docstring and len(docstring) > 40


def test_packages_import_only_public_modules_of_other_packages():
    private = sorted(
        (package, target)
        for package, targets in package_imports().items()
        for target in targets
        if any(part.startswith("_") for part in target.split("."))
    )
    assert private == []


def test_core_depends_on_no_other_package():
    assert {target.split(".")[0] for target in package_imports()["core"]} == set()


def test_no_cycles_between_packages():
    graph = {pkg: {t.split(".")[0] for t in targets} for pkg, targets in package_imports().items()}
    visiting, done, cycles = set(), set(), []

    def visit(node, path):
        if node in done:
            return
        if node in visiting:
            cycles.append(path[path.index(node) :] + [node])
            return
        visiting.add(node)
        for other in sorted(graph.get(node, ())):
            visit(other, path + [node])
        visiting.discard(node)
        done.add(node)

    for package in sorted(graph):
        visit(package, [])
    assert cycles == []
