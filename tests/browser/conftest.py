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
from lab_driver import CHROMIUM, ROOT, chromium, jupyterlab, local_only


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
