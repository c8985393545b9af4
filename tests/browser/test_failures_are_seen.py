"""The checks of the browser tests see what they look for.

A notebook whose saved outputs hold a traceback, a widget whose model does
not exist and a figure: the error and the broken widget must be reported,
the figure must not.
"""

import nbformat
from lab_driver import error_outputs, open_notebook, render_failures, wait_for

NAME = "failures_check.ipynb"


def broken_notebook():
    nb = nbformat.v4.new_notebook()
    error = nbformat.v4.new_output(
        "error",
        ename="ZeroDivisionError",
        evalue="division by zero",
        traceback=["Traceback (most recent call last):", "ZeroDivisionError"],
    )
    widget = nbformat.v4.new_output(
        "display_data",
        data={
            "application/vnd.jupyter.widget-view+json": {
                "model_id": "0" * 32,
                "version_major": 2,
                "version_minor": 0,
            },
            "text/plain": "IntSlider(value=3)",
        },
    )
    figure = nbformat.v4.new_output(
        "display_data",
        data={
            "application/vnd.plotly.v1+json": {
                "data": [{"type": "scatter", "x": [0, 1], "y": [1, 0]}],
                "layout": {},
            }
        },
    )
    nb.cells = [
        nbformat.v4.new_code_cell("1 / 0", outputs=[error]),
        nbformat.v4.new_code_cell("slider", outputs=[widget]),
        nbformat.v4.new_code_cell("figure", outputs=[figure]),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    return nb


def test_an_error_and_a_broken_widget_are_reported(lab, page):
    nbformat.write(broken_notebook(), lab[2] / NAME)
    open_notebook(page, lab, NAME)
    page.wait_for_selector(".js-plotly-plot .main-svg")
    (error,) = wait_for(lambda: error_outputs(page), what="the saved traceback")
    assert "ZeroDivisionError" in error
    (failure,) = wait_for(lambda: render_failures(page), what="the broken widget")
    assert failure == "cell 1, output 0: widget shown as text: IntSlider(value=3)"
