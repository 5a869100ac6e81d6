"""`make mutation`: mutation testing of the rule modules with mutmut, one module at a time.

Each module is mutated in its own copy of the work tree (.mutation/<module>/) and checked against only the fast
tests that exercise it, so a run stays feasible on two cores. Prints the kill rate per module and lists the
surviving mutants (`mutmut show <name>` inside .mutation/<module>/ shows the diff of one).

    python tools/mutation.py                 # every module
    python tools/mutation.py working_time    # one or a few

Kill rate = killed / (killed + survived + timeout + suspicious); mutants no test reaches ("no tests") count as
survivors too. Not part of CI: a full run takes tens of minutes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
TARGET = 0.85

# short name -> the module's path under services/ (without .py)
PATHS = {
    "working_time": "core/working_time",
    "dossier_flow": "dossiers/flow",
    "kpi": "ioc/kpi",
    "queue_rules": "queue/rules",
    "accounts": "accounts/accounts",
    "routing": "catalog/routing",
    "public_status": "dossiers/public_status",
}
# short name -> the fast tests that check it (SQLite only: TEST_DATABASE_URL is dropped for the run).
MODULES: dict[str, list[str]] = {
    "working_time": ["tests/test_working_time.py"],
    "dossier_flow": ["tests/test_dossier_flow.py"],
    "kpi": ["tests/test_kpi.py"],
    "queue_rules": ["tests/test_queue_rules.py"],
    "accounts": ["tests/test_accounts.py", "tests/test_account_actions.py"],
    "routing": ["tests/test_routing_postal.py"],
    "public_status": ["tests/test_public_status.py"],
}
SKIP_COPY = {".mutation", ".venv", ".git", "mutants", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
KILLED = {"killed", "caught by type check"}


def _copy_tree(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for item in ROOT.iterdir():
        if item.name in SKIP_COPY or item.suffix == ".db":
            continue
        if item.is_dir():
            shutil.copytree(item, dest / item.name, ignore=shutil.ignore_patterns(*SKIP_COPY, "*.db"))
        else:
            shutil.copy2(item, dest / item.name)


def _setup_cfg(module: str, tests: list[str]) -> str:
    also_copy = sorted(
        p.name for p in ROOT.iterdir() if p.name not in SKIP_COPY and p.name not in {"services", "tests"}
    )
    lines = [
        "[mutmut]",
        "source_paths=services/",
        f"only_mutate=services/{PATHS[module]}.py",
        "pytest_add_cli_args_test_selection=",
        *(f"    {t}" for t in tests),
        "pytest_add_cli_args=",
        "    -p",
        "    no:cacheprovider",
        "    -q",
        "also_copy=",
        *(f"    {name}" for name in also_copy),
        "",
    ]
    return "\n".join(lines)


def run_module(module: str, max_children: int) -> Counter:
    tests = MODULES[module]
    dest = WORK / module
    _copy_tree(dest)
    (dest / "setup.cfg").write_text(_setup_cfg(module, tests), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env["MOTCUA_BCRYPT_ROUNDS"] = "4"
    mutmut = [sys.executable, "-c", "import sys; from mutmut.__main__ import cli; sys.exit(cli())"]
    log = dest / "mutmut-run.log"
    with log.open("w") as out:
        subprocess.run(
            [*mutmut, "run", "--max-children", str(max_children)],
            cwd=dest,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    listing = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=dest, env=env, capture_output=True, text=True, check=False
    ).stdout
    statuses: Counter = Counter()
    survivors = []
    for line in listing.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if not name:
            continue
        statuses[status] += 1
        if status not in KILLED:
            survivors.append(f"{name}: {status}")
    (dest / "survivors.txt").write_text("\n".join(survivors) + "\n", encoding="utf-8")
    return statuses


def kill_rate(statuses: Counter) -> float:
    total = sum(statuses.values())
    return sum(statuses[s] for s in KILLED) / total if total else 0.0


def main(argv: list[str]) -> int:
    modules = argv or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(MODULES)}")
        return 2
    max_children = int(os.environ.get("MUTATION_CHILDREN", "2"))
    rows = []
    for module in modules:
        statuses = run_module(module, max_children)
        rate = kill_rate(statuses)
        rows.append((module, statuses, rate))
        detail = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        print(f"services/{PATHS[module]}.py: kill rate {rate:.1%} ({detail})", flush=True)
    print()
    print(f"{'module':<28}{'mutants':>8}{'killed':>8}{'kill rate':>11}")
    for module, statuses, rate in rows:
        total = sum(statuses.values())
        killed = sum(statuses[s] for s in KILLED)
        mark = "" if rate >= TARGET else "  below 85 %: see .mutation/" + module + "/survivors.txt"
        print(f"services/{PATHS[module]}.py".ljust(32) + f"{total:>8}{killed:>8}{rate:>10.1%}{mark}")
    return 0 if all(rate >= TARGET for _, _, rate in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
