"""The light routes alone (citizens' pages, Open311, JSON) as an ASGI app, without the Streamlit screens:
`uvicorn web.asgi:app` serves them from a separate process, e.g. an Open311 endpoint behind its own host name."""

from starlette.applications import Starlette

from web.routes import ROUTES

app = Starlette(routes=ROUTES)
