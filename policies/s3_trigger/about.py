"""What release this copy of the rules belongs to: its version and its repository's URL.

The repository's ``pyproject.toml`` is the only place either is written. Each way the rules travel reads it:

* installed as the library (``pip install s3-triggered-state-machine-policies``, imported as
  ``s3_triggered_state_machine_policies``): the distribution's metadata, which its build copied from that file;
* run from a checkout (``policies/`` with ``pyproject.toml`` one directory up): that file itself;
* run from the released pack (``scripts/release`` writes ``version`` and ``website`` into its ``PulumiPolicy.yaml``):
  that ``PulumiPolicy.yaml``, the fields the Pulumi CLI itself reads.

A copy that has none of them (a vendored ``policies/`` without the repository around it) reports no version; the
engine then shows pulumi_policy's placeholder, and the policies' URLs point at the default branch.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

#: The repository's distribution (the component), whose pyproject.toml holds the version.
PROJECT = "s3-triggered-state-machine"
#: The library's distribution name and import name.
DISTRIBUTION = "s3-triggered-state-machine-policies"
IMPORT_NAME = "s3_triggered_state_machine_policies"

_HERE = Path(__file__).resolve().parent
#: A checkout: policies/s3_trigger/about.py -> pyproject.toml two directories up.
CHECKOUT_PYPROJECT = _HERE.parent.parent / "pyproject.toml"
#: A released pack: PulumiPolicy.yaml next to this package.
PACK_PROJECT = _HERE.parent / "PulumiPolicy.yaml"


@dataclass(frozen=True)
class Release:
    version: str | None
    repository: str | None
    source: str

    def readme_url(self, path: str) -> str | None:
        """The URL of ``path`` (e.g. ``policies/README.md``) in this release's tree (its tag ``vX.Y.Z``),
        or on the default branch when the version is unknown."""
        if not self.repository:
            return None
        ref = f"v{self.version}" if self.version else "HEAD"
        return f"{self.repository.rstrip('/')}/blob/{ref}/{path}"


def _from_distribution() -> Release | None:
    if __name__.split(".", 1)[0] != IMPORT_NAME:
        return None
    from importlib import metadata  # pylint: disable=import-outside-toplevel
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None
    homepage = None
    for entry in meta.get_all("Project-URL") or ():
        label, _, url = entry.partition(",")
        if label.strip().lower() == "homepage":
            homepage = url.strip()
    return Release(meta["Version"], homepage, f"the installed {DISTRIBUTION} distribution")


def read_pyproject(path: Path) -> Release | None:
    """``[project] version`` and ``[project.urls] Homepage`` of this project's pyproject.toml (None if ``path`` is
    not that file)."""
    try:
        import tomllib  # pylint: disable=import-outside-toplevel
    except ImportError:  # Python 3.10: the checkout's own tooling runs 3.11
        return None
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return None
    if project.get("name") != PROJECT or not project.get("version"):
        return None  # not this project's file (a vendored copy inside someone else's project)
    return Release(project["version"], project.get("urls", {}).get("Homepage"), str(path))


def _from_pack_project(path: Path) -> Release | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    fields = dict(re.findall(r"(?m)^(version|website):\s*['\"]?([^'\"\s#]+)", text))
    if "version" not in fields:
        return None
    return Release(fields["version"], fields.get("website"), str(path))


@functools.lru_cache(maxsize=None)
def release() -> Release:
    """This copy's release, from the first source that has one (see the module's docstring); read once."""
    return (_from_distribution() or read_pyproject(CHECKOUT_PYPROJECT) or _from_pack_project(PACK_PROJECT)
            or Release(None, None, "nowhere"))
