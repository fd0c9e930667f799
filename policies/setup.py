"""The library's version and URLs, read from the repository's pyproject.toml (the one place they are written).

setuptools reads pyproject.toml for everything else. Building from a checkout, the repository's pyproject.toml is one
directory up; building a wheel from this library's sdist (pip, `python -m build`), it is not there, and the sdist's
PKG-INFO, written from it, holds the same values.
"""
from email.parser import Parser
from pathlib import Path

from setuptools import setup

try:
    import tomllib
except ImportError:  # Python 3.10 (pyproject.toml's build requirements bring tomli there)
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
REPOSITORY_PYPROJECT = HERE.parent / "pyproject.toml"
PROJECT = "s3-triggered-state-machine"


def release() -> dict:
    if REPOSITORY_PYPROJECT.is_file():
        project = tomllib.loads(REPOSITORY_PYPROJECT.read_text(encoding="utf-8"))["project"]
        if project["name"] == PROJECT:
            return {"version": project["version"], "project_urls": dict(project.get("urls", {}))}
    pkg_info = HERE / "PKG-INFO"
    if pkg_info.is_file():
        meta = Parser().parsestr(pkg_info.read_text(encoding="utf-8"))
        urls = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL") or ())
        return {"version": meta["Version"], "project_urls": urls}
    raise SystemExit(f"{HERE}: cannot find the version: build this library from the repository's checkout "
                     f"(it reads {REPOSITORY_PYPROJECT}) or from its sdist")


setup(**release())
