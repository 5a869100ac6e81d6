"""Every numeric or length range a service enforces, written out here: the limits themselves are accepted and one
past each end is refused. (A limit lowered or raised by one in the code makes one of these fail.)

One table per concern; change a row when a limit changes on purpose."""

import pytest

from db.engine import read, write
from services.catalog import admin as catalog_admin
from services.core.errors import ValidationError
from services.core.files import LocalFileStore
from services.core.units import unit_by_code
from services.feedback import items as feedback
from services.feedback import routing as feedback_routing
from services.queue import setup as queue_config
from services.transfers import postal
from tests.builders import TINY_PNG, actor

# (name, lowest accepted, highest accepted)
SETTING_RANGES = [
    ("postal confirmation working days", 1, 30),
    ("complex feedback working days", 1, 60),
    ("queue fairness minutes", 1, 240),
    ("queue tickets per phone", 1, 50),
    ("queue tickets per browser", 1, 50),
    ("copies of a document", 1, 50),
]
# (field, shortest accepted, longest accepted) of a citizen's feedback, in characters
FEEDBACK_LENGTHS = [("title", 1, 200), ("content", 10, 5000), ("address", 0, 300), ("contact_name", 0, 120)]
MAX_FEEDBACK_PHOTOS = 5
PNG = TINY_PNG  # a real image: uploads are decoded and re-encoded


def apply_setting(engine, name: str, value: int) -> None:
    admin = actor(engine, "admin")
    with write(engine) as conn:
        if name == "postal confirmation working days":
            postal.set_confirm_days(conn, admin, days=value)
        elif name == "complex feedback working days":
            feedback_routing.set_complex_days(conn, admin, working_days=value)
        elif name.startswith("queue"):
            values = {"fairness_minutes": 20, "max_active_per_phone": 3, "max_active_per_browser": 3}
            key = {
                "queue fairness minutes": "fairness_minutes",
                "queue tickets per phone": "max_active_per_phone",
                "queue tickets per browser": "max_active_per_browser",
            }[name]
            leader = actor(engine, "lanhdao.nhs")
            queue_config.save_settings(conn, leader, unit_id=leader.unit_id, **{**values, key: value})
        elif name == "copies of a document":
            catalog_admin.validate_documents([{"name": "Tờ khai", "original": True, "copies": value}])
        else:
            raise AssertionError(name)


@pytest.mark.parametrize(
    "name, value, accepted",
    [
        row
        for name, low, high in SETTING_RANGES
        for row in ((name, low, True), (name, high, True), (name, low - 1, False), (name, high + 1, False))
    ],
)
def test_a_setting_accepts_its_limits_and_refuses_one_past_them(demo_engine, name, value, accepted):
    if accepted:
        apply_setting(demo_engine, name, value)
    else:
        with pytest.raises(ValidationError):
            apply_setting(demo_engine, name, value)


def submit(engine, tmp_path, **fields):
    with read(engine) as conn:
        unit_id = unit_by_code(conn, "NGUHANHSON")["id"]
    values = {"title": "Rác thải", "content": "Rác thải ùn ứ ở kiệt 45.", **fields}
    with write(engine) as conn:
        return feedback.submit_feedback(
            conn, store=LocalFileStore(tmp_path), item=feedback.NewFeedback(unit_id=unit_id, **values)
        )


@pytest.mark.parametrize(
    "field, length, accepted",
    [
        row
        for field, low, high in FEEDBACK_LENGTHS
        for row in (
            (field, low, True),
            (field, high, True),
            *([(field, low - 1, False)] if low > 0 else []),
            (field, high + 1, False),
        )
    ],
)
def test_feedback_text_fields_accept_their_lengths_and_refuse_one_past(demo_engine, tmp_path, field, length, accepted):
    text = "a" * length
    if accepted:
        assert submit(demo_engine, tmp_path, **{field: text})["code"]
    else:
        with pytest.raises(ValidationError):
            submit(demo_engine, tmp_path, **{field: text})


def test_feedback_takes_five_photos_and_refuses_six():
    assert len(feedback.check_photos([(f"{n}.png", PNG) for n in range(MAX_FEEDBACK_PHOTOS)])) == MAX_FEEDBACK_PHOTOS
    with pytest.raises(ValidationError, match="tối đa 5 ảnh"):
        feedback.check_photos([(f"{n}.png", PNG) for n in range(MAX_FEEDBACK_PHOTOS + 1)])
