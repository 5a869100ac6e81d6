"""The IOC screens open for ward leaders, city leaders and admins, and do not exist for counter or department staff."""

import pytest

from tests.apptest import FLOOD_ALERT, check, errors, open_app, registered_pages

IOC_PAGES = ["pages/ioc.py", "pages/ioc_rivers.py", "pages/trial_report.py"]
LEADERS = ["lanhdao.nhs", "lanhdao.tp", "admin"]


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize("username", LEADERS)
def test_the_ioc_shows_every_kpi_with_its_definition(demo, username):
    at = open_app(demo, username, page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    assert [t.value for t in at.title] == ["Trung tâm điều hành (IOC)"]
    labels = {m.label: m for m in at.metric}
    for label in (
        "Tiếp nhận",
        "Quá hạn",
        "Sắp đến hạn (24 giờ làm việc)",
        "Tỷ lệ đúng hạn",
        "Tỷ lệ số hóa",
        "Mức độ hài lòng",
    ):
        assert label in labels and labels[label].help, label
    assert int(labels["Tiếp nhận"].value.replace(".", "")) > 0  # the demo seed has recent dossiers
    assert [e.icon for e in at.error] == [":material/flood:"]  # the demo's Câu Lâu has passed alert II


def test_a_city_leader_sees_the_ranking_of_all_94_units(demo):
    at = open_app(demo, "lanhdao.tp", page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    ranking = next(df.value for df in at.dataframe if "Hạng" in df.value.columns)
    assert len(ranking) == 94 and ranking["Hạng"].iloc[0] == 1


def test_a_city_leader_can_narrow_the_ioc_to_one_ward(demo):
    at = open_app(demo, "lanhdao.tp", page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    picker = at.selectbox(key="ioc__unit")
    ward = next(option for option in picker.options if "Ngũ Hành Sơn" in option)
    check(picker.select(ward).run(), allow_errors=[FLOOD_ALERT])


def test_a_ward_leader_sees_no_ranking_and_no_scope_picker(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    assert not [s for s in at.selectbox if s.key == "ioc__unit"]
    assert not [df for df in at.dataframe if "Hạng" in df.value.columns]


@pytest.mark.parametrize("username", LEADERS)
def test_the_river_page_shows_the_stations_with_their_alert_state(demo, username):
    at = open_app(demo, username, page="pages/ioc_rivers.py")
    assert not at.error
    stations = next(df.value for df in at.dataframe if "Báo động I (m)" in df.value.columns)
    assert len(stations) == 8
    cam = stations.set_index("Trạm")
    assert cam.loc["Câu Lâu", "Tình trạng"] == "Báo động II"
    assert cam.loc["Tam Kỳ", "Mất số liệu"] == "Có"
    assert cam.loc["Cẩm Lệ", "Báo động I (m)"] != cam.loc["Cẩm Lệ", "Báo động I (m)"]  # NaN: unknown, not 0


@pytest.mark.parametrize("username", LEADERS)
def test_the_trial_report_opens_on_the_three_trial_days_with_its_lessons(demo, username):
    at = open_app(demo, username, page="pages/trial_report.py")
    assert [s.value for s in at.subheader][:3] == [
        "Kịch bản 1 — Đăng ký kết hôn",
        "Kịch bản 2 — Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Kịch bản 3 — Đăng ký biến động đất đai không phụ thuộc địa giới hành chính",
    ]
    lessons = next(df.value for df in at.dataframe if "Vấn đề" in df.value.columns)
    assert len(lessons) >= 2


def test_a_ward_leader_logs_a_lesson_and_sees_it_in_the_report(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/trial_report.py")
    at.date_input(key="trial__period").set_value((at.date_input(key="trial__day").value,) * 2).run()
    at.text_area(key="trial__problem").input("Máy quét ở quầy 2 kẹt giấy")
    at.text_input(key="trial__owner").input("Bộ phận một cửa")
    check(button(at, "Lưu ghi nhận").click().run())
    lessons = next(df.value for df in at.dataframe if "Vấn đề" in df.value.columns)
    assert "Máy quét ở quầy 2 kẹt giấy" in set(lessons["Vấn đề"])


def test_an_empty_lesson_is_refused_in_vietnamese(demo):
    at = open_app(demo, "lanhdao.nhs", page="pages/trial_report.py")
    check(button(at, "Lưu ghi nhận").click().run(), allow_errors=["vấn đề"])
    assert errors(at) == ["Hãy ghi vấn đề phát sinh."]


def test_the_admin_keeps_the_camera_registry(demo):
    at = open_app(demo, "admin", page="pages/admin_cameras.py")
    at.text_input(key="cameras__name_None").input("Camera bãi xe")
    at.text_input(key="cameras__url_None").input("ftp://sai")
    check(button(at, "Lưu").click().run(), allow_errors=["rtsp://"])
    assert any("rtsp://" in e for e in errors(at))
    at.text_input(key="cameras__url_None").input("https://camera.example.vn/bai-xe")
    check(button(at, "Lưu").click().run())
    cams = next(df.value for df in at.dataframe if "Camera" in df.value.columns)
    assert "Camera bãi xe" in set(cams["Camera"])


@pytest.mark.parametrize("username", ["motcua.nhs", "chuyenvien.nhs", "truongphong.nhs", "hotich.nhs"])
def test_counter_and_department_staff_do_not_get_the_ioc_pages(demo, username):
    pages = registered_pages(open_app(demo, username))
    assert not pages & {*IOC_PAGES, "pages/admin_cameras.py"}


@pytest.mark.parametrize("username", ["lanhdao.nhs", "lanhdao.tp"])
def test_only_the_admin_gets_the_camera_registry(demo, username):
    pages = registered_pages(open_app(demo, username))
    assert set(IOC_PAGES) <= pages and "pages/admin_cameras.py" not in pages
