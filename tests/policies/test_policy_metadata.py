"""Every policy's severity, remediation steps and URL (pulumi-policy's metadata, shown next to each violation), the
rules as a library (overrides of levels and config) and the version the pack reports.

Substitute used: none; pure functions, and pulumi_policy's own analyzer servicer called in-process for
``GetAnalyzerInfo`` (the message the engine reads), without starting a pack.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pulumi_policy import EnforcementLevel, Severity
from pulumi_policy import policy as pulumi_policy_module
from pulumi.runtime.proto import analyzer_pb2

from policies.s3_trigger import POLICY_NAMES, all_policies, metadata, policies
from policies.s3_trigger.about import read_pyproject, release

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "policies" / "README.md"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lowercase, punctuation other than '-' and '_' dropped, spaces to '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def readme_sections() -> dict[str, str]:
    """Anchor -> the section's text (up to the next heading), for every heading of policies/README.md."""
    sections, anchor, body = {}, None, []
    for line in README.read_text().splitlines():
        heading = re.match(r"#{1,6} (.*)", line)
        if heading:
            if anchor is not None:
                sections[anchor] = "\n".join(body)
            anchor, body = github_anchor(heading.group(1)), []
        else:
            body.append(line)
    if anchor is not None:
        sections[anchor] = "\n".join(body)
    return sections


def squash(text: str) -> str:
    return " ".join(text.split())


def test_every_policy_has_severity_remediation_and_a_url_into_its_readme_section():
    sections = readme_sections()
    built = all_policies()
    assert [p.name for p in built] == list(POLICY_NAMES)
    for policy in built:
        assert isinstance(policy.severity, Severity), policy.name
        assert len(policy.remediation_steps or "") > 40, policy.name
        base, _, anchor = policy.url.partition("#")
        assert base == f"{PYPROJECT['urls']['Homepage']}/blob/v{PYPROJECT['version']}/policies/README.md", policy.url
        assert anchor in sections, f"{policy.name}: policies/README.md has no heading with anchor #{anchor}"
        # The section says what the policy says: the same steps and severity, so neither drifts from the other.
        assert squash(policy.remediation_steps) in squash(sections[anchor]), policy.name
        assert f"Severity: **{policy.severity.value}**" in sections[anchor], policy.name


def test_the_engine_receives_them_in_get_analyzer_info():
    servicer = pulumi_policy_module._PolicyAnalyzerServicer(  # pylint: disable=protected-access
        "s3-triggered-state-machine", "0.0.1", all_policies(), EnforcementLevel.ADVISORY)
    info = servicer.GetAnalyzerInfo(None, None)
    assert [p.name for p in info.policies] == list(POLICY_NAMES)
    for p in info.policies:
        assert p.severity != analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED, p.name
        assert p.remediation_steps and p.url.endswith(f"#{p.name}"), p.name


def test_a_policy_without_a_row_is_refused():
    stray = all_policies()[0]
    stray.name = "s3-trigger-not-in-the-table"
    with pytest.raises(LookupError, match="s3-trigger-not-in-the-table"):
        metadata.apply([stray])


def test_the_version_comes_from_pyproject_and_the_pack_reports_it(monkeypatch):
    this = release()
    assert (this.version, this.repository) == (PYPROJECT["version"], PYPROJECT["urls"]["Homepage"])
    from policies.s3_trigger.servicer import report_version
    cls = pulumi_policy_module._PolicyAnalyzerServicer  # pylint: disable=protected-access
    monkeypatch.setattr(cls, "__init__", cls.__init__)   # undone after the test
    report_version(this.version)
    info = cls("s3-triggered-state-machine", "0.0.1", all_policies(), EnforcementLevel.ADVISORY) \
        .GetAnalyzerInfo(None, None)
    assert info.version == PYPROJECT["version"]


def test_another_projects_pyproject_is_not_read_as_ours(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "team-infra"\nversion = "9.9.9"\n')
    assert read_pyproject(tmp_path / "pyproject.toml") is None
    assert read_pyproject(ROOT / "pyproject.toml").version == PYPROJECT["version"]


# ---- the rules as a library ---------------------------------------------------------------------------------------

def test_overrides_set_levels_and_config_defaults_on_fresh_instances():
    out = {p.name: p for p in policies({
        "all": "mandatory",
        "s3-trigger-copy-object": "disabled",
        "s3-trigger-trail-cost": {"enforcementLevel": EnforcementLevel.ADVISORY, "multipartParts": 20},
        "s3-trigger-trail-logs-bucket": {"bucketsLoggedElsewhere": ["org-*"]},
    })}
    assert out["s3-trigger-same-region"].enforcement_level == EnforcementLevel.MANDATORY
    assert out["s3-trigger-dead-letter-queue"].enforcement_level == EnforcementLevel.MANDATORY   # "all"
    assert out["s3-trigger-copy-object"].enforcement_level == EnforcementLevel.DISABLED          # one policy wins
    assert out["s3-trigger-trail-cost"].enforcement_level == EnforcementLevel.ADVISORY
    assert out["s3-trigger-trail-cost"].config_schema.properties["multipartParts"]["default"] == 20
    assert out["s3-trigger-trail-logs-bucket"].config_schema.properties["bucketsLoggedElsewhere"]["default"] == \
        ["org-*"]
    assert out["s3-trigger-trail-cost"].severity is not None and out["s3-trigger-trail-cost"].url
    # A second call, and the pack's own list, are untouched.
    again = {p.name: p for p in policies()}
    assert again["s3-trigger-dead-letter-queue"].enforcement_level == EnforcementLevel.ADVISORY
    assert again["s3-trigger-trail-cost"].config_schema.properties["multipartParts"]["default"] == 100


@pytest.mark.parametrize("overrides, message", [
    ({"s3-trigger-same-regoin": "mandatory"}, "'s3-trigger-same-regoin', which is not a policy"),
    ({"all": "strict"}, "overrides['all'] = 'strict' is not an enforcement level; valid levels are 'advisory'"),
    ({"s3-trigger-trail-cost": {"multipartPart": 3}}, "overrides['s3-trigger-trail-cost']['multipartPart'] is not a "
                                                      "setting of s3-trigger-trail-cost; its settings are "
                                                      "enforcementLevel, multipartParts"),
    ({"s3-trigger-same-region": {"anything": 1}}, "its settings are enforcementLevel$"),
    ({"all": {"enforcementLevel": "mandatory"}}, "must be an enforcement level; config belongs to one policy"),
])
def test_bad_overrides_are_refused_naming_what_is_valid(overrides, message):
    with pytest.raises(ValueError, match=re.escape(message) if not message.endswith("$") else
                       re.escape(message[:-1]) + "$"):
        policies(overrides)
