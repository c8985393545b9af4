"""binder/ builds what the course needs, at build time, and opens the index.

Binder (repo2docker) reads only binder/ when that folder exists: pip installs
requirements.txt, postBuild runs once at build time, runtime.txt picks the
Python. A `start` script would run at every launch, so there is none.
The real build is exercised by test_binder_build.py.
"""

import os
import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
INDEX = "notebooks/00_index.ipynb"
CENTERPIECE = "notebooks/04_deformation.ipynb"


def binder_links():
    """Every mybinder.org launch link in the README: (path, query)."""
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\((https://mybinder\.org/v2/gh/[^)\s]+)\)", readme)
    return [(urlparse(u).path, parse_qs(urlparse(u).query)) for u in links]


def test_binder_holds_only_build_time_configuration():
    files = {p.name for p in BINDER.iterdir()}
    assert files == {"requirements.txt", "postBuild", "runtime.txt"}
    assert "start" not in files


def test_runtime_is_the_python_the_course_is_tested_with():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"


def test_post_build_installs_the_package_and_nothing_else():
    post_build = BINDER / "postBuild"
    text = post_build.read_text()
    assert os.access(post_build, os.X_OK)
    assert text.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in text
    commands = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    installs = [c for c in commands if "install" in c]
    # Dependencies come from requirements.txt alone, so the pins hold.
    assert installs == ["pip install --no-deps ."]


def test_readme_launch_badge_opens_the_index_in_jupyterlab():
    launches = [q for _, q in binder_links() if "labpath" in q]
    assert launches, "no Binder badge with labpath= in README.md"
    for query in launches:
        assert unquote(query["labpath"][0]) == INDEX
    assert (ROOT / INDEX).is_file()


def test_readme_presentation_badge_opens_the_centerpiece_in_voila():
    voila = [q for _, q in binder_links() if "urlpath" in q]
    assert voila, "no Binder badge with urlpath= in README.md"
    for query in voila:
        path = unquote(query["urlpath"][0]).removeprefix("/")
        assert path.startswith("voila/render/")
        assert (ROOT / path.removeprefix("voila/render/")).is_file()


def test_readme_binder_links_name_one_placeholder_repository():
    paths = {path for path, _ in binder_links()}
    assert paths and all(p.startswith("/v2/gh/") for p in paths)
    repos = {"/".join(p.split("/")[3:5]) for p in paths}
    assert len(repos) == 1, repos
