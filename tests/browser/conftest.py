"""A JupyterLab server and a headless Debian chromium for the browser tests.

One server per test session serves a copy of notebooks/ (tests may add their
own notebooks to that copy); it listens on 127.0.0.1 at a random free port
with a random token, with JupyterLab's news, update check and extension
manager switched off. Every page aborts (and its test fails on) any request
not addressed to 127.0.0.1.
"""

import os
import shutil

import pytest
from lab_driver import (
    CHROMIUM,
    ROOT,
    chromium,
    error_outputs,
    jupyterlab,
    local_only,
    open_notebook,
    render_failures,
    run_all,
    wait_for,
)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    reason = (
        "no /usr/bin/chromium: install Debian's chromium "
        "(apt-get install chromium) to run the browser tests"
    )
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests cannot run under CI: {reason}")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A JupyterLab serving a copy of notebooks/; yields (base_url, token, dir)."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    with jupyterlab(work, work / "notebooks") as (base, token):
        yield base, token, work / "notebooks"


@pytest.fixture(scope="session")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A page that refuses every request not addressed to 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside = local_only(context)
    pg = context.new_page()
    yield pg
    context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"


@pytest.fixture(scope="session")
def shared_context(browser):
    """One browser context for the session's notebooks; (context, refused)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside = local_only(context)
    yield context, outside
    context.close()


@pytest.fixture
def notebook(lab, shared_context):
    """``notebook(name)``: a page showing notebook `name` with all cells run.

    Running a notebook takes a while, so the last one opened stays open for
    the next test that asks for it (in whatever state that test left its
    controls); the test fails if a request left 127.0.0.1.
    """
    context, outside = shared_context

    def get(name):
        cached = _OPEN.get("page")
        if cached is not None and _OPEN.get("name") == name and not cached.is_closed():
            return cached
        if cached is not None and not cached.is_closed():
            _shutdown_kernel(cached)
            cached.close()
        page = context.new_page()
        open_notebook(page, lab, name)
        run_all(page)
        _OPEN.update(page=page, name=name)
        page.ran_errors = error_outputs(page)
        # A view may still be on its way; give it a moment before calling it failed.
        try:
            wait_for(lambda: not render_failures(page), timeout=15)
        except TimeoutError:
            pass
        page.ran_render_failures = render_failures(page)
        return page

    yield get
    assert not outside, f"requests left 127.0.0.1: {outside}"


_OPEN = {}


def _shutdown_kernel(page):
    page.evaluate(
        """async () => {
          const panel = window.jupyterapp.shell.currentWidget;
          if (panel && panel.sessionContext) await panel.sessionContext.shutdown();
        }"""
    )
