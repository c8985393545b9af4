"""The static pages, built without a browser: complete, local, reproducible.

The browser tests (tests/browser/test_static_site.py) open the same pages and
move their sliders; these checks need only the build.
"""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import plotly
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Every place an HTML page names another file: src=, href= (scripts, styles,
# links, images).
REFERENCE = re.compile(r'\b(?:src|href)\s*=\s*"([^"]*)"')


def build(out, *extra):
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(out)]
        + list(extra),
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(tmp_path_factory.mktemp("site") / "_site")


def pages(site):
    return sorted(site.glob("*.html"))


def test_every_notebook_has_a_page_and_the_site_an_entry(site):
    assert {p.stem for p in pages(site)} == {p.stem for p in NOTEBOOKS} | {"index"}
    assert 'url=00_index.html"' in (site / "index.html").read_text()


def test_plotly_js_beside_the_pages_is_the_installed_plotly(site):
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert (site / "plotly.min.js").read_bytes() == shipped.read_bytes()
    assert (site / "mathjax" / "tex-svg-full.js").is_file()


@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_pages_name_only_files_beside_them(site, name):
    html = (site / f"{name}.html").read_text()
    for target in REFERENCE.findall(html):
        assert ".ipynb" not in target, target
        if target.startswith(("#", "data:")):
            continue
        # A link out (a paper, a data source) is fine to follow by hand, but
        # nothing the page loads by itself may leave the folder.
        if re.match(r"[a-z]+:", target):
            assert not re.search(rf'<(script|link|img)[^>]*"{re.escape(target)}"', html)
            continue
        assert (site / target.split("#")[0]).is_file(), target


def test_each_figure_is_drawn_from_the_page_itself(site):
    for notebook in NOTEBOOKS:
        stored = notebook.read_text().count('"application/vnd.plotly.v1+json"')
        html = (site / f"{notebook.stem}.html").read_text()
        assert html.count("Plotly.newPlot(") == stored
        assert "application/vnd.plotly.v1+json" not in html


def test_two_builds_give_the_same_pages(site, tmp_path):
    again = build(tmp_path / "again")

    def digest(folder):
        return {
            str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*"))
            if f.is_file()
        }

    assert digest(again) == digest(site)


def test_no_code_leaves_the_code_cells_out(tmp_path):
    bare = build(tmp_path / "bare", "--no-code")
    html = (bare / "04_deformation.html").read_text()
    assert "deformation_figure(" not in html
    assert html.count("Plotly.newPlot(") == 2
