"""Finding 15: staff-typed text (notes, names, documents, appraisal) was rendered as Markdown: a note with an image
link made a colleague's browser fetch an outside URL."""

from __future__ import annotations

import pytest

from db.engine import write
from services.core.files import LocalFileStore
from services.processing import actions as processing
from tests.apptest import open_app
from tests.builders import actor
from tests.processing_builders import assigned_permit

NOTE = "Xem ảnh ![x](https://ke-gian.example/anh.png) và **đậm** :red[đỏ]"


def test_a_note_with_an_image_link_is_shown_as_text_and_never_as_markdown(demo, tmp_path, monkeypatch):
    if demo.backend != "sqlite":
        pytest.skip("rendering does not depend on the database")
    monkeypatch.setenv("MOTCUA_STORAGE_DIR", str(tmp_path / "files"))
    dossier = assigned_permit(demo.engine, LocalFileStore(tmp_path / "files"))
    with write(demo.engine) as conn:
        processing.add_note(conn, actor(demo.engine, "chuyenvien.nhs"), dossier_id=dossier["id"], text=NOTE)
    at = open_app(demo, "truongphong.nhs", page="pages/dossier.py")
    at.text_input(key="dossier__code").input(dossier["code"])
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert NOTE in [t.value for t in at.text]
    assert not [m.value for m in at.markdown if "ke-gian.example" in m.value]
