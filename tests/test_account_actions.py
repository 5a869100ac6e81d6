"""Every account action refuses what it must: wrong current password, a non-admin, a deactivated or locked user, and
passwords one past the limits. A refusal leaves the account as it was (checked by signing in, not by reading code)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.engine import read, write
from db.schema import departments, units, users
from services.accounts import accounts
from services.core.clock import now
from services.core.errors import NotFound, PermissionDenied, ValidationError
from tests.builders import actor

PASSWORD = "motcua@2026"
NON_ADMINS = ["lanhdao.tp", "lanhdao.nhs", "motcua.nhs", "truongphong.nhs", "chuyenvien.nhs"]
# Password limits, written out: 8 characters at least, 72 bytes at most (bcrypt).
SHORTEST, LONGEST_BYTES = 8, 72


def login(engine, username, password, at=None):
    with write(engine) as conn:
        return accounts.authenticate(conn, username, password, at=at)


def user_row(engine, username):
    with read(engine) as conn:
        return conn.execute(select(users).where(users.c.username == username)).one()


# change my password


def test_a_wrong_current_password_is_refused_and_the_old_password_still_works(demo_engine):
    clerk = actor(demo_engine, "motcua.nhs")
    with pytest.raises(ValidationError, match="Mật khẩu hiện tại không đúng"), write(demo_engine) as conn:
        accounts.change_own_password(conn, clerk, current="khong-phai-mat-khau", new="mat-khau-moi-1")
    assert login(demo_engine, "motcua.nhs", PASSWORD).actor is not None
    assert login(demo_engine, "admin", PASSWORD).actor is not None  # (other accounts untouched too)
    assert login(demo_engine, "motcua.nhs", "mat-khau-moi-1").actor is None


def test_the_right_current_password_changes_it(demo_engine):
    clerk = actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        accounts.change_own_password(conn, clerk, current=PASSWORD, new="mat-khau-moi-1")
    assert login(demo_engine, "motcua.nhs", "mat-khau-moi-1").actor is not None
    assert login(demo_engine, "motcua.nhs", PASSWORD).actor is None


def test_the_new_password_must_differ_from_the_current_one(demo_engine):
    clerk = actor(demo_engine, "motcua.nhs")
    before = user_row(demo_engine, "motcua.nhs").password_hash
    with pytest.raises(ValidationError, match="phải khác"), write(demo_engine) as conn:
        accounts.change_own_password(conn, clerk, current=PASSWORD, new=PASSWORD)
    assert user_row(demo_engine, "motcua.nhs").password_hash == before


@pytest.mark.parametrize(
    "new, accepted",
    [
        ("a" * (SHORTEST - 1), False),
        ("a" * SHORTEST, True),
        ("a" * LONGEST_BYTES, True),
        ("a" * (LONGEST_BYTES + 1), False),
        ("ữ" * 24, True),  # 3 bytes each: 72 bytes
        ("ữ" * 24 + "a", False),  # 73 bytes, 25 characters
    ],
)
def test_a_new_password_is_accepted_within_8_characters_and_72_bytes_and_refused_one_past(demo_engine, new, accepted):
    clerk = actor(demo_engine, "motcua.nhs")
    if accepted:
        with write(demo_engine) as conn:
            accounts.change_own_password(conn, clerk, current=PASSWORD, new=new)
        assert login(demo_engine, "motcua.nhs", new).actor is not None
    else:
        with pytest.raises(ValidationError), write(demo_engine) as conn:
            accounts.change_own_password(conn, clerk, current=PASSWORD, new=new)
        assert login(demo_engine, "motcua.nhs", PASSWORD).actor is not None


def test_changing_the_password_clears_the_must_change_flag_and_writes_the_audit(demo_engine):
    clerk = actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        accounts.reset_password(conn, actor(demo_engine, "admin"), user_id=clerk.user_id, password="tam-thoi-123")
    assert user_row(demo_engine, "motcua.nhs").must_change_password is True
    with write(demo_engine) as conn:
        accounts.change_own_password(conn, clerk, current="tam-thoi-123", new="mat-khau-moi-1")
    assert user_row(demo_engine, "motcua.nhs").must_change_password is False


# reset a password (admin only)


@pytest.mark.parametrize("username", NON_ADMINS)
def test_only_an_admin_resets_a_password(demo_engine, username):
    target = actor(demo_engine, "chuyenvien.nhs")
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        accounts.reset_password(conn, actor(demo_engine, username), user_id=target.user_id, password="tam-thoi-123")
    assert login(demo_engine, "chuyenvien.nhs", PASSWORD).actor is not None
    assert user_row(demo_engine, "chuyenvien.nhs").must_change_password is False


def test_an_admin_reset_unlocks_the_account_and_forces_a_change(demo_engine):
    clerk_id = actor(demo_engine, "motcua.nhs").user_id
    for _ in range(5):
        login(demo_engine, "motcua.nhs", "sai-mat-khau")
    assert login(demo_engine, "motcua.nhs", PASSWORD).message.startswith("Tài khoản tạm khóa")
    with write(demo_engine) as conn:
        accounts.reset_password(conn, actor(demo_engine, "admin"), user_id=clerk_id, password="tam-thoi-1")
    assert user_row(demo_engine, "motcua.nhs").must_change_password is True
    assert login(demo_engine, "motcua.nhs", "tam-thoi-1").actor is not None


def test_resetting_an_unknown_account_is_not_found(demo_engine):
    with pytest.raises(NotFound), write(demo_engine) as conn:
        accounts.reset_password(conn, actor(demo_engine, "admin"), user_id=999_999, password="tam-thoi-123")


def test_a_reset_to_a_too_short_password_is_refused(demo_engine):
    with pytest.raises(ValidationError, match="ít nhất 8"), write(demo_engine) as conn:
        accounts.reset_password(
            conn, actor(demo_engine, "admin"), user_id=actor(demo_engine, "motcua.nhs").user_id, password="1234567"
        )
    assert login(demo_engine, "motcua.nhs", PASSWORD).actor is not None


# deactivate / reactivate (admin only)


@pytest.mark.parametrize("username", NON_ADMINS)
def test_only_an_admin_deactivates_an_account(demo_engine, username):
    target = actor(demo_engine, "motcua.nhs")
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        accounts.set_active(conn, actor(demo_engine, username), user_id=target.user_id, active=False)
    assert user_row(demo_engine, "motcua.nhs").active is True


def test_an_admin_cannot_deactivate_themself(demo_engine):
    admin = actor(demo_engine, "admin")
    with pytest.raises(ValidationError, match="chính mình"), write(demo_engine) as conn:
        accounts.set_active(conn, admin, user_id=admin.user_id, active=False)
    assert login(demo_engine, "admin", PASSWORD).actor is not None


def test_a_deactivated_user_cannot_sign_in_nor_keep_a_session_until_reactivated(demo_engine):
    admin, clerk = actor(demo_engine, "admin"), actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        accounts.set_active(conn, admin, user_id=clerk.user_id, active=False)
    outcome = login(demo_engine, "motcua.nhs", PASSWORD)
    assert outcome.actor is None and outcome.message == "Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị viên."
    with read(demo_engine) as conn:
        assert accounts.load_actor(conn, "motcua.nhs") is None
        assert "motcua.nhs" not in accounts.credentials_for_authenticator(conn)["usernames"]
    with write(demo_engine) as conn:
        accounts.set_active(conn, admin, user_id=clerk.user_id, active=True)
    assert login(demo_engine, "motcua.nhs", PASSWORD).actor is not None


def test_deactivating_an_unknown_account_is_not_found(demo_engine):
    with pytest.raises(NotFound), write(demo_engine) as conn:
        accounts.set_active(conn, actor(demo_engine, "admin"), user_id=999_999, active=False)


# lock-out: 5 wrong passwords lock for 15 minutes (written out here, not read from the module)


def test_four_wrong_passwords_do_not_lock_and_the_right_one_resets_the_count(demo_engine):
    for left in (4, 3, 2, 1):
        assert login(demo_engine, "motcua.nhs", "sai-mat-khau").message.endswith(
            f"Còn {left} lần thử trước khi tài khoản bị tạm khóa."
        )
    assert login(demo_engine, "motcua.nhs", PASSWORD).actor is not None
    assert user_row(demo_engine, "motcua.nhs").failed_logins == 0
    assert login(demo_engine, "motcua.nhs", "sai-mat-khau").message.endswith(
        "Còn 4 lần thử trước khi tài khoản bị tạm khóa."
    )


def test_a_locked_user_is_refused_until_exactly_fifteen_minutes_later(demo_engine):
    start = now()
    for _ in range(5):
        outcome = login(demo_engine, "motcua.nhs", "sai-mat-khau", at=start)
    assert outcome.message.startswith("Tài khoản tạm khóa 15 phút trên thiết bị này do nhập sai mật khẩu 5 lần.")
    almost = login(demo_engine, "motcua.nhs", PASSWORD, at=start + timedelta(minutes=15) - timedelta(seconds=1))
    assert almost.actor is None and almost.message.startswith("Tài khoản tạm khóa")
    assert login(demo_engine, "motcua.nhs", PASSWORD, at=start + timedelta(minutes=15)).actor is not None


def test_a_user_signed_out_everywhere_loses_older_sessions_but_not_newer_ones(demo_engine):
    before = now() - timedelta(seconds=5)
    with write(demo_engine) as conn:
        accounts.sign_out_everywhere(conn, "motcua.nhs")
    with read(demo_engine) as conn:
        assert accounts.load_actor(conn, "motcua.nhs", signed_in_at=before) is None
        assert accounts.load_actor(conn, "motcua.nhs", signed_in_at=now() + timedelta(seconds=5)) is not None
        assert accounts.load_actor(conn, "motcua.nhs") is not None  # no sign-in time: not a cookie session
        assert accounts.load_actor(conn, "") is None and accounts.load_actor(conn, "khong.co") is None


# create, update, list (admin only)


@pytest.mark.parametrize("username", NON_ADMINS)
def test_only_an_admin_creates_updates_or_lists_accounts(demo_engine, username):
    me = actor(demo_engine, username)
    clerk = actor(demo_engine, "motcua.nhs")
    new = accounts.NewUser(username="moi.nhs", full_name="Cán bộ mới", roles=("clerk",), unit_id=clerk.unit_id)
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        accounts.create_user(conn, me, new, "mat-khau-dai")
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        accounts.update_user(
            conn, me, user_id=clerk.user_id, roles=("admin",), unit_id=None, department_id=None, full_name="X"
        )
    with pytest.raises(PermissionDenied), read(demo_engine) as conn:
        accounts.list_users(conn, me)
    assert user_row(demo_engine, "motcua.nhs").roles == "clerk"
    with read(demo_engine) as conn:
        assert conn.scalar(select(users.c.id).where(users.c.username == "moi.nhs")) is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"username": "có dấu"}, "chữ không dấu"),
        ({"username": ""}, "chữ không dấu"),
        ({"full_name": "  "}, "Họ tên"),
        ({"roles": ()}, "Vai trò không hợp lệ"),
        ({"roles": ("superuser",)}, "Vai trò không hợp lệ"),
        ({"unit_id": None}, "phải thuộc một đơn vị"),
        ({"unit_id": 999_999}, "Đơn vị không tồn tại"),
        ({"roles": ("specialist",)}, "phải thuộc một phòng chuyên môn"),
    ],
)
def test_an_account_with_a_bad_field_is_refused_and_not_created(demo_engine, changes, message):
    clerk = actor(demo_engine, "motcua.nhs")
    fields = {"username": "moi.nhs", "full_name": "Cán bộ mới", "roles": ("clerk",), "unit_id": clerk.unit_id}
    new = accounts.NewUser(**{**fields, **changes})
    with pytest.raises(ValidationError, match=message), write(demo_engine) as conn:
        accounts.create_user(conn, actor(demo_engine, "admin"), new, "mat-khau-dai")
    with read(demo_engine) as conn:
        assert conn.scalar(select(users.c.id).where(users.c.username == "moi.nhs")) is None


def test_a_city_wide_account_needs_no_unit_and_signs_in(demo_engine):
    new = accounts.NewUser(username="Qtv.Moi", full_name="Quản trị mới", roles=("admin",), unit_id=None)
    with write(demo_engine) as conn:
        accounts.create_user(conn, actor(demo_engine, "admin"), new, "mat-khau-dai", must_change=True)
    assert login(demo_engine, "qtv.moi", "mat-khau-dai").actor.roles == {"admin"}
    assert user_row(demo_engine, "qtv.moi").must_change_password is True


def test_updating_an_unknown_account_is_not_found_and_an_empty_name_is_refused(demo_engine):
    admin, clerk = actor(demo_engine, "admin"), actor(demo_engine, "motcua.nhs")
    with pytest.raises(NotFound), write(demo_engine) as conn:
        accounts.update_user(
            conn, admin, user_id=999_999, roles=("clerk",), unit_id=clerk.unit_id, department_id=None, full_name="A"
        )
    with pytest.raises(ValidationError, match="Họ tên"), write(demo_engine) as conn:
        accounts.update_user(
            conn,
            admin,
            user_id=clerk.user_id,
            roles=("clerk",),
            unit_id=clerk.unit_id,
            department_id=None,
            full_name=" ",
        )
    assert user_row(demo_engine, "motcua.nhs").full_name != " "


def test_an_admin_changes_a_role_and_it_applies_on_the_next_load(demo_engine):
    admin, clerk = actor(demo_engine, "admin"), actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        accounts.update_user(
            conn,
            admin,
            user_id=clerk.user_id,
            roles=("clerk", "leader"),
            unit_id=clerk.unit_id,
            department_id=None,
            full_name="  Cán bộ Một cửa  ",
            email=" a@b.vn ",
        )
    after = actor(demo_engine, "motcua.nhs")
    assert after.roles == {"clerk", "leader"} and after.full_name == "Cán bộ Một cửa"
    assert user_row(demo_engine, "motcua.nhs").email == "a@b.vn"
    with read(demo_engine) as conn:
        listed = {u["username"]: u for u in accounts.list_users(conn, admin, unit_id=clerk.unit_id)}
    assert "motcua.nhs" in listed and "motcua.hc" not in listed and "admin" not in listed


def test_the_account_list_shows_every_field_of_a_user_and_sorts_a_unit_by_username(demo_engine):
    admin, specialist = actor(demo_engine, "admin"), actor(demo_engine, "chuyenvien.nhs")
    with read(demo_engine) as conn:
        rows = accounts.list_users(conn, admin)
        unit_name = conn.scalar(select(units.c.name).where(units.c.id == specialist.unit_id))
        department_name = conn.scalar(select(departments.c.name).where(departments.c.id == specialist.department_id))
    row = next(r for r in rows if r["username"] == "chuyenvien.nhs")
    assert row == {
        "id": specialist.user_id,
        "username": "chuyenvien.nhs",
        "full_name": specialist.full_name,
        "roles": "specialist",
        "unit_id": specialist.unit_id,
        "department_id": specialist.department_id,
        "active": True,
        "locked_until": None,
        "email": user_row(demo_engine, "chuyenvien.nhs").email,
        "phone": user_row(demo_engine, "chuyenvien.nhs").phone,
        "unit_name": unit_name,
        "department_name": department_name,
    }
    ward = [r["username"] for r in rows if r["unit_id"] == specialist.unit_id]
    assert ward == sorted(ward) and len(ward) >= 5
    assert next(r for r in rows if r["username"] == "admin")["unit_name"] is None


def test_the_sign_in_component_gets_only_active_users_with_their_hash_and_roles(demo_engine):
    specialist = actor(demo_engine, "chuyenvien.nhs")
    with read(demo_engine) as conn:
        credentials = accounts.credentials_for_authenticator(conn)["usernames"]
    assert credentials["chuyenvien.nhs"] == {
        "name": specialist.full_name,
        "email": user_row(demo_engine, "chuyenvien.nhs").email,
        "password": user_row(demo_engine, "chuyenvien.nhs").password_hash,
        "roles": ["specialist"],
    }
    assert {"admin", "motcua.nhs", "lanhdao.tp"} <= set(credentials)


def test_generated_passwords_are_long_random_and_valid():
    first, second = accounts.generate_password(), accounts.generate_password()
    assert first != second and len(first) == 12
    accounts.check_password_rules(first)
