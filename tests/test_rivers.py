"""River readings: alert levels with unknown thresholds, rain categories, CSV import line by line, sensor pushes."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from db.engine import read, write
from db.schema import river_readings, river_stations
from seed.reference import seed_stations
from services.core.errors import PermissionDenied, ValidationError
from services.ioc import rivers
from tests.builders import actor
from web import runtime
from web.routes import ROUTES


@pytest.fixture
def stations(demo):
    with write(demo.engine) as conn:
        seed_stations(conn)
        conn.execute(river_readings.delete())  # the demo's readings; each test brings its own
    return demo


def count_readings(engine) -> int:
    with read(engine) as conn:
        return conn.scalar(select(func.count()).select_from(river_readings))


@pytest.mark.parametrize(
    "level, thresholds, expected",
    [
        (1.9, (2.0, 3.0, 4.0), 0),
        (2.0, (2.0, 3.0, 4.0), 1),
        (4.5, (2.0, 3.0, 4.0), 3),
        (2.4, (None, None, 2.5), 0),  # Cẩm Lệ: levels I and II unknown, never taken as 0
        (2.6, (None, None, 2.5), 3),
        (13.5, (None, 13.0, 15.0), 2),
    ],
)
def test_the_alert_level_is_the_highest_known_threshold_reached(level, thresholds, expected):
    assert rivers.alert_level(level, thresholds) == expected


@pytest.mark.parametrize(
    "mm, label",
    [(0, "Không mưa"), (15.9, "Mưa nhỏ"), (16, "Mưa vừa"), (50, "Mưa vừa"), (51, "Mưa to"), (101, "Mưa rất to")],
)
def test_rain_of_the_last_24_hours_falls_into_the_four_categories(mm, label):
    assert rivers.rain_category(mm) == label


def test_seeded_stations_keep_unknown_alert_levels_empty(stations):
    with read(stations.engine) as conn:
        cam_le = conn.execute(select(river_stations).where(river_stations.c.code == "cam_le")).one()
        assert seed_stations(conn) == 0
    assert cam_le.alert_1_m is None and cam_le.alert_2_m is None and cam_le.alert_3_m == 2.5


def test_an_import_keeps_valid_lines_and_reports_each_bad_one(stations):
    content = (
        "station,time,level_m,rain_mm\n"
        "Câu Lâu,30/10/2025 14:00,5.62,120\n"
        "cau_lau,2025-10-30 14:10,abc,1\n"
        "Sông Không Có,2025-10-30 14:00,1.0,\n"
        "Hội An,2025-10-30 14:00,2.1\n"
        "Hội An,2025-10-30 14:00,2.1,0\n"
        "hoi an,2025-10-30 14:00,2.2,0\n"
        "Tam Kỳ,không phải ngày,1.0,0\n"
    )
    with write(stations.engine) as conn:
        report = rivers.import_readings(conn, actor(stations.engine, "lanhdao.nhs"), content=content.encode())
    assert report.accepted == 2
    assert [e.line for e in report.errors] == [3, 4, 5, 7, 8]
    messages = dict((e.line, e.message) for e in report.errors)
    assert "không phải là số" in messages[3] and "không có trạm" in messages[4] and "cột" in messages[5]
    assert "trùng" in messages[7] and "thời điểm" in messages[8]
    with write(stations.engine) as conn:
        again = rivers.import_readings(conn, None, content=content)
    assert again.accepted == 0 and "đã có" in dict((e.line, e.message) for e in again.errors)[2]
    assert count_readings(stations.engine) == 2


def test_a_file_with_wrong_columns_is_refused_whole(stations):
    with write(stations.engine) as conn, pytest.raises(ValidationError, match="tiêu đề cột"):
        rivers.import_readings(conn, None, content="tram,gio,muc\nCâu Lâu,2025-10-30 14:00,1\n")
    assert count_readings(stations.engine) == 0


def test_clerks_cannot_import_readings(stations):
    with write(stations.engine) as conn, pytest.raises(PermissionDenied):
        rivers.import_readings(conn, actor(stations.engine, "motcua.nhs"), content="station,time,level_m,rain_mm\n")


def test_the_overview_shows_alert_trend_stale_flag_and_rain_category(stations):
    at = datetime(2025, 10, 30, 8, 0, tzinfo=UTC)
    lines = ["station,time,level_m,rain_mm"]
    lines += [f"cau_lau,{(at - timedelta(minutes=10 * i)).isoformat()},{3.5 - 0.02 * i},10" for i in range(12)]
    lines += [f"tam_ky,{(at - timedelta(hours=5)).isoformat()},1.0,0"]
    with write(stations.engine) as conn:
        assert rivers.import_readings(conn, None, content="\n".join(lines)).ok
    with read(stations.engine) as conn:
        overview = {s["code"]: s for s in rivers.station_overview(conn, actor(stations.engine, "lanhdao.tp"), at=at)}
    assert overview["cau_lau"]["alert"] == 2 and overview["cau_lau"]["trend"] == "rising"
    assert overview["cau_lau"]["rain_24h_mm"] == 120 and overview["cau_lau"]["rain_category"] == "Mưa rất to"
    assert not overview["cau_lau"]["stale"] and overview["tam_ky"]["stale"]
    assert overview["hoi_an"]["level_m"] is None and overview["hoi_an"]["stale"]


def client_for(database, monkeypatch) -> TestClient:
    monkeypatch.setenv("DATABASE_URL", database.url)
    runtime.settings.cache_clear()
    runtime.engine.cache_clear()
    return TestClient(Starlette(routes=ROUTES))


def issue(database, code: str) -> str:
    with write(database.engine) as conn:
        station_id = conn.scalar(select(river_stations.c.id).where(river_stations.c.code == code))
        return rivers.issue_token(conn, actor(database.engine, "admin"), station_id=station_id)


def test_a_sensor_with_its_token_pushes_readings(stations, monkeypatch):
    token = issue(stations, "cau_lau")
    body = {"station": "cau_lau", "readings": [{"time": "2025-10-30T14:00:00+07:00", "level_m": 5.62, "rain_mm": 3}]}
    response = client_for(stations, monkeypatch).post(
        "/api/readings", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and response.json() == {"accepted": 1, "errors": []}
    assert count_readings(stations.engine) == 1


@pytest.mark.parametrize("token", ["", "wrong", "use-the-other-station"])
def test_a_bad_token_gets_401_and_nothing_is_stored(stations, monkeypatch, token):
    other = issue(stations, "hoi_an")
    issue(stations, "cau_lau")
    token = other if token == "use-the-other-station" else token
    body = {"station": "cau_lau", "token": token, "time": "2025-10-30T14:00:00+07:00", "level_m": 5.0}
    response = client_for(stations, monkeypatch).post("/api/readings", json=body)
    assert response.status_code == 401 and "token" in response.json()["error"]
    assert count_readings(stations.engine) == 0


def test_a_push_of_only_bad_readings_is_refused_line_by_line(stations, monkeypatch):
    token = issue(stations, "cau_lau")
    body = {
        "station": "cau_lau",
        "token": token,
        "readings": [{"time": "x", "level_m": 1}, {"time": "2025-10-30 14:00"}],
    }
    response = client_for(stations, monkeypatch).post("/api/readings", json=body)
    assert response.status_code == 422 and [e["index"] for e in response.json()["errors"]] == [1, 2]


def test_manage_py_imports_readings_and_exits_non_zero_on_bad_lines(stations, monkeypatch, tmp_path, capsys):
    import manage

    monkeypatch.setenv("DATABASE_URL", stations.url)
    path = tmp_path / "readings.csv"
    path.write_text("station,time,level_m,rain_mm\nCâu Lâu,2025-10-30 14:00,5.1,0\nCâu Lâu,2025-10-30 14:00,5.1,0\n")
    with pytest.raises(SystemExit) as exit_info:
        manage.main(["import-readings", str(path)])
    assert exit_info.value.code == 1
    output = capsys.readouterr()
    assert "Đã nhập 1 số đo" in output.out and "Dòng 3" in output.err
    assert count_readings(stations.engine) == 1
