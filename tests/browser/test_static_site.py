# ruff: noqa: F811  (pytest fixtures imported from servers.py are arguments)
"""The static pages, opened from disk: sliders work, nothing is fetched.

The site is built once (``./run site`` does the same) into a temporary folder
and every page is opened by file:// URL in a browser that refuses any request
that is not for a local file.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from servers import offline_page  # noqa: F401  (a fixture)
from sliders import check_slider_redraws, figures_with_sliders

ROOT = Path(__file__).resolve().parents[2]
# MathJax 3 marks a formula it could not read (merror) or a macro it does not
# know (drawn in red) inside its output, as SVG or as HTML.
MATH_ERRORS = (
    "mjx-container [data-mjx-error], mjx-container [data-mml-node='merror'], "
    "mjx-container mjx-merror, mjx-container [fill='red'], "
    "mjx-container [style*='color: red']"
)
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "_site"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def open_page(page, site, name):
    page.goto((site / f"{name}.html").as_uri())
    page.wait_for_function("() => document.body.dataset.mathTypeset === 'done'")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_page_draws_its_figures_and_formulas_offline(site, offline_page, name):
    open_page(offline_page, site, name)
    stored = (
        (ROOT / "notebooks" / f"{name}.ipynb")
        .read_text()
        .count('"application/vnd.plotly.v1+json"')
    )
    offline_page.wait_for_function(
        f"""() => document.querySelectorAll('.js-plotly-plot').length === {stored}
              && [...document.querySelectorAll('.js-plotly-plot')]
                   .every(gd => gd._fullLayout !== undefined)"""
    )
    # Every formula was typeset: no TeX delimiters are left in the prose.
    prose = offline_page.evaluate(
        """() => [...document.querySelectorAll('.jp-MarkdownOutput')]
              .map(e => e.innerText).join('\\n')"""
    )
    assert "$" not in prose
    assert offline_page.locator(MATH_ERRORS).count() == 0
    for index in figures_with_sliders(offline_page):
        check_slider_redraws(offline_page, index)


def test_centerpiece_page_has_both_sliders(site, offline_page):
    open_page(offline_page, site, "04_deformation")
    assert figures_with_sliders(offline_page) == [0, 1]


def test_links_between_pages_lead_to_pages(site, offline_page):
    open_page(offline_page, site, "00_index")
    hrefs = offline_page.evaluate(
        "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
    )
    pages = [h.split("#")[0] for h in hrefs if h.startswith("file://")]
    assert (site / "04_deformation.html").as_uri() in pages
    assert not [h for h in hrefs if ".ipynb" in h]
    for page in set(pages):
        assert Path(page.removeprefix("file://")).is_file(), page
