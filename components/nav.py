"""Which screens each role gets. A page not listed for a role is never registered, so its URL does not exist."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from services.core.roles import ADMIN, CITY_LEADER, CLERK, DEPARTMENT_HEAD, LEADER, SPECIALIST, Actor

ALL_STAFF = frozenset({ADMIN, CITY_LEADER, LEADER, CLERK, SPECIALIST, DEPARTMENT_HEAD})
IOC_ROLES = frozenset({ADMIN, CITY_LEADER, LEADER})


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    section: str
    roles: frozenset[str]


# Features add their screens here; the order is the order in the sidebar.
PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "Trang chủ", ":material/home:", "Chung", ALL_STAFF),
    PageSpec("pages/admin_users.py", "Tài khoản cán bộ", ":material/group:", "Quản trị", frozenset({ADMIN})),
    PageSpec("pages/admin_departments.py", "Phòng chuyên môn", ":material/domain:", "Quản trị", frozenset({ADMIN})),
    PageSpec("pages/admin_procedures.py", "Danh mục thủ tục", ":material/list_alt:", "Quản trị", frozenset({ADMIN})),
    PageSpec(
        "pages/admin_calendar.py",
        "Lịch làm việc, ngày hẹn",
        ":material/calendar_month:",
        "Quản trị",
        frozenset({ADMIN, LEADER}),
    ),
    PageSpec(
        "pages/admin_audit.py",
        "Nhật ký hệ thống",
        ":material/history:",
        "Quản trị",
        frozenset({ADMIN, LEADER, CITY_LEADER}),
    ),
    PageSpec("pages/counter.py", "Quầy phục vụ", ":material/campaign:", "Một cửa", frozenset({CLERK})),
    PageSpec("pages/intake.py", "Tiếp nhận hồ sơ", ":material/post_add:", "Một cửa", frozenset({CLERK})),
    PageSpec(
        "pages/counter_results.py",
        "Giải quyết tại một cửa",
        ":material/gavel:",
        "Một cửa",
        frozenset({CLERK, LEADER}),
    ),
    PageSpec("pages/return_result.py", "Trả kết quả", ":material/outbox:", "Một cửa", frozenset({CLERK})),
    PageSpec(
        "pages/sent_elsewhere.py",
        "Hồ sơ gửi đơn vị khác",
        ":material/move_up:",
        "Một cửa",
        frozenset({CLERK, LEADER}),
    ),
    PageSpec(
        "pages/postal.py",
        "Bưu chính công ích",
        ":material/local_shipping:",
        "Giải quyết hồ sơ",
        frozenset({CLERK, SPECIALIST, DEPARTMENT_HEAD}),
    ),
    PageSpec("pages/dispatch.py", "Điều phối hồ sơ", ":material/call_split:", "Quản trị", frozenset({ADMIN})),
    PageSpec(
        "pages/admin_routing.py", "Định tuyến hồ sơ liên thông", ":material/route:", "Quản trị", frozenset({ADMIN})
    ),
    PageSpec("pages/admin_dossier_codes.py", "Mẫu mã hồ sơ", ":material/pin:", "Quản trị", frozenset({ADMIN})),
    PageSpec(
        "pages/worklist.py",
        "Hồ sơ cần xử lý",
        ":material/assignment:",
        "Giải quyết hồ sơ",
        frozenset({SPECIALIST, DEPARTMENT_HEAD, LEADER, CLERK}),
    ),
    PageSpec("pages/dossier.py", "Tra cứu hồ sơ", ":material/folder_open:", "Giải quyết hồ sơ", ALL_STAFF),
    PageSpec(
        "pages/feedback_desk.py",
        "Phản ánh, kiến nghị",
        ":material/campaign:",
        "Phản ánh",
        frozenset({LEADER, DEPARTMENT_HEAD, SPECIALIST, ADMIN, CITY_LEADER}),
    ),
    PageSpec(
        "pages/admin_feedback_routing.py",
        "Định tuyến phản ánh",
        ":material/alt_route:",
        "Quản trị",
        frozenset({ADMIN}),
    ),
    PageSpec("pages/ioc.py", "Trung tâm điều hành", ":material/monitoring:", "Điều hành", IOC_ROLES),
    PageSpec("pages/ioc_rivers.py", "Mực nước, lượng mưa", ":material/water:", "Điều hành", IOC_ROLES),
    PageSpec("pages/trial_report.py", "Báo cáo thử nghiệm", ":material/summarize:", "Điều hành", IOC_ROLES),
    PageSpec("pages/admin_cameras.py", "Camera giám sát", ":material/videocam:", "Quản trị", frozenset({ADMIN})),
    PageSpec(
        "pages/admin_queue.py",
        "Hàng chờ và quầy",
        ":material/confirmation_number:",
        "Quản trị",
        frozenset({ADMIN, LEADER}),
    ),
    PageSpec(
        "pages/admin_import.py", "Nhập cán bộ hàng loạt", ":material/upload_file:", "Triển khai", frozenset({ADMIN})
    ),
    PageSpec(
        "pages/admin_copy_config.py", "Sao chép cấu hình", ":material/content_copy:", "Triển khai", frozenset({ADMIN})
    ),
    PageSpec(
        "pages/readiness.py",
        "Sẵn sàng vận hành",
        ":material/fact_check:",
        "Triển khai",
        frozenset({ADMIN, CITY_LEADER}),
    ),
    PageSpec("pages/account.py", "Đổi mật khẩu", ":material/key:", "Chung", ALL_STAFF),
]


def pages_for(actor: Actor, *, password_change_only: bool = False) -> dict[str, list]:
    if password_change_only:
        return {"": [st.Page("pages/account.py", title="Đổi mật khẩu", icon=":material/key:", default=True)]}
    sections: dict[str, list] = {}
    for spec in PAGES:
        if actor.roles & spec.roles:
            sections.setdefault(spec.section, []).append(
                st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.path == "pages/home.py")
            )
    return sections
