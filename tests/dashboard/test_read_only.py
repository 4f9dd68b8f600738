"""A viewer server on a read-only database connection: every page opens, nothing is written,
editing says where it happens, and what an editor server adds shows at once. A real PostgreSQL
role with SELECT only, and an SQLite file opened with mode=ro."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from corpus.errors import StoreError
from corpus.store import CorpusStore
from models.themes.store import current_themes
from tests.conftest import PG_URL, fresh_pg_database, make_speech
from tests.dashboard.conftest import APP
from tests.models.conftest import build_corpus

PAGES = ["overview", "speech", "themes", "compare", "figures", "terms", "upload"]


def _fill(url: str) -> None:
    writer = CorpusStore(url)
    writer.add_many(list(build_corpus().records))
    current_themes(writer, n_topics=3)
    writer.dispose()


def _viewer_pg_url(url: str) -> str:
    """A role that may read every table of the database at `url` and write none."""
    engine = create_engine(url)
    name = make_url(url).database
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP ROLE IF EXISTS speechtrack_viewer_test")
        conn.exec_driver_sql("CREATE ROLE speechtrack_viewer_test LOGIN")
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{name}" TO speechtrack_viewer_test')
        conn.exec_driver_sql("GRANT USAGE ON SCHEMA public TO speechtrack_viewer_test")
        conn.exec_driver_sql(
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO speechtrack_viewer_test"
        )
    engine.dispose()
    return (
        make_url(url)
        .set(username="speechtrack_viewer_test", password=None)
        .render_as_string(hide_password=False)
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(the writer's URL, a read-only URL of the same corpus), filled and with themes."""
    if request.param == "sqlite":
        path = tmp_path / "corpus.sqlite"
        _fill(f"sqlite:///{path}")
        yield f"sqlite:///{path}", f"sqlite:///file:{path}?mode=ro&uri=true"
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL server: set SPEECHTRACK_TEST_PG_URL (run.sh test does)")
    for url in fresh_pg_database(PG_URL):
        _fill(url)
        viewer = _viewer_pg_url(url)
        yield url, viewer
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("REASSIGN OWNED BY speechtrack_viewer_test TO CURRENT_USER")
            conn.exec_driver_sql("DROP OWNED BY speechtrack_viewer_test")
        engine.dispose()


def test_a_viewer_server_reads_every_page_without_writing(
    urls: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    writer_url, viewer_url = urls
    viewer = CorpusStore(viewer_url)
    assert viewer.read_only
    version = viewer.version()
    with pytest.raises(StoreError, match="read-only"):
        viewer.put_annotation("theme_label", "0", {"label": "not allowed"})
    monkeypatch.setenv("SPEECHTRACK_DB", viewer_url)
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.run()
    for name in PAGES:
        app.switch_page(f"dashboard/pages/{name}.py").run()
        assert not app.exception, (name, [e.value for e in app.exception])
        assert not app.error, (name, [e.value for e in app.error])
    assert any("read-only database connection" in i.value for i in app.info)
    assert not app.get("file_uploader")
    assert viewer.version() == version, "a viewer's page loads wrote nothing"
    # what an editor server adds shows on the viewer at once
    writer = CorpusStore(writer_url)
    writer.add(make_speech("Rivers and glaciers need treaties, the delegates agreed today."))
    writer.dispose()
    assert viewer.count() == len(build_corpus().records) + 2
    viewer.dispose()
