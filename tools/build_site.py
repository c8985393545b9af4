"""Build the course as static HTML pages that work from disk, with no kernel.

    python tools/build_site.py [--out _site] [--no-code]

Every notebook under notebooks/ becomes NAME.html, converted by nbconvert from
its saved outputs (nothing is executed). plotly figures are written as HTML
that draws them with a copy of plotly.min.js beside the pages, so their
frame-based sliders work without a server or a network; the formulas are set
by a copy of MathJax beside the pages. Links to NAME.ipynb become NAME.html,
and index.html opens the course index. With --no-code the pages leave the
code cells out and show only prose and outputs, as the presentation view does.
"""

import argparse
import importlib.util
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import plotly
import plotly.io as pio
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = Path(__file__).resolve().parent / "site_template"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
INDEX = "00_index"

# A relative link to a notebook, with an optional anchor: [text](NAME.ipynb#x).
NOT_A_URL = r"(?![a-zA-Z][a-zA-Z0-9+.-]*:)"
NOTEBOOK_LINK = re.compile(r"\]\(" + NOT_A_URL + r"([^)\s]*?)\.ipynb(#[^)\s]*)?\)")
# The same inside HTML written in a markdown cell: href="NAME.ipynb#x".
NOTEBOOK_HREF = re.compile(r'href="' + NOT_A_URL + r'([^"]*?)\.ipynb(#[^"]*)?"')


def html_links(source):
    """Markdown source with links to notebooks pointing at their pages."""
    source = NOTEBOOK_LINK.sub(lambda m: f"]({m[1]}.html{m[2] or ''})", source)
    return NOTEBOOK_HREF.sub(lambda m: f'href="{m[1]}.html{m[2] or ""}"', source)


class PlotlyToHTML(Preprocessor):
    """Replace each plotly figure output by HTML that draws it with plotly.js.

    The div ids count figures within a notebook, so the pages come out the
    same on every build.
    """

    def preprocess(self, nb, resources):
        self.count = 0
        self.stem = resources["metadata"]["name"]
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = html_links(cell.source)
        for output in cell.get("outputs", []):
            figure = output.get("data", {}).get(PLOTLY_MIME)
            if figure is not None:
                self.count += 1
                output.data = {"text/html": self.figure_html(figure)}
        return cell, resources

    def figure_html(self, figure):
        return pio.to_html(
            {key: figure[key] for key in ("data", "layout", "frames") if key in figure},
            config=figure.get("config"),
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            auto_play=False,
            validate=False,
            div_id=f"{self.stem}-figure-{self.count}",
        )


def title(nb, fallback):
    """The notebook's first level-one heading, else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def exporter(code=True):
    html = HTMLExporter(
        template_name="course",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=not code,
        exclude_input_prompt=not code,
        exclude_output_prompt=not code,
    )
    html.register_preprocessor(PlotlyToHTML(), enabled=True)
    return html


def copy_assets(out):
    """plotly.js and MathJax (one file that carries its fonts), beside the pages."""
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    shutil.copy2(plotly_js, out / "plotly.min.js")
    mathjax = Path(importlib.util.find_spec("mathjax").origin).parent
    mathjax = mathjax / "static" / "mathjax"
    (out / "mathjax").mkdir()
    shutil.copy2(mathjax / "es5" / "tex-svg-full.js", out / "mathjax")
    shutil.copy2(mathjax / "LICENSE", out / "mathjax")


def build(out, notebooks=None, code=True):
    """Write the pages for ``notebooks`` (default: all) into ``out``; list them."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    copy_assets(out)
    html = exporter(code)
    paths = notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    pages = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nb.metadata.setdefault("title", title(nb, path.stem))
        resources = {"metadata": {"name": path.stem}}
        body, _ = html.from_notebook_node(nb, resources=resources)
        page = out / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<meta charset="utf-8">\n<title>ntkflow course</title>\n'
        f'<meta http-equiv="refresh" content="0; url={INDEX}.html">\n'
        f'<a href="{INDEX}.html">Open the course index</a>\n',
        encoding="utf-8",
    )
    return pages


def size_of(folder):
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "_site"), help="output folder")
    parser.add_argument(
        "--no-code", action="store_true", help="leave the code cells out"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pages = build(args.out, code=not args.no_code)
    elapsed = time.perf_counter() - start
    out = Path(args.out).resolve()
    print(
        f"{len(pages)} pages in {out} ({size_of(out) / 1e6:.1f} MB) "
        f"built in {elapsed:.1f} s"
    )
    print(f"open file://{out}/index.html")


if __name__ == "__main__":
    main(sys.argv[1:])
