"""Staff login with a persisted lock-out, and account management."""

from datetime import timedelta

import pytest

from db.engine import read, write
from services.accounts import accounts
from services.core.clock import now
from services.core.errors import PermissionDenied, ValidationError
from tests.builders import actor

PASSWORD = "motcua@2026"


def login(engine, username, password, at=None):
    with write(engine) as conn:
        return accounts.authenticate(conn, username, password, at=at)


def test_correct_password_signs_in_with_roles_and_unit(demo_engine):
    outcome = login(demo_engine, "motcua.nhs", PASSWORD)
    assert outcome.actor.username == "motcua.nhs"
    assert outcome.actor.roles == {"clerk"}
    assert outcome.actor.unit_id is not None


def test_username_is_case_and_space_insensitive(demo_engine):
    assert login(demo_engine, "  MotCua.NHS ", PASSWORD).actor is not None


@pytest.mark.parametrize("username", ["khongco", ""])
def test_unknown_user_gets_the_same_message_as_a_wrong_password(demo_engine, username):
    outcome = login(demo_engine, username, PASSWORD)
    assert outcome.actor is None
    assert outcome.message == accounts.WRONG_CREDENTIALS


def test_wrong_password_says_how_many_tries_are_left(demo_engine):
    outcome = login(demo_engine, "motcua.nhs", "sai-mat-khau")
    assert outcome.actor is None
    assert "Còn 4 lần thử" in outcome.message


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes_even_with_the_right_one(demo_engine):
    start = now()
    for _ in range(5):
        login(demo_engine, "motcua.nhs", "sai-mat-khau", at=start)
    locked = login(demo_engine, "motcua.nhs", PASSWORD, at=start + timedelta(minutes=14))
    assert locked.actor is None and "tạm khóa" in locked.message
    assert login(demo_engine, "motcua.nhs", PASSWORD, at=start + timedelta(minutes=16)).actor is not None


def test_lock_out_is_stored_so_a_new_session_cannot_bypass_it(demo_engine):
    for _ in range(5):
        login(demo_engine, "motcua.nhs", "sai-mat-khau")
    with read(demo_engine) as conn:
        assert accounts.load_actor(conn, "motcua.nhs") is None


def test_a_deactivated_user_cannot_sign_in_and_loses_the_current_session(demo_engine):
    admin = actor(demo_engine, "admin")
    clerk = actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        accounts.set_active(conn, admin, user_id=clerk.user_id, active=False)
    assert "vô hiệu hóa" in login(demo_engine, "motcua.nhs", PASSWORD).message
    with read(demo_engine) as conn:
        assert accounts.load_actor(conn, "motcua.nhs") is None


def test_a_changed_role_takes_effect_on_the_next_page_run(demo_engine):
    admin = actor(demo_engine, "admin")
    clerk = actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        accounts.update_user(
            conn,
            admin,
            user_id=clerk.user_id,
            roles=("clerk", "leader"),
            unit_id=clerk.unit_id,
            department_id=None,
            full_name="Nguyễn Thị Lan",
        )
    assert actor(demo_engine, "motcua.nhs").roles == {"clerk", "leader"}


@pytest.mark.parametrize(
    "password, message",
    [("ngan", "ít nhất 8"), ("a" * 73, "quá dài"), ("ữ" * 25, "quá dài")],
)
def test_password_rules_refuse_short_and_over_72_byte_passwords(password, message):
    with pytest.raises(ValidationError, match=message):
        accounts.hash_password(password)


def test_only_an_admin_creates_accounts(demo_engine):
    leader = actor(demo_engine, "lanhdao.nhs")
    new = accounts.NewUser(username="moi", full_name="Cán bộ mới", roles=("clerk",), unit_id=leader.unit_id)
    with pytest.raises(PermissionDenied), write(demo_engine) as conn:
        accounts.create_user(conn, leader, new, "mat-khau-dai")


def test_a_specialist_needs_a_department_of_the_same_unit(demo_engine):
    admin = actor(demo_engine, "admin")
    other_unit_specialist = actor(demo_engine, "diachinh.hc")
    new = accounts.NewUser(
        username="cv.moi",
        full_name="Chuyên viên mới",
        roles=("specialist",),
        unit_id=actor(demo_engine, "motcua.nhs").unit_id,
        department_id=other_unit_specialist.department_id,
    )
    with pytest.raises(ValidationError, match="không thuộc đơn vị"), write(demo_engine) as conn:
        accounts.create_user(conn, admin, new, "mat-khau-dai")


def test_duplicate_username_is_refused_and_nothing_is_written(demo_engine):
    admin = actor(demo_engine, "admin")
    new = accounts.NewUser(username="motcua.nhs", full_name="Trùng", roles=("admin",), unit_id=None)
    with pytest.raises(Exception, match="đã tồn tại"), write(demo_engine) as conn:
        accounts.create_user(conn, admin, new, "mat-khau-dai")
    with read(demo_engine) as conn:
        assert len([u for u in accounts.list_users(conn, admin) if u["username"] == "motcua.nhs"]) == 1


def test_reset_password_forces_a_change_at_next_login(demo_engine):
    admin = actor(demo_engine, "admin")
    clerk = actor(demo_engine, "motcua.nhs")
    with write(demo_engine) as conn:
        accounts.reset_password(conn, admin, user_id=clerk.user_id, password="tam-thoi-123")
    assert login(demo_engine, "motcua.nhs", "tam-thoi-123").actor is not None
    with write(demo_engine) as conn:
        assert accounts.must_change_password(conn, clerk)
        accounts.change_own_password(conn, clerk, current="tam-thoi-123", new="mat-khau-moi-1")
        assert not accounts.must_change_password(conn, clerk)
