"""Bulk onboarding of many units from one spreadsheet: a dry run that reports every line (what will be created or
changed, and every error), then one all-or-nothing commit that creates the accounts with generated passwords.

Passwords are hashed before the write transaction (`issue_credentials`, a thread pool: bcrypt releases the GIL), so
the database is not locked for the minutes 1,410 bcrypt hashes take; the commit re-checks the whole file inside the
transaction, so a username taken in between still stops the import with nothing written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, insert, select, update

from db.schema import audit_log, departments, queue_counter_groups, queue_counters, queue_groups, staff_imports, units
from db.schema import users as users_table
from services.accounts.accounts import INITIAL_PASSWORD_ROUNDS, hash_password, normalize_username
from services.core import audit
from services.core.clock import now
from services.core.errors import ValidationError
from services.core.roles import (
    ADMIN,
    CITY_LEADER,
    CLERK,
    DEPARTMENT_HEAD,
    DEPARTMENT_ROLES,
    LEADER,
    ROLE_LABELS,
    SPECIALIST,
    Actor,
    format_roles,
)
from services.core.text import nfc
from services.core.units import DEPARTMENT_KINDS
from services.rollout.sheets import TABLE_BY_KIND, Row, Table, header_key, read_tables

HASH_WORKERS = max(2, os.cpu_count() or 2)
PASSWORD_LENGTH = 12
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I on a printed list
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
DEPARTMENT_CODE = re.compile(r"^[a-z0-9_]{1,32}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IMPORTABLE_ROLES = (LEADER, CLERK, DEPARTMENT_HEAD, SPECIALIST)
ROLE_NAMES = {
    **{header_key(role): role for role in IMPORTABLE_ROLES},
    **{header_key(ROLE_LABELS[role]): role for role in IMPORTABLE_ROLES},
    "lanh dao": LEADER,
    "lanh dao ubnd": LEADER,
    "mot cua": CLERK,
    "can bo": CLERK,
    "truong phong": DEPARTMENT_HEAD,
    "pho truong phong": DEPARTMENT_HEAD,
    "chuyen vien": SPECIALIST,
    "cong chuc": SPECIALIST,
}
CITY_ROLE_NAMES = {header_key(x) for role in (ADMIN, CITY_LEADER) for x in (role, ROLE_LABELS[role])}
KIND_NAMES = {
    **{header_key(kind): kind for kind in DEPARTMENT_KINDS},
    **{header_key(label): kind for kind, label in DEPARTMENT_KINDS.items()},
    "van phong": "van_phong",
    "kinh te": "kinh_te",
    "vhxh": "van_hoa_xa_hoi",
    "van hoa": "van_hoa_xa_hoi",
    "dia chinh": "dia_chinh",
    "dat dai": "dia_chinh",
}
ACTION_LABELS = {"create": "Tạo mới", "update": "Cập nhật", "unchanged": "Không đổi"}
ROLE_HELP = [f"{ROLE_LABELS[role]} ({role})" for role in IMPORTABLE_ROLES]
KIND_HELP = [f"{kind} — {label}" for kind, label in DEPARTMENT_KINDS.items()]


@dataclass(frozen=True)
class LineError:
    source: str
    line: int
    message: str


@dataclass(frozen=True)
class LineAction:
    source: str
    line: int
    table: str  # departments | staff | groups | counters
    action: str  # create | update | unchanged
    item: str
    detail: str


@dataclass(frozen=True)
class Credential:
    password: str
    password_hash: str


@dataclass
class _Writes:
    new_departments: list[dict] = field(default_factory=list)
    changed_departments: list[dict] = field(default_factory=list)
    new_groups: list[dict] = field(default_factory=list)
    changed_groups: list[dict] = field(default_factory=list)
    new_counters: list[dict] = field(default_factory=list)
    changed_counters: list[dict] = field(default_factory=list)
    staff: list[dict] = field(default_factory=list)


@dataclass
class ImportPlan:
    files: list[dict]
    actions: list[LineAction] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # sheets and files in reading order, for the report
    writes: _Writes = field(default_factory=_Writes)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(f"{a.table}_{a.action}" for a in self.actions)
        return {**counted, "errors": len(self.errors), "lines": len(self.actions) + len(self.lines_with_errors)}

    @property
    def lines_with_errors(self) -> set[tuple[str, int]]:
        return {(e.source, e.line) for e in self.errors}

    def line_order(self, line: LineError | LineAction) -> tuple[int, int]:
        return self.sources.index(line.source) if line.source in self.sources else len(self.sources), line.line

    @property
    def usernames(self) -> list[str]:
        return [person["username"] for person in self.writes.staff]


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    counts: dict[str, int]
    accounts: list[dict]  # with the initial password: shown once, never stored in clear


# The dry run ---------------------------------------------------------------------------------------------------


def plan_import(conn: Connection, actor: Actor | None, *, files: list[tuple[str, bytes]]) -> ImportPlan:
    """What the files would create or change, line by line, and every error; writes nothing.
    `actor` None is the command line (manage.py import-staff), run with the server operator's authority."""
    if actor is not None:
        actor.require(ADMIN)
    tables = read_tables(files)
    plan = ImportPlan(files=[_fingerprint(name, content) for name, content in files])
    plan.sources = list(dict.fromkeys(table.source for table in tables))
    plan.notes = [
        f"{t.source}: bỏ qua cột không dùng {', '.join(t.ignored_columns)}." for t in tables if t.ignored_columns
    ]
    context = _Context.load(conn)
    for kind, check in (
        ("departments", _check_department),
        ("groups", _check_group),
        ("counters", _check_counter),
        ("staff", _check_person),
    ):
        for row in _rows_of(tables, kind):
            problems = check(row, context, plan)
            plan.errors.extend(LineError(row.source, row.line, message) for message in problems)
    plan.errors.sort(key=plan.line_order)
    return plan


def _rows_of(tables: list[Table], kind: str) -> Iterable[Row]:
    return (row for table in tables if table.kind == kind for row in table.rows)


def _fingerprint(name: str, content: bytes) -> dict:
    return {"name": name, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}


@dataclass
class _Context:
    """The database as it is, plus what earlier lines of the files will create, to check later lines against."""

    units: dict[str, dict]
    departments: dict[tuple[int, str], dict]
    groups: dict[tuple[int, str], dict]
    counters: dict[tuple[int, int], dict]
    usernames: set[str]
    seen: dict[tuple, int] = field(default_factory=dict)  # (table, key) → first line in the files
    file_departments: set[tuple[int, str]] = field(default_factory=set)
    file_groups: set[tuple[int, str]] = field(default_factory=set)

    @classmethod
    def load(cls, conn: Connection) -> _Context:
        unit_rows = [dict(r._mapping) for r in conn.execute(select(units.c.id, units.c.code, units.c.name))]
        by_key = {header_key(u["name"]): u for u in unit_rows} | {u["code"]: u for u in unit_rows}
        links: dict[int, set[str]] = {}
        link_query = select(queue_counter_groups.c.counter_id, queue_groups.c.letter).join(
            queue_groups, queue_groups.c.id == queue_counter_groups.c.group_id
        )
        for link in conn.execute(link_query):
            links.setdefault(link.counter_id, set()).add(link.letter)
        return cls(
            units=by_key,
            departments={(r.unit_id, r.code): dict(r._mapping) for r in conn.execute(select(departments))},
            groups={(r.unit_id, r.letter): dict(r._mapping) for r in conn.execute(select(queue_groups))},
            counters={
                (r.unit_id, r.number): dict(r._mapping) | {"letters": frozenset(links.get(r.id, ()))}
                for r in conn.execute(select(queue_counters))
            },
            usernames=set(conn.scalars(select(users_table.c.username))),
        )

    def unit(self, raw: str, problems: list[str]) -> dict | None:
        raw = (raw or "").strip()
        if not raw:
            problems.append("Thiếu mã đơn vị.")
            return None
        found = self.units.get(raw.upper()) or self.units.get(header_key(raw))
        if found is None:
            problems.append(f"Mã đơn vị “{raw}” không có trong 94 phường, xã, đặc khu của thành phố.")
        return found

    def first_line(self, key: tuple, line: int) -> int | None:
        """None the first time a key is seen; the line of its first occurrence after that."""
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = line
        return earlier


def _required(value: str, label: str, limit: int, problems: list[str]) -> str:
    value = nfc(value)
    if not value:
        problems.append(f"Thiếu {label}.")
    elif len(value) > limit:
        problems.append(f"{label[0].upper()}{label[1:]} quá dài (tối đa {limit} ký tự).")
    return value


def _act(plan: ImportPlan, row: Row, table: str, action: str, item: str, detail: str) -> None:
    plan.actions.append(LineAction(row.source, row.line, table, action, item, detail))


def _changes(old: dict, new: dict, labels: dict[str, str]) -> str:
    return "; ".join(f"{labels[k]}: {_shown(old[k])} → {_shown(new[k])}" for k in labels if old[k] != new[k])


def _shown(value) -> str:
    if isinstance(value, bool):
        return "hoạt động" if value else "ngừng"
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(value)) or "—"
    return str(value)


# Departments ----------------------------------------------------------------------------------------------------


def _check_department(row: Row, context: _Context, plan: ImportPlan) -> list[str]:
    problems: list[str] = []
    unit = context.unit(row.values["unit_code"], problems)
    code = (row.values["code"] or "").strip().lower()
    if not DEPARTMENT_CODE.match(code):
        problems.append(f"Mã phòng “{code}” chỉ gồm chữ thường không dấu, số và dấu _ (tối đa 32 ký tự).")
    name = _required(row.values["name"], "tên phòng", 160, problems)
    kind = KIND_NAMES.get(header_key(row.values["kind"]))
    if kind is None:
        problems.append(f"Loại phòng “{row.values['kind']}” không hợp lệ; dùng: {', '.join(DEPARTMENT_KINDS)}.")
    if unit is None or problems:
        return problems
    key = (unit["id"], code)
    earlier = context.first_line(("department", key), row.line)
    if earlier is not None:
        return [f"Phòng “{code}” của {unit['code']} trùng với dòng {earlier}."]
    context.file_departments.add(key)
    item = f"{unit['code']} · {code}"
    new = {"name": name, "kind": kind, "active": True}
    existing = context.departments.get(key)
    if existing is None:
        plan.writes.new_departments.append({"unit_id": unit["id"], "code": code, **new})
        _act(plan, row, "departments", "create", item, f"{name} ({DEPARTMENT_KINDS[kind]})")
        return []
    detail = _changes(existing, new, {"name": "Tên", "kind": "Loại", "active": "Trạng thái"})
    if detail:
        plan.writes.changed_departments.append({"id": existing["id"], **new})
    _act(plan, row, "departments", "update" if detail else "unchanged", item, detail or name)
    return []


# Service groups and counters -----------------------------------------------------------------------------------


def _check_group(row: Row, context: _Context, plan: ImportPlan) -> list[str]:
    problems: list[str] = []
    unit = context.unit(row.values["unit_code"], problems)
    letter = (row.values["letter"] or "").strip().upper()
    if not re.fullmatch(r"[A-Z]", letter):
        problems.append(f"Ký hiệu nhóm “{row.values['letter']}” phải là một chữ cái in hoa không dấu (A, B, C …).")
    name = _required(row.values["name"], "tên nhóm", 160, problems)
    if unit is None or problems:
        return problems
    key = (unit["id"], letter)
    earlier = context.first_line(("group", key), row.line)
    if earlier is not None:
        return [f"Nhóm {letter} của {unit['code']} trùng với dòng {earlier}."]
    context.file_groups.add(key)
    item, new = f"{unit['code']} · nhóm {letter}", {"name": name, "active": True}
    existing = context.groups.get(key)
    if existing is None:
        plan.writes.new_groups.append({"unit_id": unit["id"], "letter": letter, **new})
        _act(plan, row, "groups", "create", item, name)
        return []
    detail = _changes(existing, new, {"name": "Tên", "active": "Trạng thái"})
    if detail:
        plan.writes.changed_groups.append({"id": existing["id"], **new})
    _act(plan, row, "groups", "update" if detail else "unchanged", item, detail or name)
    return []


def _check_counter(row: Row, context: _Context, plan: ImportPlan) -> list[str]:
    problems: list[str] = []
    unit = context.unit(row.values["unit_code"], problems)
    number = _counter_number(row.values["number"], problems)
    name = nfc(row.values.get("name", ""))
    if len(name) > 160:
        problems.append("Tên quầy quá dài (tối đa 160 ký tự).")
    letters = _letters(row.values["groups"], problems)
    if unit is None or problems:
        return problems
    missing = sorted(
        x for x in letters if (unit["id"], x) not in context.groups and (unit["id"], x) not in context.file_groups
    )
    if missing:
        return [f"{unit['code']} chưa có nhóm dịch vụ {', '.join(missing)} (khai ở trang Nhóm dịch vụ)."]
    key = (unit["id"], number)
    earlier = context.first_line(("counter", key), row.line)
    if earlier is not None:
        return [f"Quầy số {number} của {unit['code']} trùng với dòng {earlier}."]
    item, new = f"{unit['code']} · quầy {number}", {"name": name, "letters": letters, "active": True}
    existing = context.counters.get(key)
    if existing is None:
        plan.writes.new_counters.append({"unit_id": unit["id"], "number": number, **new})
        _act(plan, row, "counters", "create", item, f"{name or 'Quầy'} — nhóm {_shown(letters)}")
        return []
    detail = _changes(existing, new, {"name": "Tên", "letters": "Nhóm", "active": "Trạng thái"})
    if detail:
        plan.writes.changed_counters.append({"id": existing["id"], "unit_id": unit["id"], **new})
    _act(plan, row, "counters", "update" if detail else "unchanged", item, detail or name)
    return []


def _counter_number(raw: str, problems: list[str]) -> int:
    text = (raw or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= 99:
        problems.append(f"Số quầy “{text}” phải là số nguyên từ 1 đến 99.")
        return 0
    return int(text)


def _letters(raw: str, problems: list[str]) -> frozenset[str]:
    """'A, C', 'A;C' and 'AC' all mean groups A and C."""
    letters = frozenset(re.sub(r"[\s,;/+]", "", (raw or "").upper()))
    if not letters:
        problems.append("Thiếu nhóm phục vụ của quầy (ví dụ “A, C”).")
    elif not all(re.fullmatch(r"[A-Z]", x) for x in letters):
        problems.append(f"Nhóm phục vụ “{raw}” chỉ gồm các ký hiệu nhóm A–Z, ví dụ “A, C”.")
    return letters


# Staff --------------------------------------------------------------------------------------------------------


def _check_person(row: Row, context: _Context, plan: ImportPlan) -> list[str]:
    problems: list[str] = []
    values = row.values
    full_name = _required(values["full_name"], "họ tên", 120, problems)
    username = _username(values["username"], context, row.line, problems)
    roles = _roles(values["roles"], problems)
    unit = context.unit(values["unit_code"], problems)
    email = _email(values.get("email", ""), problems)
    phone = _phone(values.get("phone", ""), problems)
    department = _person_department(values.get("department_code", ""), roles, unit, context, problems)
    if problems:
        return problems
    plan.writes.staff.append(
        dict(
            username=username,
            full_name=full_name,
            roles=roles,
            unit_id=unit["id"],
            unit_code=unit["code"],
            unit_name=unit["name"],
            department=department,
            email=email,
            phone=phone,
        )
    )
    where = unit["name"] + (f", phòng {department[1]}" if department else "")
    labels = ", ".join(ROLE_LABELS[role] for role in roles)
    _act(plan, row, "staff", "create", username, f"{full_name} — {labels} — {where}")
    return []


def _username(raw: str, context: _Context, line: int, problems: list[str]) -> str:
    username = normalize_username(raw)
    if not username:
        problems.append("Thiếu tên đăng nhập.")
    elif not USERNAME.match(username):
        problems.append(
            f"Tên đăng nhập “{raw}” chỉ gồm chữ không dấu, số và các ký tự . _ - (2–64 ký tự, bắt đầu bằng chữ/số)."
        )
    elif username in context.usernames:
        problems.append(f"Tên đăng nhập “{username}” đã có trong hệ thống.")
    elif (earlier := context.first_line(("username", username), line)) is not None:
        problems.append(f"Tên đăng nhập “{username}” trùng với dòng {earlier}.")
    return username


def _roles(raw: str, problems: list[str]) -> tuple[str, ...]:
    parts = [part.strip() for part in re.split(r"[,;+\n]", raw or "") if header_key(part)]
    if not parts:
        problems.append("Thiếu vai trò.")
    roles = set()
    for part in parts:
        name = header_key(part)
        if name in CITY_ROLE_NAMES:
            problems.append(
                "Tài khoản cấp thành phố (quản trị, lãnh đạo thành phố) không nhập hàng loạt; "
                "tạo riêng trên trang Tài khoản cán bộ."
            )
        elif name in ROLE_NAMES:
            roles.add(ROLE_NAMES[name])
        else:
            problems.append(f"Vai trò “{part}” không hợp lệ; dùng: {'; '.join(ROLE_HELP)}.")
    return tuple(sorted(roles))


def _email(raw: str, problems: list[str]) -> str:
    email = (raw or "").strip()
    if email and (len(email) > 160 or not EMAIL.match(email)):
        problems.append(f"Email “{email}” không hợp lệ.")
    return email


def _phone(raw: str, problems: list[str]) -> str:
    phone = re.sub(r"[\s.()-]", "", raw or "")
    digits = phone.removeprefix("+")
    if not phone:
        return ""
    if not digits.isdigit() or not 9 <= len(digits) <= 15:
        problems.append(f"Số điện thoại “{raw}” không hợp lệ.")
        return phone
    if len(phone) == 9 and phone[0] != "0":
        phone = "0" + phone  # a number cell in Excel drops the leading zero of 0905…
    return phone


def _person_department(
    raw: str, roles: tuple[str, ...], unit: dict | None, context: _Context, problems: list[str]
) -> tuple[int, str] | None:
    code = (raw or "").strip().lower()
    if not code:
        if DEPARTMENT_ROLES & set(roles):
            problems.append("Chuyên viên và trưởng phòng phải có Mã phòng.")
        return None
    if unit is None:
        return None
    key = (unit["id"], code)
    existing = context.departments.get(key)
    if key in context.file_departments:
        return key
    if existing is None:
        problems.append(
            f"{unit['code']} chưa có phòng mã “{code}” "
            "(khai ở trang Phòng ban của tệp hoặc trên trang Phòng chuyên môn)."
        )
    elif not existing["active"]:
        problems.append(f"Phòng “{code}” của {unit['code']} đã ngừng hoạt động.")
    return key


# Passwords -----------------------------------------------------------------------------------------------------


def issue_credentials(usernames: Iterable[str]) -> dict[str, Credential]:
    """A generated password per account, hashed at the one-time-password cost of services.accounts on all cores.
    Pure CPU and no database: callers run it before opening the write transaction."""
    passwords = {username: generate_password() for username in usernames}
    with ThreadPoolExecutor(max_workers=HASH_WORKERS) as pool:
        hashes = list(pool.map(_hash_initial_password, passwords.values()))
    return {
        username: Credential(password, h) for (username, password), h in zip(passwords.items(), hashes, strict=True)
    }


def _hash_initial_password(password: str) -> str:
    return hash_password(password, rounds=INITIAL_PASSWORD_ROUNDS)


def generate_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


# The commit ----------------------------------------------------------------------------------------------------


def commit_import(
    conn: Connection,
    actor: Actor | None,
    *,
    files: list[tuple[str, bytes]],
    credentials: Mapping[str, Credential] | None = None,
) -> ImportResult:
    """Checks the files again and writes all of it, or raises ValidationError and writes nothing.
    `credentials` are from issue_credentials on the dry run's usernames; any missing are issued here."""
    plan = plan_import(conn, actor, files=files)
    if not plan.ok:
        raise ValidationError(
            f"Tệp còn {len(plan.errors)} lỗi nên không có gì được ghi. "
            "Chạy thử để xem lỗi từng dòng, sửa tệp rồi nhập lại."
        )
    if not plan.actions:
        raise ValidationError("Tệp không có dòng nào để nhập.")
    credentials = dict(credentials or {})
    missing = [u for u in plan.usernames if u not in credentials]
    credentials.update(issue_credentials(missing))
    writes = plan.writes
    department_ids = _write_departments(conn, writes)
    _write_groups(conn, writes)
    _write_counters(conn, writes)
    accounts = _write_staff(conn, actor, writes.staff, department_ids, credentials)
    counts = {key: value for key, value in plan.counts.items() if key not in ("errors", "lines")}
    import_id = _record(conn, actor, plan.files, counts)
    return ImportResult(import_id=import_id, counts=counts, accounts=accounts)


def _write_departments(conn: Connection, writes: _Writes) -> dict[tuple[int, str], int]:
    for change in writes.changed_departments:
        conn.execute(update(departments).where(departments.c.id == change.pop("id")).values(**change))
    if writes.new_departments:
        conn.execute(insert(departments), writes.new_departments)
    unit_ids = {person["unit_id"] for person in writes.staff if person["department"]}
    if not unit_ids:
        return {}
    query = select(departments.c.id, departments.c.unit_id, departments.c.code).where(
        departments.c.unit_id.in_(unit_ids)
    )
    return {(r.unit_id, r.code): r.id for r in conn.execute(query)}


def _write_groups(conn: Connection, writes: _Writes) -> None:
    for change in writes.changed_groups:
        conn.execute(update(queue_groups).where(queue_groups.c.id == change.pop("id")).values(**change))
    if writes.new_groups:
        conn.execute(insert(queue_groups), writes.new_groups)


def _write_counters(conn: Connection, writes: _Writes) -> None:
    if not (writes.new_counters or writes.changed_counters):
        return
    for change in writes.changed_counters:
        conn.execute(
            update(queue_counters)
            .where(queue_counters.c.id == change["id"])
            .values(name=change["name"], active=change["active"])
        )
    changed_ids = [change["id"] for change in writes.changed_counters]
    if changed_ids:
        conn.execute(delete(queue_counter_groups).where(queue_counter_groups.c.counter_id.in_(changed_ids)))
    if writes.new_counters:
        rows = [{k: c[k] for k in ("unit_id", "number", "name", "active")} for c in writes.new_counters]
        conn.execute(insert(queue_counters), rows)
    unit_ids = {c["unit_id"] for c in writes.new_counters + writes.changed_counters}
    counter_ids = {
        (r.unit_id, r.number): r.id
        for r in conn.execute(select(queue_counters).where(queue_counters.c.unit_id.in_(unit_ids)))
    }
    group_ids = {
        (r.unit_id, r.letter): r.id
        for r in conn.execute(select(queue_groups).where(queue_groups.c.unit_id.in_(unit_ids)))
    }
    links = []
    for counter in writes.new_counters:
        counter["id"] = counter_ids[(counter["unit_id"], counter["number"])]
    for counter in writes.new_counters + writes.changed_counters:
        links += [
            {"counter_id": counter["id"], "group_id": group_ids[(counter["unit_id"], x)]} for x in counter["letters"]
        ]
    conn.execute(insert(queue_counter_groups), links)


def _write_staff(
    conn: Connection,
    actor: Actor | None,
    staff: list[dict],
    department_ids: dict[tuple[int, str], int],
    credentials: Mapping[str, Credential],
) -> list[dict]:
    if not staff:
        return []
    at = now()
    rows = [
        dict(
            username=person["username"],
            full_name=person["full_name"],
            email=person["email"],
            phone=person["phone"],
            password_hash=credentials[person["username"]].password_hash,
            roles=format_roles(person["roles"]),
            unit_id=person["unit_id"],
            department_id=department_ids[person["department"]] if person["department"] else None,
            active=True,
            failed_logins=0,
            must_change_password=True,
            created_at=at,
        )
        for person in staff
    ]
    conn.execute(insert(users_table), rows)
    ids = dict(
        conn.execute(
            select(users_table.c.username, users_table.c.id).where(
                users_table.c.username.in_([row["username"] for row in rows])
            )
        ).all()
    )
    conn.execute(insert(audit_log), [_audit_row(actor, at, ids[row["username"]], row) for row in rows])
    return [account_row(person) | {"password": credentials[person["username"]].password} for person in staff]


def account_row(person: dict) -> dict:
    return {
        "unit_code": person["unit_code"],
        "unit_name": person["unit_name"],
        "full_name": person["full_name"],
        "username": person["username"],
        "roles": ", ".join(ROLE_LABELS[role] for role in person["roles"]),
    }


def _audit_row(actor: Actor | None, at, user_id: int, row: dict) -> dict:
    """The same row audit.record writes for accounts.create_user, in one batch."""
    return dict(
        at=at,
        user_id=actor.user_id if actor else None,
        username=actor.username if actor else "system",
        unit_id=row["unit_id"],
        action="create",
        entity="user",
        entity_id=str(user_id),
        detail=json.dumps({"username": row["username"], "roles": row["roles"], "via": "import"}, ensure_ascii=False),
    )


def _record(conn: Connection, actor: Actor | None, files: list[dict], counts: dict[str, int]) -> int:
    import_id = conn.execute(
        insert(staff_imports).values(
            at=now(),
            user_id=actor.user_id if actor else None,
            username=actor.username if actor else "system",
            files=json.dumps(files, ensure_ascii=False),
            counts=json.dumps(counts),
        )
    ).inserted_primary_key[0]
    audit.record(conn, actor, action="import", entity="staff_import", entity_id=import_id, **counts)
    return import_id


def import_history(conn: Connection, actor: Actor, *, limit: int = 50) -> list[dict]:
    actor.require(ADMIN)
    query = select(staff_imports).order_by(staff_imports.c.id.desc()).limit(limit)
    return [
        dict(row._mapping) | {"files": json.loads(row.files), "counts": json.loads(row.counts)}
        for row in conn.execute(query)
    ]


# Reports -------------------------------------------------------------------------------------------------------


def table_label(kind: str) -> str:
    return TABLE_BY_KIND[kind].title


def report_rows(plan: ImportPlan) -> list[dict]:
    """Every line of the files in order: its action, or its errors."""
    lines = sorted([*plan.actions, *plan.errors], key=plan.line_order)
    return [_report_row(line) for line in lines]


def _report_row(line: LineError | LineAction) -> dict:
    if isinstance(line, LineError):
        return {
            "Tệp / trang": line.source,
            "Dòng": line.line,
            "Bảng": "",
            "Kết quả": "Lỗi",
            "Đối tượng": "",
            "Chi tiết": line.message,
        }
    return {
        "Tệp / trang": line.source,
        "Dòng": line.line,
        "Bảng": table_label(line.table),
        "Kết quả": ACTION_LABELS[line.action],
        "Đối tượng": line.item,
        "Chi tiết": line.detail,
    }


def error_rows(plan: ImportPlan) -> list[dict]:
    return [{"Tệp / trang": e.source, "Dòng": e.line, "Lỗi": e.message} for e in plan.errors]


def summary(plan: ImportPlan) -> str:
    counts = plan.counts
    parts = []
    for kind in ("departments", "staff", "groups", "counters"):
        created, changed = counts.get(f"{kind}_create", 0), counts.get(f"{kind}_update", 0)
        if created or changed:
            parts.append(f"{table_label(kind).lower()}: {created} tạo mới, {changed} cập nhật")
    done = "; ".join(parts) or "không có gì thay đổi"
    return f"{done}; {len(plan.errors)} lỗi."


def password_rows(accounts: list[dict]) -> list[dict]:
    """The list handed to each unit: who signs in with what, once."""
    return [
        {
            "Mã đơn vị": a["unit_code"],
            "Đơn vị": a["unit_name"],
            "Họ tên": a["full_name"],
            "Tên đăng nhập": a["username"],
            "Vai trò": a["roles"],
            "Mật khẩu ban đầu": a["password"],
        }
        for a in accounts
    ]
