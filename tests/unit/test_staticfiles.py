"""Static files as production serves them: hashed names, compressed copies, long cache."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import RequestFactory, override_settings

PRODUCTION_STORAGE = "amhe.staticfiles.StaticFilesStorage"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic with the production storage into a folder of this module's own (once: it
    compresses every file)."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STORAGE}},
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def test_production_uses_the_storage_that_rewrites_module_imports(monkeypatch):
    """DEBUG off and not under test: the settings pick the storage tested here."""
    import importlib

    import amhe.settings

    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("AMHE_TESTING", "0")
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    try:
        production = importlib.reload(amhe.settings)
        assert production.STORAGES["staticfiles"]["BACKEND"] == PRODUCTION_STORAGE
        assert production.WHITENOISE_USE_FINDERS is False
    finally:
        monkeypatch.undo()
        importlib.reload(amhe.settings)


def test_collected_modules_import_each_other_by_hashed_name(collected):
    app = (collected / staticfiles_storage.stored_name("js/app.mjs")).read_text()
    imports = re.findall(r'from "([^"]+)"', app)
    assert len(imports) == 5  # NHS.UK frontend, job progress, charts, copy link, NGT screen
    for name in imports:
        # Every import names a file's hashed copy, which is there.
        assert re.search(r"\.[0-9a-f]{12}\.m?js$", name), name
        assert (collected / "js" / name).resolve().is_file(), name
    assert not re.search(r'from "[^"]*(charts|job-progress|copy-link|ngt-screen)\.mjs"', app)


@pytest.mark.django_db  # closing a response sends request_finished, which checks the connection
def test_collected_files_are_compressed_and_served_for_a_year(collected):
    from whitenoise.middleware import WhiteNoiseMiddleware

    url = staticfiles_storage.url("vendor/plotly/plotly-partial.min.js")
    assert re.fullmatch(r"/static/vendor/plotly/plotly-partial\.min\.[0-9a-f]{12}\.js", url)
    name = url.removeprefix("/static/")
    assert (collected / f"{name}.gz").is_file()
    assert (collected / f"{name}.br").is_file()

    whitenoise = WhiteNoiseMiddleware(lambda request: None)
    for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
        response = whitenoise(RequestFactory().get(url, HTTP_ACCEPT_ENCODING=f"{encoding}, deflate"))
        response.close()
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert "immutable" in response["Cache-Control"]
        assert "max-age=315360000" in response["Cache-Control"]
        assert int(response["Content-Length"]) == (collected / f"{name}{suffix}").stat().st_size
