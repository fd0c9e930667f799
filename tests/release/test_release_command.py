"""`bash scripts/release` refuses a version the changelog, the tag or the component package contradicts, and the
repository as it stands passes; one version everywhere.

Substitute used: none; pure functions of scripts/release.py on texts (building the artifacts is
tests/release/test_new_user.py's job).
"""
from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("release_command", ROOT / "scripts" / "release.py")
release = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(release)

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
CHANGELOG = (ROOT / "CHANGELOG.md").read_text()
REQUIREMENTS = (ROOT / "component-package" / "requirements.txt").read_text()


def test_the_repository_as_it_stands_is_releasable():
    release.preflight(VERSION, f"v{VERSION}", CHANGELOG, REQUIREMENTS)


@pytest.mark.parametrize("version, tag, changelog, requirements, message", [
    ("9.9.9", None, CHANGELOG, "s3-triggered-state-machine==9.9.9\n",
     "version 9.9.9 (pyproject.toml) has no section in CHANGELOG.md: add `## [9.9.9]`"),
    ("9.9.9", None, CHANGELOG + "\n## [9.9.9]\n\n", "s3-triggered-state-machine==9.9.9\n",
     "has no section in CHANGELOG.md"),                                    # a heading with nothing under it
    (VERSION, "v0.0.1", CHANGELOG, REQUIREMENTS, f"the tag 'v0.0.1' is not the version of pyproject.toml, '{VERSION}'"),
    (VERSION, None, CHANGELOG, "s3-triggered-state-machine==0.0.1\n",
     f"pins s3-triggered-state-machine at ['0.0.1'], not at {VERSION}"),
    (VERSION, None, CHANGELOG, "s3-triggered-state-machine\n", "at no version"),
])
def test_a_contradicted_version_is_refused(version, tag, changelog, requirements, message):
    with pytest.raises(release.Refused, match=release.re.escape(message)):
        release.preflight(version, tag, changelog, requirements)


def test_the_unreleased_section_does_not_count_as_a_release():
    assert release.changelog_section("Unreleased", CHANGELOG) is not None
    assert release.changelog_section(VERSION, CHANGELOG).strip()
    assert release.changelog_section("0.2", "## [0.2.0]\n\n- x\n") is None


def test_the_checkout_pack_carries_no_version_and_the_released_one_gets_it():
    checkout = (ROOT / "policies" / "PulumiPolicy.yaml").read_text()
    stamped = release.stamp_pack_project(checkout, VERSION, "https://example.com/repo")
    assert stamped.endswith(f"\nversion: {VERSION}\nwebsite: https://example.com/repo\n")
    with pytest.raises(release.Refused, match="must not carry"):
        release.stamp_pack_project(stamped, VERSION, None)
