# ruff: noqa: F811  (pytest fixtures imported from servers.py are arguments)
"""The presentation view: each notebook served by Voila as ``./run present`` does.

The page must show the notebook's prose and outputs but none of its code,
draw every figure, and its plotly sliders must redraw the paths. The browser
refuses every request that is not to the local server.
"""

import json
from pathlib import Path

import pytest
from lab_driver import error_outputs, screenshot
from servers import voila  # noqa: F401  (a fixture)
from sliders import check_slider_redraws, figures_with_sliders

ROOT = Path(__file__).resolve().parents[2]
# MathJax 3 marks a formula it could not read (merror) or a macro it does not
# know (drawn in red) inside its output, as SVG or as HTML.
MATH_ERRORS = (
    "mjx-container [data-mjx-error], mjx-container [data-mml-node='merror'], "
    "mjx-container mjx-merror, mjx-container [fill='red'], "
    "mjx-container [style*='color: red']"
)
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
PLOTLY_MIME = "application/vnd.plotly.v1+json"
CENTERPIECE = "04_deformation.ipynb"


def saved_figures(name):
    nb = json.loads((ROOT / "notebooks" / name).read_text())
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    return sum(PLOTLY_MIME in o.get("data", {}) for o in outputs)


def open_app(page, voila, name):
    base, token = voila
    page.goto(f"{base}/voila/render/{name}?token={token}", timeout=180_000)
    # Voila reveals the cells once the whole notebook has run.
    page.wait_for_selector("#rendered_cells", state="visible", timeout=180_000)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_presents_without_code_and_its_sliders_redraw(voila, page, name):
    open_app(page, voila, name)
    # Figures drawn by kernel controls (the seed figure of notebook 4) come on
    # top of the saved ones, and may render before or after them.
    n_figures = saved_figures(name)
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('.js-plotly-plot')]
              .filter(gd => gd._fullLayout !== undefined).length >= {n_figures}""",
        timeout=60_000,
    )
    assert error_outputs(page) == []
    assert page.locator(MATH_ERRORS).count() == 0
    code = page.locator(
        ".jp-InputArea-editor, .jp-CodeMirrorEditor, .jp-InputPrompt, .highlight"
    )
    assert code.count() == 0
    source = (ROOT / "notebooks" / name).read_text()
    text = page.evaluate("() => document.body.innerText")
    for line in ("import ntkflow as nf", "pio.renderers.default"):
        if line in source:
            assert line not in text
    sliders = figures_with_sliders(page)
    if name == CENTERPIECE:
        # The two alpha figures; the seed figure between them has no slider.
        assert len(sliders) == 2
    for index in sliders:
        check_slider_redraws(page, index)
    if sliders:
        screenshot(page, f"present_{Path(name).stem}")
