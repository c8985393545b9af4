"""pyproject.toml, binder/requirements.txt and environment.yml pin the same versions."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^\s*-?\s*([A-Za-z0-9_.\-]+)==([^\s;#]+)")


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines):
    found = {}
    for line in lines:
        match = PIN.match(line)
        if match:
            found[normal(match[1])] = match[2]
    return found


def pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines += extra
    unpinned = [line for line in lines if "==" not in line]
    assert not unpinned, f"unpinned dependencies in pyproject.toml: {unpinned}"
    return pins(lines)


def test_binder_pins_everything_pyproject_pins():
    binder = pins((ROOT / "binder/requirements.txt").read_text().splitlines())
    for name, version in pyproject_pins().items():
        assert binder.get(name) == version, (name, version, binder.get(name))


def test_environment_yml_pins_exactly_pyproject():
    text = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in text
    assert "- -e ." in text
    assert pins(text.splitlines()) == pyproject_pins()


def test_binder_lock_is_complete_and_unique():
    lines = [
        line
        for line in (ROOT / "binder/requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    names = [normal(line.split("==")[0]) for line in lines]
    assert all("==" in line for line in lines)
    assert len(names) == len(set(names))
    assert "ntkflow" not in names
