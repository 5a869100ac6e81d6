"""The IOC lists every Decision 766 sub-indicator with its definition and source, marks those not computable here,
names the one costing the most points and explains what changed; the trusted-certificate page opens for admins and
ward leaders only."""

import pytest

from services.ioc import index766
from tests.apptest import FLOOD_ALERT, open_app, registered_pages


def index_frames(at) -> list:
    return [df.value for df in at.dataframe if "Chỉ số thành phần" in df.value.columns]


@pytest.mark.parametrize("username", ["lanhdao.nhs", "lanhdao.tp"])
def test_the_ioc_lists_every_sub_indicator_with_definition_source_and_the_not_computable_ones_marked(demo, username):
    at = open_app(demo, username, page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    frames = index_frames(at)
    assert len(frames) == len(index766.GROUPS)
    rows = [row for frame in frames for row in frame.to_dict("records")]
    assert [row["Mã"] for row in rows] == [i.code for i in index766.INDICATORS]
    assert all(row["Định nghĩa"] and row["Nguồn"] for row in rows)
    marked = {row["Mã"] for row in rows if row["Điểm đạt"] == index766.NOT_COMPUTABLE}
    assert marked == {i.code for i in index766.INDICATORS if i.numerator is None}
    assert all(row["Lý do không tính"] for row in rows if row["Mã"] in marked)
    labels = {m.label for m in at.metric}
    assert {"Điểm QĐ 766 (tính được tại đây)", "Mất điểm nhiều nhất"} <= labels
    assert any("02/12/2026" in info.value for info in at.info)
    assert [e.icon for e in at.error] == [":material/flood:"]


def test_the_city_ranking_shows_the_index_score_and_the_costliest_sub_indicator(demo):
    at = open_app(demo, "lanhdao.tp", page="pages/ioc.py", allow_errors=[FLOOD_ALERT])
    ranking = next(df.value for df in at.dataframe if "Hạng" in df.value.columns)
    assert len(ranking) == 94 and {"Điểm", "Mất điểm nhiều nhất", "CS 2.1", "CS 5.4"} <= set(ranking.columns)
    assert ranking["Hạng"].iloc[0] == 1 and ranking["Điểm"].iloc[0] >= ranking["Điểm"].iloc[1]


@pytest.mark.parametrize("username", ["admin", "lanhdao.nhs"])
def test_the_trusted_certificate_page_opens_for_admins_and_ward_leaders(demo, username):
    at = open_app(demo, username, page="pages/admin_trusted_certs.py")
    assert [t.value for t in at.title] == ["Chứng thư số tin cậy"] and not at.error


@pytest.mark.parametrize("username", ["motcua.nhs", "chuyenvien.nhs", "lanhdao.tp"])
def test_other_staff_do_not_get_the_trusted_certificate_page(demo, username):
    assert "pages/admin_trusted_certs.py" not in registered_pages(open_app(demo, username))


def test_the_counter_intake_form_no_longer_offers_the_online_channel(demo):
    at = open_app(demo, "motcua.nhs", page="pages/intake.py")
    at.selectbox(key="intake__procedure").set_value("ket_hon").run()
    channel = next(box for box in at.selectbox if box.label == "Kênh nộp")
    assert channel.options == ["Trực tiếp", "Bưu chính công ích"]
