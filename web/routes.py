"""The light web surface served beside the Streamlit screens: JSON and small HTML pages for citizens.

Features append their routes to ROUTES; every handler calls the same services as the staff screens.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from db.engine import DatabaseError, check_connection
from web import ioc_routes, public_status
from web.feedback import FEEDBACK_ROUTES
from web.kiosk import KIOSK_ROUTES
from web.online import ONLINE_ROUTES
from web.open311 import OPEN311_ROUTES
from web.queue import QUEUE_ROUTES
from web.runtime import engine

STATIC_DIR = __file__.rsplit("/", 1)[0] + "/static"


async def health(_request: Request) -> JSONResponse:
    try:
        await run_in_threadpool(check_connection, engine())
    except DatabaseError as exc:
        return JSONResponse({"status": "error", "database": exc.args[0]}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


ROUTES: list = [
    Route("/api/health", health),
    Route("/api/readings", ioc_routes.post_readings, methods=["POST"]),
    Mount("/public/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    Route("/tra-cuu", public_status.status_page, methods=["GET"]),
    Route("/tra-cuu", public_status.lookup, methods=["POST"]),
    Route("/tra-cuu/danh-gia", public_status.rate, methods=["POST"]),
    Route("/danh-gia-quay", public_status.tablet_page, methods=["GET"]),
    Route("/danh-gia-quay", public_status.tablet_rate, methods=["POST"]),
    Route("/api/tra-cuu", public_status.status_json, methods=["GET"]),
    *FEEDBACK_ROUTES,
    *QUEUE_ROUTES,
    *OPEN311_ROUTES,
    *ONLINE_ROUTES,
    *KIOSK_ROUTES,
]
