"""Demo data for feedback exchange: an item pinned on the map whose address names another ward, an item already
passed from Ngũ Hành Sơn to Hải Châu, and one received from the city's portal over Open311 — all through the real
services, so the desk shows a location, a suggested unit, a transfer history and a source system."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, select

from db.schema import open311_clients, units
from seed.demo.feedback import _NoFiles
from services.accounts.accounts import load_actor
from services.core.clock import now
from services.feedback.items import NewFeedback, load_item, submit_feedback
from services.feedback.open311 import Client, create_client, create_request
from services.feedback.transfer import transfer

PORTAL = "Cổng Góp ý Đà Nẵng (demo)"


def seed_feedback_exchange_demo(conn: Connection) -> None:
    nhs = conn.scalar(select(units.c.id).where(units.c.code == "NGUHANHSON"))
    hai_chau = conn.scalar(select(units.c.id).where(units.c.code == "HAICHAU"))
    if (
        nhs is None
        or hai_chau is None
        or conn.scalar(select(open311_clients.c.id).where(open311_clients.c.name == PORTAL))
    ):
        return
    start = now() - timedelta(hours=20)
    pinned = NewFeedback(
        nhs,
        "Nắp hố ga bị vỡ trên đường Bạch Đằng",
        "Nắp hố ga trước số 50 Bạch Đằng bị vỡ một góc, xe máy đi qua rất dễ sụp bánh.",
        address="Trước số 50 Bạch Đằng, phường Hải Châu",
        latitude=16.071,
        longitude=108.2245,
    )
    submit_feedback(conn, store=_NoFiles(), item=pinned, at=start)
    moved = NewFeedback(
        nhs,
        "Cây xanh che khuất đèn tín hiệu",
        "Cây xanh ở ngã tư Trần Phú – Lê Duẩn che khuất đèn tín hiệu giao thông, đề nghị cắt tỉa.",
        address="Ngã tư Trần Phú – Lê Duẩn, phường Hải Châu",
    )
    created = submit_feedback(conn, store=_NoFiles(), item=moved, at=start)
    item = load_item(conn, created["id"])
    transfer(
        conn,
        load_actor(conn, "lanhdao.nhs"),
        feedback_id=item["id"],
        to_unit_id=hai_chau,
        reason="Ngã tư Trần Phú – Lê Duẩn thuộc địa bàn phường Hải Châu",
        expected_version=item["version"],
        at=start + timedelta(hours=1),
    )
    create_client(conn, None, name=PORTAL)
    client_id = conn.scalar(select(open311_clients.c.id).where(open311_clients.c.name == PORTAL))
    fields = {
        "jurisdiction_id": "NGUHANHSON",
        "service_code": "moi_truong",
        "address_string": "Bãi biển Non Nước, phường Ngũ Hành Sơn",
        "description": "Rác thải nhựa dạt vào bãi biển Non Nước sau đợt gió mùa, đề nghị tổ chức thu gom.",
    }
    create_request(conn, Client(client_id, PORTAL), store=_NoFiles(), fields=fields, at=start + timedelta(hours=2))
