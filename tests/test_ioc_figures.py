"""The IOC page shows each service figure in its own tile and table, for the demo's data: a tile that shows another
figure (overdue in place of near-due, satisfaction in place of the on-time rate) fails here.

The tile labels and how a figure is written are spelled out in this file, not read from the code."""

from datetime import timedelta

import pytest

from db.engine import read
from services.core.clock import local_today
from services.ioc import early_warnings, index766, kpi
from tests.apptest import FLOOD_ALERT, open_app
from tests.builders import actor

# tile label -> (figure of kpi.summary, how the page writes it), in the order the page shows them
COUNT, RATE, HOURS = "count", "rate", "hours"
TILES = {
    "Tiếp nhận": ("received", COUNT),
    "Đã trả kết quả": ("returned", COUNT),
    "Đang giải quyết": ("in_progress", COUNT),
    "Quá hạn": ("overdue", COUNT),
    "Sắp đến hạn (24 giờ làm việc)": ("near_due", COUNT),
    "Tỷ lệ đúng hạn": ("on_time_rate", RATE),
    "Thời gian giải quyết trung bình": ("avg_processing_hours", HOURS),
    "Tỷ lệ kết quả điện tử": ("electronic_result_rate", RATE),
    "Tỷ lệ số hóa": ("digitization_rate", RATE),
    "Tỷ lệ trực tuyến": ("online_rate", RATE),
    "Hỗ trợ VNeID": ("vneid", COUNT),
    "Mức độ hài lòng": ("satisfaction", RATE),
}
# table column -> figure of a breakdown row (rates in percent with one decimal)
BREAKDOWN_COLUMNS = {
    "Tiếp nhận": "received",
    "Có kết quả": "finished",
    "Đã trả": "returned",
    "Đang giải quyết": "in_progress",
    "Quá hạn": "overdue",
    "Đúng hạn (%)": "on_time_rate",
    "Số hóa (%)": "digitization_rate",
    "Trực tuyến (%)": "online_rate",
    "Hài lòng (%)": "satisfaction",
}
BREAKDOWN_TABLES = {"Thủ tục": "by_procedure", "Phòng chuyên môn": "by_department", "Cán bộ": "by_officer"}


def written(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == COUNT:
        return f"{value:,}".replace(",", ".")
    if kind == RATE:
        return f"{value * 100:.1f} %".replace(".", ",")
    return f"{value:.1f} giờ".replace(".", ",")


def service_figures(engine, username: str, unit_id) -> dict:
    me = actor(engine, username)
    with read(engine) as conn:
        figures = kpi.dashboard(conn, me, unit_id=unit_id, start=local_today() - timedelta(days=29), end=local_today())
        figures["warnings"] = early_warnings.early_warnings(conn, me, unit_id=unit_id)
    return figures


def frame_with(at, *columns: str):
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def values(series) -> list:
    """A shown column as plain values: an empty cell (NaN) is None."""
    return [None if v != v else v for v in series]


@pytest.mark.parametrize("username", ["lanhdao.nhs", "lanhdao.tp"])
def test_every_tile_shows_its_own_service_figure(demo, username):
    me = actor(demo.engine, username)
    at = open_app(demo, username, page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    summary = service_figures(demo.engine, username, None if me.city_wide else me.unit_id)["summary"]
    shown = [(m.label, m.value) for m in at.metric][: len(TILES)]  # the overview tab's tiles come first
    assert shown == [(label, written(summary[key], kind)) for label, (key, kind) in TILES.items()]


def test_the_demo_figures_differ_where_a_swap_must_show(demo):
    """The check above can only tell two tiles apart if their figures differ in the demo."""
    me = actor(demo.engine, "lanhdao.nhs")
    summary = service_figures(demo.engine, "lanhdao.nhs", me.unit_id)["summary"]
    assert summary["overdue"] != summary["near_due"]
    assert summary["on_time_rate"] != summary["satisfaction"]
    assert summary["received"] != summary["returned"]
    assert summary["digitization_rate"] != summary["online_rate"]


def test_the_breakdown_tables_and_the_early_warnings_match_the_service(demo):
    me = actor(demo.engine, "lanhdao.nhs")
    at = open_app(demo, "lanhdao.nhs", page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    figures = service_figures(demo.engine, "lanhdao.nhs", me.unit_id)
    for first, key in BREAKDOWN_TABLES.items():
        frame = frame_with(at, first, "Tiếp nhận")
        assert len(frame) == len(figures[key]), first
        for (_, shown), row in zip(frame.iterrows(), figures[key], strict=True):
            for column, figure in BREAKDOWN_COLUMNS.items():
                expected = row[figure]
                if column.endswith("(%)") and expected is not None:
                    expected = round(expected * 100, 1)
                value = shown[column]
                assert (value != value and expected is None) or value == expected, (first, column, row)
    warnings = frame_with(at, "Mức")
    assert list(warnings["Mã hồ sơ"]) == [w["code"] for w in figures["warnings"]]
    assert list(warnings["Mức"]) == [w["level_label"] for w in figures["warnings"]]
    by_day = frame_with(at, "Trong đó trễ hạn")
    assert list(by_day["Tiếp nhận"]) == [d["received"] for d in figures["by_day"]]
    assert list(by_day["Trong đó trễ hạn"]) == [d["finished_late"] for d in figures["by_day"]]
    assert list(by_day["Trả kết quả"]) == [d["returned"] for d in figures["by_day"]]


def test_the_city_ranking_lists_the_service_ranking_in_order(demo):
    at = open_app(demo, "lanhdao.tp", page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    with read(demo.engine) as conn:
        ranking = index766.ranking(
            conn, actor(demo.engine, "lanhdao.tp"), start=local_today() - timedelta(days=29), end=local_today()
        )
    frame = frame_with(at, "Hạng")
    assert values(frame["Hạng"]) == [r["rank"] for r in ranking]
    assert list(frame["Phường/xã"]) == [r.get("unit") or r["name"] for r in ranking]
    assert values(frame["Điểm"]) == [r["score"] for r in ranking]
    assert list(frame["Mất điểm nhiều nhất"]) == [r["costliest"] for r in ranking]
