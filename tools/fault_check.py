"""Injects, one at a time, the faults of the audit (issue 22) into a copy of the work tree and runs the tests that
must catch each; prints CAUGHT when at least one test fails, MISSED when all pass.

    python tools/fault_check.py            # every fault
    python tools/fault_check.py 3 5        # some, by number

Runs on SQLite only (TEST_DATABASE_URL dropped) to stay short; not part of CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation" / "faults"

# (what, file, original text, faulty text, tests that must fail)
FAULTS = [
    (
        "a service that crashes on every call (shown as an error box by components.ui.call)",
        "services/ioc/kpi.py",
        "    scope = dict(unit_id=unit_id, start=start, end=end, at=at)\n",
        '    raise RuntimeError("injected")\n',
        ["tests/test_ioc_pages.py::test_a_ward_leader_sees_no_ranking_and_no_scope_picker"],
    ),
    (
        "an illegal move: a result-ready dossier sent back to supplement",
        "services/dossiers/flow.py",
        '    ("result_ready", "ship_result"): "result_in_transit",\n',
        '    ("result_ready", "ship_result"): "result_in_transit",\n'
        '    ("result_ready", "request_supplement"): "supplement_requested",\n',
        ["tests/test_dossier_flow.py"],
    ),
    (
        "clerks given the audit page",
        "components/nav.py",
        "        frozenset({ADMIN, LEADER, CITY_LEADER}),\n",
        "        frozenset({ADMIN, LEADER, CITY_LEADER, CLERK}),\n",
        ["tests/test_app_navigation.py::test_every_role_gets_exactly_the_pages_of_the_table_and_no_other"],
    ),
    (
        "no current-password check in change my password",
        "services/accounts/accounts.py",
        "    if not _password_matches(current, row.password_hash):\n",
        "    if False:\n",
        ["tests/test_account_actions.py::test_a_wrong_current_password_is_refused_and_the_old_password_still_works"],
    ),
    (
        "no admin check in reset a password",
        "services/accounts/accounts.py",
        "def reset_password(conn: Connection, actor: Actor, *, user_id: int, password: str) -> None:\n"
        "    actor.require(ADMIN)\n",
        "def reset_password(conn: Connection, actor: Actor, *, user_id: int, password: str) -> None:\n",
        ["tests/test_account_actions.py::test_only_an_admin_resets_a_password"],
    ),
    (
        "overdue and near-due tiles swapped on the IOC page",
        "pages/ioc.py",
        '("received", "returned", "in_progress", "overdue", "near_due")',
        '("received", "returned", "in_progress", "near_due", "overdue")',
        ["tests/test_ioc_figures.py::test_every_tile_shows_its_own_service_figure"],
    ),
    (
        "the overdue figure shown under the near-due label and the other way round",
        "pages/ioc.py",
        'tile(column, key, f"{figures[key]:,}".replace(",", "."))',
        "tile(column, key, f\"{figures[{'overdue': 'near_due', 'near_due': 'overdue'}.get(key, key)]:,}\""
        '.replace(",", "."))',
        ["tests/test_ioc_figures.py::test_every_tile_shows_its_own_service_figure"],
    ),
    (
        "satisfaction shown as the on-time rate",
        "pages/ioc.py",
        'tile(second[0], "on_time_rate", percent(figures["on_time_rate"]))',
        'tile(second[0], "on_time_rate", percent(figures["satisfaction"]))',
        ["tests/test_ioc_figures.py::test_every_tile_shows_its_own_service_figure"],
    ),
    (
        "published answer photos made private",
        "services/feedback/items.py",
        '    public = row.source == "answer" and row.status == "answered"\n',
        "    public = False\n",
        ["tests/test_feedback_web.py::test_a_published_answer_photo_is_served_to_anyone_without_a_code"],
    ),
    (
        "the 1–30 confirmation limit lowered to 29",
        "services/transfers/postal.py",
        "MAX_CONFIRM_DAYS = 30\n",
        "MAX_CONFIRM_DAYS = 29\n",
        ["tests/test_limits.py"],
    ),
]
SKIP = {".mutation", ".venv", ".git", "mutants", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}


def check(number: int) -> bool:
    what, path, original, faulty, tests = FAULTS[number - 1]
    copy = WORK / str(number)
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIP, "*.db"))
    source = (copy / path).read_text(encoding="utf-8")
    assert source.count(original) == 1, f"fault {number}: the original text is not found once in {path}"
    (copy / path).write_text(source.replace(original, faulty), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, check=False)
    caught = result.returncode == 1
    print(f"{number}. {what}: {'CAUGHT' if caught else 'MISSED'} ({' '.join(tests)})", flush=True)
    shutil.rmtree(copy)
    return caught


def main(argv: list[str]) -> int:
    numbers = [int(a) for a in argv] or list(range(1, len(FAULTS) + 1))
    return 0 if all([check(n) for n in numbers]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
