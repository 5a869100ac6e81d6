"""The feedback form's map: the tile server from the settings, and the Content-Security-Policy that lets the page
load images from that one server (and nothing else). Leaflet itself is served by the app (web/static/leaflet)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import Response

from web.runtime import settings

LEAFLET_VERSION = "1.9.4"


def map_context() -> dict:
    return {"tile_url": settings().map_tile_url}


def tile_origin() -> str:
    parts = urlsplit(settings().map_tile_url or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")  # Leaflet's subdomain placeholder: a.tile…, b.tile…
    return f"{parts.scheme}://{host}"


def allow_tiles(response: Response) -> Response:
    origin = tile_origin()
    policy = response.headers.get("Content-Security-Policy", "")
    if origin and "img-src 'self'" in policy:
        response.headers["Content-Security-Policy"] = policy.replace("img-src 'self'", f"img-src 'self' {origin}")
    return response
