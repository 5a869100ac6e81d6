"""Reference data apart from demo data: a real deployment gets units, catalog and stations with no account; the demo
is only for demo mode; both seeds can run again without changing anything."""

from sqlalchemy import func, select

from db.engine import read
from db.schema import metadata, procedures, river_stations, units, users
from tests.test_manage_commands import manage

SAMPLE_PROCEDURES = {
    "ket_hon",
    "khai_sinh",
    "khai_tu",
    "chung_thuc_ban_sao",
    "xac_nhan_tthn",
    "gpxd_nha_o",
    "bien_dong_dat_dai",
}
STATIONS_IN_THE_CSV = 8


def row_counts(engine) -> dict[str, int]:
    with read(engine) as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}


def test_seed_reference_loads_units_catalog_and_stations_and_creates_no_account(database):
    result = manage(database.url, "seed-reference", demo_mode=False)
    assert result.returncode == 0, result.stderr
    with read(database.engine) as conn:
        assert conn.scalar(select(func.count()).select_from(units)) == 94
        assert set(conn.scalars(select(procedures.c.code))) == SAMPLE_PROCEDURES
        assert set(conn.scalars(select(procedures.c.is_sample))) == {True}
        assert conn.scalar(select(func.count()).select_from(river_stations)) == STATIONS_IN_THE_CSV
        assert conn.scalar(select(func.count()).select_from(users)) == 0


def test_seed_reference_run_twice_changes_no_table(database):
    assert manage(database.url, "seed-reference", demo_mode=False).returncode == 0
    before = row_counts(database.engine)
    second = manage(database.url, "seed-reference", demo_mode=False)
    assert second.returncode == 0, second.stderr
    assert "Đã thêm 0 đơn vị, 0 thủ tục mẫu, 0 trạm đo" in second.stdout
    assert row_counts(database.engine) == before


def test_seed_demo_is_refused_with_a_vietnamese_message_and_writes_nothing_when_demo_mode_is_off(database):
    before = row_counts(database.engine)
    result = manage(database.url, "seed-demo", demo_mode=False)
    assert result.returncode == 2
    assert "chế độ demo đang tắt" in result.stderr
    assert row_counts(database.engine) == before


def test_seed_demo_run_twice_leaves_every_table_s_row_count_unchanged(database):
    assert manage(database.url, "seed-demo").returncode == 0
    before = row_counts(database.engine)
    assert before["dossiers"] > 0 and before["users"] == 11
    second = manage(database.url, "seed-demo")
    assert second.returncode == 0, second.stderr
    assert row_counts(database.engine) == before


def test_the_first_admin_is_created_on_an_empty_database_with_the_password_from_a_file(database, tmp_path):
    assert manage(database.url, "seed-reference", demo_mode=False).returncode == 0
    secret = tmp_path / "password.txt"
    secret.write_text("mot-mat-khau-that-dai\n", encoding="utf-8")
    result = manage(
        database.url,
        "create-user",
        "--username",
        "quantri",
        "--name",
        "Quản trị viên",
        "--roles",
        "admin",
        "--password-file",
        str(secret),
        demo_mode=False,
    )
    assert result.returncode == 0, result.stderr
    with read(database.engine) as conn:
        assert conn.execute(select(users.c.username, users.c.roles)).all() == [("quantri", "admin")]


def test_create_user_takes_no_password_on_the_command_line(database):
    arguments = ["--username", "x", "--name", "X", "--roles", "admin", "--password", "p"]
    result = manage(database.url, "create-user", *arguments)
    assert result.returncode == 2
    with read(database.engine) as conn:
        assert conn.scalar(select(func.count()).select_from(users)) == 0
