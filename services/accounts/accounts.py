"""Staff accounts: password login with a persisted lock-out, and account management by the admin."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy import Connection, insert, select, update

from db.schema import departments, units, users
from services.core import audit
from services.core.clock import format_datetime, now
from services.core.errors import Conflict, NotFound, ValidationError
from services.core.roles import (
    ADMIN,
    ALL_ROLES,
    CITY_WIDE_ROLES,
    DEPARTMENT_ROLES,
    Actor,
    format_roles,
    parse_roles,
)
from services.core.text import nfc

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt 5 raises beyond it
BCRYPT_ROUNDS = int(os.environ.get("MOTCUA_BCRYPT_ROUNDS", "12"))  # tests lower it; never below 12 in use
# Generated one-time passwords (random, ~69 bits, replaced at first sign-in) need no slow hash: 94 units × 15
# staff at cost 12 take six minutes on two cores, at cost 8 about twenty seconds.
INITIAL_PASSWORD_ROUNDS = min(BCRYPT_ROUNDS, 8)
WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


@dataclass(frozen=True)
class LoginOutcome:
    actor: Actor | None
    message: str = ""


def hash_password(password: str, *, rounds: int = BCRYPT_ROUNDS) -> str:
    check_password_rules(password)
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise ValidationError(f"Mật khẩu quá dài (tối đa {MAX_PASSWORD_BYTES} byte).")


def _password_matches(password: str, password_hash: str) -> bool:
    encoded = password.encode()
    return len(encoded) <= MAX_PASSWORD_BYTES and bcrypt.checkpw(encoded, password_hash.encode())


def generate_password() -> str:
    return secrets.token_urlsafe(9)


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def authenticate(conn: Connection, username: str, password: str, *, at: datetime | None = None) -> LoginOutcome:
    """Checks a password; failed attempts are counted in the database so the lock-out holds across sessions."""
    at = at or now()
    row = conn.execute(select(users).where(users.c.username == normalize_username(username))).first()
    if row is None or not password:
        return LoginOutcome(None, WRONG_CREDENTIALS)
    if not row.active:
        return LoginOutcome(None, "Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên.")
    if row.locked_until and row.locked_until > at:
        return LoginOutcome(None, _locked_message(row.locked_until))
    if not _password_matches(password, row.password_hash):
        return _count_failure(conn, row, at)
    conn.execute(update(users).where(users.c.id == row.id).values(failed_logins=0, locked_until=None))
    audit.record(
        conn, None, action="login", entity="user", entity_id=row.id, unit_id=row.unit_id, username=row.username
    )
    return LoginOutcome(_actor(row))


def _count_failure(conn: Connection, row, at: datetime) -> LoginOutcome:
    failures = row.failed_logins + 1
    if failures >= MAX_FAILED_LOGINS:
        locked_until = at + timedelta(minutes=LOCK_MINUTES)
        conn.execute(update(users).where(users.c.id == row.id).values(failed_logins=0, locked_until=locked_until))
        audit.record(conn, None, action="lock", entity="user", entity_id=row.id, unit_id=row.unit_id)
        return LoginOutcome(None, _locked_message(locked_until))
    conn.execute(update(users).where(users.c.id == row.id).values(failed_logins=failures))
    left = MAX_FAILED_LOGINS - failures
    return LoginOutcome(None, f"{WRONG_CREDENTIALS} Còn {left} lần thử trước khi tài khoản bị tạm khóa.")


def _locked_message(until: datetime) -> str:
    return (
        f"Tài khoản tạm khóa {LOCK_MINUTES} phút do nhập sai mật khẩu {MAX_FAILED_LOGINS} lần. "
        f"Thử lại sau {format_datetime(until)}."
    )


def _actor(row) -> Actor:
    return Actor(
        user_id=row.id,
        username=row.username,
        full_name=row.full_name,
        roles=parse_roles(row.roles),
        unit_id=row.unit_id,
        department_id=row.department_id,
    )


def load_actor(conn: Connection, username: str | None, *, signed_in_at: datetime | None = None) -> Actor | None:
    """Re-read on every page run: a deactivated, locked or signed-out account loses access at once, cookie or not."""
    if not username:
        return None
    row = conn.execute(select(users).where(users.c.username == normalize_username(username))).first()
    if row is None or not row.active or (row.locked_until and row.locked_until > now()):
        return None
    if signed_in_at and row.sessions_revoked_at and row.sessions_revoked_at >= signed_in_at:
        return None
    return _actor(row)


def sign_out_everywhere(conn: Connection, username: str) -> None:
    """The sign-in cookie cannot be deleted from other browsers, so every cookie issued until now is refused."""
    conn.execute(
        update(users).where(users.c.username == normalize_username(username)).values(sessions_revoked_at=now())
    )


def must_change_password(conn: Connection, actor: Actor) -> bool:
    return bool(conn.scalar(select(users.c.must_change_password).where(users.c.id == actor.user_id)))


def credentials_for_authenticator(conn: Connection) -> dict:
    """A fresh dict each run (streamlit-authenticator mutates it): active users only."""
    rows = conn.execute(
        select(users.c.username, users.c.full_name, users.c.email, users.c.password_hash, users.c.roles).where(
            users.c.active.is_(True)
        )
    )
    return {
        "usernames": {
            r.username: {
                "name": r.full_name,
                "email": r.email,
                "password": r.password_hash,
                "roles": sorted(parse_roles(r.roles)),
            }
            for r in rows
        }
    }


@dataclass(frozen=True)
class NewUser:
    username: str
    full_name: str
    roles: tuple[str, ...]
    unit_id: int | None
    department_id: int | None = None
    email: str = ""
    phone: str = ""


def create_user(
    conn: Connection, actor: Actor | None, new: NewUser, password: str, *, must_change: bool = False
) -> int:
    """actor None is the command line (manage.py), which runs with the server operator's authority."""
    if actor is not None:
        actor.require(ADMIN)
    username = normalize_username(new.username)
    if not username or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        raise ValidationError("Tên đăng nhập chỉ gồm chữ không dấu, số và các ký tự . _ -")
    if not nfc(new.full_name):
        raise ValidationError("Họ tên không được để trống.")
    _check_assignment(conn, set(new.roles), new.unit_id, new.department_id)
    if conn.scalar(select(users.c.id).where(users.c.username == username)):
        raise Conflict(f"Tên đăng nhập '{username}' đã tồn tại.")
    user_id = conn.execute(
        insert(users).values(
            username=username,
            full_name=nfc(new.full_name),
            email=new.email.strip(),
            phone=new.phone.strip(),
            password_hash=hash_password(password),
            roles=format_roles(new.roles),
            unit_id=new.unit_id,
            department_id=new.department_id,
            active=True,
            failed_logins=0,
            must_change_password=must_change,
            created_at=now(),
        )
    ).inserted_primary_key[0]
    audit.record(
        conn,
        actor,
        action="create",
        entity="user",
        entity_id=user_id,
        unit_id=new.unit_id,
        username=username,
        roles=format_roles(new.roles),
    )
    return user_id


def _check_assignment(conn: Connection, roles: set[str], unit_id: int | None, department_id: int | None) -> None:
    if not roles or not roles <= set(ALL_ROLES):
        raise ValidationError("Vai trò không hợp lệ.")
    if not roles <= CITY_WIDE_ROLES and unit_id is None:
        raise ValidationError("Cán bộ phường/xã phải thuộc một đơn vị.")
    if unit_id is not None and conn.scalar(select(units.c.id).where(units.c.id == unit_id)) is None:
        raise ValidationError("Đơn vị không tồn tại.")
    if roles & DEPARTMENT_ROLES and department_id is None:
        raise ValidationError("Chuyên viên và trưởng phòng phải thuộc một phòng chuyên môn.")
    if department_id is not None:
        dept_unit = conn.scalar(select(departments.c.unit_id).where(departments.c.id == department_id))
        if dept_unit is None or dept_unit != unit_id:
            raise ValidationError("Phòng chuyên môn không thuộc đơn vị đã chọn.")


def update_user(
    conn: Connection,
    actor: Actor,
    *,
    user_id: int,
    roles: tuple[str, ...],
    unit_id: int | None,
    department_id: int | None,
    full_name: str,
    email: str = "",
    phone: str = "",
) -> None:
    actor.require(ADMIN)
    _get(conn, user_id)
    _check_assignment(conn, set(roles), unit_id, department_id)
    if not nfc(full_name):
        raise ValidationError("Họ tên không được để trống.")
    values = dict(
        roles=format_roles(roles),
        unit_id=unit_id,
        department_id=department_id,
        full_name=nfc(full_name),
        email=email.strip(),
        phone=phone.strip(),
    )
    conn.execute(update(users).where(users.c.id == user_id).values(**values))
    audit.record(
        conn,
        actor,
        action="update",
        entity="user",
        entity_id=user_id,
        unit_id=unit_id,
        changes={k: v for k, v in values.items() if k != "unit_id"},
    )


def set_active(conn: Connection, actor: Actor, *, user_id: int, active: bool) -> None:
    actor.require(ADMIN)
    row = _get(conn, user_id)
    if row.id == actor.user_id and not active:
        raise ValidationError("Không thể tự vô hiệu hóa tài khoản của chính mình.")
    conn.execute(update(users).where(users.c.id == user_id).values(active=active))
    audit.record(
        conn,
        actor,
        action="activate" if active else "deactivate",
        entity="user",
        entity_id=user_id,
        unit_id=row.unit_id,
    )


def reset_password(conn: Connection, actor: Actor, *, user_id: int, password: str) -> None:
    actor.require(ADMIN)
    row = _get(conn, user_id)
    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(password_hash=hash_password(password), failed_logins=0, locked_until=None, must_change_password=True)
    )
    audit.record(conn, actor, action="reset_password", entity="user", entity_id=user_id, unit_id=row.unit_id)


def change_own_password(conn: Connection, actor: Actor, *, current: str, new: str) -> None:
    row = _get(conn, actor.user_id)
    if not _password_matches(current, row.password_hash):
        raise ValidationError("Mật khẩu hiện tại không đúng.")
    if new == current:
        raise ValidationError("Mật khẩu mới phải khác mật khẩu hiện tại.")
    conn.execute(
        update(users)
        .where(users.c.id == actor.user_id)
        .values(password_hash=hash_password(new), must_change_password=False)
    )
    audit.record(conn, actor, action="change_password", entity="user", entity_id=actor.user_id, unit_id=row.unit_id)


def list_users(conn: Connection, actor: Actor, *, unit_id: int | None = None) -> list[dict]:
    actor.require(ADMIN)
    query = (
        select(
            users.c.id,
            users.c.username,
            users.c.full_name,
            users.c.roles,
            users.c.unit_id,
            users.c.department_id,
            users.c.active,
            users.c.locked_until,
            users.c.email,
            users.c.phone,
            units.c.name.label("unit_name"),
            departments.c.name.label("department_name"),
        )
        .select_from(
            users.outerjoin(units, units.c.id == users.c.unit_id).outerjoin(
                departments, departments.c.id == users.c.department_id
            )
        )
        .order_by(units.c.name, users.c.username)
    )
    if unit_id is not None:
        query = query.where(users.c.unit_id == unit_id)
    return [dict(r._mapping) for r in conn.execute(query)]


def _get(conn: Connection, user_id: int):
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return row
