"""The dossier state machine: every (state, action) pair is either a listed move or a clear refusal."""

import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.engine import read, write
from db.schema import dossiers
from services.core.errors import Conflict, NotFound, PermissionDenied
from services.core.roles import Actor
from services.dossiers.flow import (
    ACTION_LABELS,
    STATUS_LABELS,
    TRANSITIONS,
    InvalidTransition,
    add_event,
    allowed_actions,
    can_read,
    events,
    load,
    next_status,
    record,
    require_read,
    transition,
)
from tests.builders import actor

STATES = [None, *STATUS_LABELS]
ACTIONS = [*ACTION_LABELS, "receive_unrouted"]


# The legal moves, written out by hand from the process (DOMAIN.md), not read from TRANSITIONS: (state, action) ->
# next state. Every other pair must be refused. A new move is a change of this table.
LEGAL_MOVES = {
    (None, "receive"): "received",
    (None, "receive_unrouted"): "awaiting_dispatch",
    ("awaiting_dispatch", "dispatch"): "received",
    ("awaiting_dispatch", "withdraw"): "withdrawn",
    ("received", "transfer"): "assigned",
    ("received", "start"): "in_progress",
    ("received", "request_supplement"): "supplement_requested",
    ("received", "complete"): "result_ready",
    ("received", "reject"): "rejected",
    ("received", "withdraw"): "withdrawn",
    ("assigned", "assign"): "in_progress",
    ("assigned", "reject"): "rejected",
    ("assigned", "withdraw"): "withdrawn",
    ("in_progress", "assign"): "in_progress",
    ("in_progress", "request_supplement"): "supplement_requested",
    ("in_progress", "complete"): "result_ready",
    ("in_progress", "reject"): "rejected",
    ("in_progress", "withdraw"): "withdrawn",
    ("supplement_requested", "assign"): "supplement_requested",
    ("supplement_requested", "receive_supplement"): "in_progress",
    ("supplement_requested", "reject"): "rejected",
    ("supplement_requested", "withdraw"): "withdrawn",
    ("result_ready", "ship_result"): "result_in_transit",
    ("result_ready", "return_result"): "returned",
    ("result_in_transit", "receive_result"): "result_ready",
    ("rejected", "return_result"): "returned",
}
STATE_NAMES = [
    None,
    "awaiting_dispatch",
    "received",
    "assigned",
    "in_progress",
    "supplement_requested",
    "result_ready",
    "result_in_transit",
    "returned",
    "rejected",
    "withdrawn",
]
ACTION_NAMES = [
    "receive",
    "receive_unrouted",
    "dispatch",
    "transfer",
    "assign",
    "start",
    "request_supplement",
    "receive_supplement",
    "complete",
    "ship_result",
    "receive_result",
    "return_result",
    "reject",
    "withdraw",
]


def test_the_code_knows_exactly_the_states_and_actions_of_the_table():
    assert set(STATES) == set(STATE_NAMES) and set(ACTIONS) == set(ACTION_NAMES)


@pytest.mark.parametrize("status, action", list(itertools.product(STATE_NAMES, ACTION_NAMES)))
def test_every_state_and_action_pair_moves_as_the_written_table_says_or_is_refused_in_vietnamese(status, action):
    if (status, action) in LEGAL_MOVES:
        assert next_status(status, action) == LEGAL_MOVES[(status, action)]
    else:
        with pytest.raises(InvalidTransition, match="Không thể"):
            next_status(status, action)


def test_the_code_has_no_move_beyond_the_written_table():
    assert dict(TRANSITIONS) == LEGAL_MOVES


@pytest.mark.parametrize("status", STATE_NAMES[1:])
def test_the_actions_offered_in_a_state_are_the_legal_moves_from_it(status):
    assert sorted(allowed_actions(status)) == sorted(a for (s, a) in LEGAL_MOVES if s == status)


def test_a_refusal_names_the_action_and_the_state_in_vietnamese():
    with pytest.raises(InvalidTransition) as refused:
        next_status("result_ready", "request_supplement")
    assert refused.value.message == (
        "Không thể “Yêu cầu bổ sung hồ sơ” khi hồ sơ đang ở trạng thái “Có kết quả, chờ trả”."
    )
    with pytest.raises(InvalidTransition) as refused:
        next_status(None, "complete")
    assert refused.value.message == "Không thể “Có kết quả giải quyết” khi hồ sơ đang ở trạng thái “chưa tiếp nhận”."


@pytest.mark.parametrize("final", ["returned", "withdrawn"])
@pytest.mark.parametrize("action", ACTION_NAMES)
def test_nothing_moves_a_closed_dossier(final, action):
    with pytest.raises(InvalidTransition):
        next_status(final, action)


def test_a_supplement_returns_the_dossier_to_processing():
    assert next_status("in_progress", "request_supplement") == "supplement_requested"
    assert next_status("supplement_requested", "receive_supplement") == "in_progress"


# Who may read a dossier, written out: city roles everything; clerks and leaders what their unit received or
# processes; specialists and heads their own department's dossiers in the processing unit.
def staff(roles, unit_id=1, department_id=None):
    return Actor(1, "x", "X", frozenset(roles), unit_id, department_id)


DOSSIER = {"receiving_unit_id": 1, "processing_unit_id": 2, "department_id": 20}
READ_TABLE = [
    (staff({"admin"}, None), True),
    (staff({"city_leader"}, None), True),
    (staff({"clerk"}, 1), True),
    (staff({"clerk"}, 2), True),
    (staff({"clerk"}, 3), False),
    (staff({"leader"}, 1), True),
    (staff({"leader"}, 2), True),
    (staff({"leader"}, 3), False),
    (staff({"specialist"}, 2, 20), True),
    (staff({"department_head"}, 2, 20), True),
    (staff({"specialist"}, 2, 21), False),
    (staff({"specialist"}, 1, 20), False),  # the receiving unit's department does not process it
    (staff({"department_head"}, 2, None), False),
    (staff({"specialist"}, 3, 20), False),
]


@pytest.mark.parametrize("who, allowed", READ_TABLE)
def test_who_may_read_a_dossier(who, allowed):
    assert can_read(who, DOSSIER) is allowed
    if allowed:
        require_read(who, DOSSIER)
    else:
        with pytest.raises(PermissionDenied, match="không thuộc phạm vi"):
            require_read(who, DOSSIER)


def test_a_specialist_without_department_reads_no_dossier_without_department():
    assert not can_read(staff({"specialist"}, 2, None), {**DOSSIER, "department_id": None})


def a_received_dossier(engine) -> dict:
    with read(engine) as conn:
        dossier_id = conn.scalar(select(dossiers.c.id).where(dossiers.c.status == "received").order_by(dossiers.c.id))
        return load(conn, dossier_id)


def test_a_transition_moves_the_state_bumps_the_version_and_writes_one_event(demo_engine):
    dossier = a_received_dossier(demo_engine)
    clerk = actor(demo_engine, "motcua.nhs")
    at = datetime(2026, 6, 22, 3, 0, tzinfo=UTC)
    with write(demo_engine) as conn:
        before = len(events(conn, dossier["id"]))
        moved = transition(conn, clerk, dossier, "start", note="bắt đầu", at=at)
    assert moved["status"] == "in_progress" and moved["version"] == dossier["version"] + 1
    assert moved["updated_at"] == at
    with read(demo_engine) as conn:
        stored = load(conn, dossier["id"])
        written = events(conn, dossier["id"])
    assert stored["status"] == "in_progress" and stored["version"] == dossier["version"] + 1
    assert stored["updated_at"] == at
    assert len(written) == before + 1
    last = written[-1]
    assert (last["action"], last["from_status"], last["to_status"]) == ("start", "received", "in_progress")
    assert (last["username"], last["user_id"], last["unit_id"]) == ("motcua.nhs", clerk.user_id, clerk.unit_id)
    assert last["note"] == "bắt đầu" and last["public"] is True and last["at"] == at


def test_a_stale_version_is_refused_and_nothing_is_written(demo_engine):
    dossier = a_received_dossier(demo_engine)
    with write(demo_engine) as conn:
        transition(conn, None, dossier, "start")
    with pytest.raises(Conflict, match="vừa được người khác cập nhật"), write(demo_engine) as conn:
        transition(conn, None, dossier, "request_supplement")
    with pytest.raises(Conflict), write(demo_engine) as conn:
        record(conn, None, dossier, "note", note="ghi chú")
    with read(demo_engine) as conn:
        stored = load(conn, dossier["id"])
        written = events(conn, dossier["id"])
    assert stored["status"] == "in_progress" and stored["version"] == dossier["version"] + 1
    assert written[-1]["action"] == "start" and written[-1]["username"] == "system" and written[-1]["user_id"] is None


def test_an_illegal_move_writes_nothing(demo_engine):
    dossier = a_received_dossier(demo_engine)
    with pytest.raises(InvalidTransition), write(demo_engine) as conn:
        transition(conn, None, dossier, "return_result")
    with read(demo_engine) as conn:
        assert load(conn, dossier["id"])["version"] == dossier["version"]


def test_a_record_keeps_the_state_is_private_by_default_and_hidden_from_the_public_timeline(demo_engine):
    dossier = a_received_dossier(demo_engine)
    with write(demo_engine) as conn:
        public_before = len(events(conn, dossier["id"], public_only=True))
        kept = record(conn, None, dossier, "note", note="gọi điện cho công dân", expected_version=dossier["version"])
    assert kept["status"] == "received" and kept["version"] == dossier["version"] + 1
    with read(demo_engine) as conn:
        written = events(conn, dossier["id"])
        public = events(conn, dossier["id"], public_only=True)
    assert written[-1]["action"] == "note" and written[-1]["public"] is False
    assert (written[-1]["from_status"], written[-1]["to_status"]) == ("received", "received")
    assert len(public) == public_before and all(e["public"] for e in public)


def test_loading_a_missing_dossier_is_not_found(demo_engine):
    with pytest.raises(NotFound, match="Không tìm thấy hồ sơ"), read(demo_engine) as conn:
        load(conn, 999_999)


def test_an_unknown_action_is_refused_by_its_own_name():
    with pytest.raises(InvalidTransition) as refused:
        next_status("received", "fly")
    assert refused.value.message == "Không thể “fly” khi hồ sơ đang ở trạng thái “Đã tiếp nhận”."


def test_the_refusal_messages_are_exact(demo_engine):
    with pytest.raises(NotFound) as missing, write(demo_engine) as conn:
        load(conn, 999_999, for_update=True)
    assert missing.value.message == "Không tìm thấy hồ sơ."
    with pytest.raises(PermissionDenied) as denied:
        require_read(staff({"clerk"}, 3), DOSSIER)
    assert denied.value.message == "Hồ sơ này không thuộc phạm vi của bạn."
    dossier = a_received_dossier(demo_engine)
    with pytest.raises(Conflict) as stale, write(demo_engine) as conn:
        transition(conn, None, dossier, "start", expected_version=dossier["version"] - 1)
    assert stale.value.message == "Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại trang rồi thao tác lại."


def test_an_older_expected_version_is_refused_even_when_the_loaded_copy_is_current(demo_engine):
    dossier = a_received_dossier(demo_engine)
    with pytest.raises(Conflict), write(demo_engine) as conn:
        record(conn, None, dossier, "note", expected_version=dossier["version"] - 1)
    with write(demo_engine) as conn:
        assert load(conn, dossier["id"], for_update=True)["version"] == dossier["version"]


def test_events_keep_their_note_actor_time_and_extra_columns(demo_engine):
    dossier = a_received_dossier(demo_engine)
    clerk = actor(demo_engine, "motcua.nhs")
    first, second = datetime(2026, 6, 22, 2, 0, tzinfo=UTC), datetime(2026, 6, 22, 3, 0, tzinfo=UTC)
    with write(demo_engine) as conn:
        other_unit = conn.scalar(select(dossiers.c.receiving_unit_id).where(dossiers.c.id == dossier["id"]))
        moved = transition(conn, clerk, dossier, "start", at=first, event={"to_unit_id": other_unit})
        record(conn, clerk, moved, "note", at=second, event={"to_unit_id": other_unit})
        add_event(conn, None, dossier["id"], "note", "in_progress", "in_progress", at=second)
        written = events(conn, dossier["id"])
        public = events(conn, dossier["id"], public_only=True)
    started, noted, added = written[-3:]
    assert started["note"] == "" and noted["note"] == "" and added["note"] == ""
    assert started["to_unit_id"] == other_unit and noted["to_unit_id"] == other_unit
    assert noted["username"] == "motcua.nhs" and noted["user_id"] == clerk.user_id and noted["at"] == second
    assert added["public"] is True and noted["public"] is False
    assert [e["id"] for e in written] == sorted(e["id"] for e in written)
    assert public and all(e["public"] for e in public)
    assert [e["id"] for e in public] == [e["id"] for e in written if e["public"]]
