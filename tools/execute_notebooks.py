"""Run notebooks top to bottom in a fresh kernel and save their outputs.

    python tools/execute_notebooks.py [notebooks/NAME.ipynb ...]

With no arguments, every notebook under notebooks/. Saved widget state is
dropped: it would embed the whole plotly.js bundle in each file, and nbval
ignores widget views anyway. Prints each notebook's run time.
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return elapsed


def main(names):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    paths = [Path(n).resolve() for n in names] or sorted(
        (ROOT / "notebooks").glob("[0-9]*.ipynb")
    )
    for path in paths:
        print(f"{path.relative_to(ROOT)}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
