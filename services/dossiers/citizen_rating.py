"""The citizen's own rating of a returned dossier: given on their phone from the receipt's QR link (the dossier's public
status page), never by the officer being rated. Decision 766/QĐ-TTg's "Tỷ lệ hài lòng trong tiếp nhận, giải quyết
TTHC" counts dossiers the citizen rated "không hài lòng"; only ratings recorded here feed it.

One rating per dossier; it can be given, and changed, from the return until `change_days` later (configurable,
[app] rating_change_days; the length is this project's choice [unverified]).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from db.schema import dossier_events, dossier_ratings, dossiers, procedures
from services.core import audit
from services.core.clock import format_datetime, now
from services.core.errors import DomainError, ValidationError
from services.core.text import nfc
from services.dossiers.public_status import dossier_id_from_token

RATINGS = {"very_satisfied": "Rất hài lòng", "satisfied": "Hài lòng", "not_satisfied": "Không hài lòng"}
NOT_SATISFIED = "not_satisfied"
SOURCES = {"status_page": "Trang tra cứu (mã QR giấy hẹn)", "counter_tablet": "Máy tính bảng tại quầy"}
MAX_COMMENT = 1000
BAD_LINK = "Đường dẫn đánh giá không hợp lệ hoặc đã bị sửa. Vui lòng quét lại mã QR trên giấy hẹn."
TABLET_MINUTES = 10  # how long after the hand-over the counter tablet offers that dossier's rating form
BAD_TABLET = "Đường dẫn máy tính bảng không hợp lệ. Cán bộ mở lại đường dẫn trên trang Trả kết quả."


class RatingRefused(DomainError):
    """The dossier cannot be rated now (not returned yet, or the rating window is over)."""


def rating_state(conn: Connection, *, dossier_id: int, change_days: int, at: datetime | None = None) -> dict:
    """What the status page shows: the current rating, whether the form is open, and until when."""
    at = at or now()
    dossier = conn.execute(select(dossiers.c.status, dossiers.c.returned_at).where(dossiers.c.id == dossier_id)).one()
    current = _current(conn, dossier_id)
    until = dossier.returned_at + timedelta(days=change_days) if dossier.returned_at else None
    open_ = dossier.status == "returned" and until is not None and at <= until
    return {
        "can_rate": open_,
        "rating": current["rating"] if current else None,
        "rating_label": RATINGS[current["rating"]] if current else "",
        "comment": current["comment"] if current else "",
        "until": format_datetime(until) if until else "",
        "ratings": RATINGS,
    }


def rate_by_token(
    conn: Connection,
    *,
    secret: str,
    token: str,
    rating: str,
    comment: str = "",
    change_days: int,
    source: str = "status_page",
    at: datetime | None = None,
) -> dict:
    """The holder of the receipt's signed link rates (or re-rates) the dossier."""
    dossier_id = dossier_id_from_token(secret, token)
    if dossier_id is None or conn.scalar(select(dossiers.c.id).where(dossiers.c.id == dossier_id)) is None:
        raise RatingRefused(BAD_LINK)
    return rate_dossier(
        conn, dossier_id=dossier_id, rating=rating, comment=comment, change_days=change_days, source=source, at=at
    )


def rate_dossier(
    conn: Connection,
    *,
    dossier_id: int,
    rating: str,
    comment: str = "",
    change_days: int,
    source: str = "status_page",
    at: datetime | None = None,
) -> dict:
    """Reached only from citizen-facing routes: it takes no staff actor, so no staff screen can call it for them."""
    at = at or now()
    if rating not in RATINGS:
        raise ValidationError("Vui lòng chọn một mức đánh giá: Rất hài lòng, Hài lòng hoặc Không hài lòng.")
    if source not in SOURCES:
        raise ValidationError("Nguồn đánh giá không hợp lệ.")
    state = rating_state(conn, dossier_id=dossier_id, change_days=change_days, at=at)
    if not state["can_rate"]:
        raise RatingRefused(_closed_reason(conn, dossier_id))
    comment = nfc(" ".join((comment or "").split()))[:MAX_COMMENT]
    current = _current(conn, dossier_id)
    if current is None:
        conn.execute(
            insert(dossier_ratings).values(
                dossier_id=dossier_id, rating=rating, comment=comment, source=source, created_at=at, updated_at=at,
                change_count=0,
            )
        )  # fmt: skip
    else:
        conn.execute(
            update(dossier_ratings)
            .where(dossier_ratings.c.dossier_id == dossier_id)
            .values(rating=rating, comment=comment, source=source, updated_at=at,
                    change_count=dossier_ratings.c.change_count + 1)
        )  # fmt: skip
    audit.record(conn, None, action="citizen_rating", entity="dossier", entity_id=dossier_id, rating=rating,
                 source=source, changed=current is not None)  # fmt: skip
    return {"rating": rating, "rating_label": RATINGS[rating], "changed": current is not None}


def _closed_reason(conn: Connection, dossier_id: int) -> str:
    status = conn.scalar(select(dossiers.c.status).where(dossiers.c.id == dossier_id))
    if status != "returned":
        return "Chỉ đánh giá được sau khi đã nhận kết quả hồ sơ."
    return "Đã hết thời hạn đánh giá hoặc đổi đánh giá cho hồ sơ này."


def _current(conn: Connection, dossier_id: int) -> dict | None:
    row = conn.execute(select(dossier_ratings).where(dossier_ratings.c.dossier_id == dossier_id)).first()
    return dict(row._mapping) if row else None


def rating_of(conn: Connection, dossier_id: int) -> dict | None:
    """Staff read the citizen's rating (never set it); the caller has already checked the actor may read the dossier."""
    current = _current(conn, dossier_id)
    if current is None:
        return None
    return {
        **current,
        "rating_label": RATINGS[current["rating"]],
        "source_label": SOURCES[current["source"]],
        "updated": format_datetime(current["updated_at"]),
    }


# --- the counter tablet: only the rating form of the dossier its clerk has just returned ---------------------------


def tablet_token(secret: str, user_id: int) -> str:
    digest = hmac.new(secret.encode(), f"counter-tablet:{user_id}".encode(), hashlib.sha256).digest()
    return f"{user_id}.{base64.urlsafe_b64encode(digest[:18]).decode().rstrip('=')}"


def tablet_url(base_url: str, secret: str, user_id: int) -> str:
    return f"{base_url.rstrip('/')}/danh-gia-quay?k={tablet_token(secret, user_id)}"


def _tablet_user(secret: str, token: str) -> int:
    head, _, _ = (token or "").partition(".")
    if not head.isdigit() or not hmac.compare_digest(token, tablet_token(secret, int(head))):
        raise RatingRefused(BAD_TABLET)
    return int(head)


def tablet_dossier(
    conn: Connection, *, secret: str, token: str, change_days: int, at: datetime | None = None
) -> dict | None:
    """The dossier this tablet's clerk returned in the last few minutes, with its rating state; None while waiting."""
    at = at or now()
    user_id = _tablet_user(secret, token)
    e = dossier_events.c
    row = conn.execute(
        select(dossiers.c.id, dossiers.c.code, procedures.c.name.label("procedure"))
        .join(dossier_events, e.dossier_id == dossiers.c.id)
        .join(procedures, procedures.c.id == dossiers.c.procedure_id)
        .where(
            e.action == "return_result",
            e.user_id == user_id,
            e.at > at - timedelta(minutes=TABLET_MINUTES),
            e.at <= at,
            dossiers.c.status == "returned",
        )
        .order_by(e.at.desc(), e.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    state = rating_state(conn, dossier_id=row.id, change_days=change_days, at=at)
    return {"dossier_id": row.id, "code": row.code, "procedure": row.procedure, **state}


def rate_on_tablet(
    conn: Connection,
    *,
    secret: str,
    token: str,
    dossier_id: int,
    rating: str,
    comment: str = "",
    change_days: int,
    at: datetime | None = None,
) -> dict:
    """Only the dossier the tablet is showing now can be rated from it."""
    shown = tablet_dossier(conn, secret=secret, token=token, change_days=change_days, at=at)
    if shown is None or shown["dossier_id"] != dossier_id:
        raise RatingRefused("Hồ sơ này không còn chờ đánh giá trên máy tính bảng tại quầy.")
    return rate_dossier(
        conn, dossier_id=dossier_id, rating=rating, comment=comment, change_days=change_days,
        source="counter_tablet", at=at,
    )  # fmt: skip
