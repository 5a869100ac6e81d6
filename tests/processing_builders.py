"""Builders for department-processing tests: construction permits received through the real intake."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from db.engine import read, write
from db.schema import apologies, dossier_events, dossier_files, supplement_requests
from services.dossiers import flow as dossier_flow
from services.dossiers.intake import receive_dossier
from services.processing import actions as processing
from tests.builders import actor
from tests.intake_builders import SCAN, TUESDAY_9AM, groom

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def receive_permit(engine, store, *, clerk: str = "motcua.nhs", at: datetime = TUESDAY_9AM, cccd="048095001234"):
    with write(engine) as conn:
        receipt = receive_dossier(
            conn,
            actor(engine, clerk),
            procedure_code="gpxd_nha_o",
            applicant=groom(cccd=cccd),
            files=[("don_de_nghi.pdf", SCAN)],
            store=store,
            received_at=at,
        )
    return load(engine, receipt.dossier_id)


def load(engine, dossier_id: int) -> dict:
    with read(engine) as conn:
        return dossier_flow.load(conn, dossier_id)


def assigned_permit(engine, store, *, assignee: str = "chuyenvien.nhs", at: datetime = TUESDAY_9AM, **kwargs) -> dict:
    dossier = receive_permit(engine, store, at=at, **kwargs)
    with write(engine) as conn:
        processing.assign(
            conn,
            actor(engine, "truongphong.nhs"),
            dossier_id=dossier["id"],
            assignee_id=actor(engine, assignee).user_id,
            expected_version=dossier["version"],
            at=at,
        )
    return load(engine, dossier["id"])


def snapshot(engine, dossier_id: int) -> tuple:
    """What must stay untouched after a refused action."""
    with read(engine) as conn:
        counts = tuple(
            conn.scalar(select(func.count()).select_from(table).where(table.c.dossier_id == dossier_id))
            for table in (dossier_events, supplement_requests, apologies, dossier_files)
        )
        return dossier_flow.load(conn, dossier_id), counts
