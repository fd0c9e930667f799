"""The new user: the release artifacts, and nothing else from this repository, in a fresh directory outside it.

`bash scripts/release` builds the artifacts (or S3TSM_RELEASE_DIST names a directory where it already did, as the
release workflow does). Then, in a temporary directory, with fresh virtualenvs that `pulumi install` creates from
each directory's own requirements.txt (pip finds this release's two wheels in the artifacts' directory through
PIP_FIND_LINKS, everything else on PyPI):

* the policy pack, unpacked from its tarball;
* a Python stack that uses the component from the wheel passes `pulumi preview --policy-pack <installed pack>`;
* a TypeScript stack made with `pulumi package add <unpacked component package>` previews, and the same program
  wired wrong (CloudTrail delivery, `createTrail: false`, and no trail logging the bucket) is stopped by the pack;
* a team's own pack that imports the rules library (`s3_triggered_state_machine_policies`) next to a policy of its
  own stops that same stack, and runs its own policy too (both packs judge it in one preview; each verdict carries
  its pack's name).

Substitutes used: the REAL Pulumi CLI v3.274.1 (scripts/pulumi: an isolated Pulumi home and a local file backend)
with the STAND-IN aws provider (standin_aws/, offline backend: nothing leaves the machine but pip's and npm's
downloads); `pulumi package add` runs with the real CLI v3.188.0 (tests/packaging/consumers.py says why). The four
installs run side by side, once for the module; each test reuses them.
"""
from __future__ import annotations

import os
import shutil
import tarfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from proof.stack import PULUMI, ROOT, ThrowawayStack
from tests.packaging.consumers import run

VERSION = __import__("tomllib").loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
REGION = "us-east-2"
STATE_MACHINE_ARN = f"arn:aws:states:{REGION}:123456789012:stateMachine:Helloworld"
TYPE_TOKEN = "s3-triggered-state-machine:index:S3TriggeredStateMachine"
#: What the user writes: a Python stack with the component.
PYTHON_STACK = {
    "Pulumi.yaml": """\
        name: new-user-python
        runtime:
          name: python
          options:
            toolchain: pip
            virtualenv: venv
        """,
    "requirements.txt": f"s3-triggered-state-machine=={VERSION}\n",
    "__main__.py": """\
        import pulumi
        from s3_triggered_state_machine import S3TriggeredStateMachine

        trigger = S3TriggeredStateMachine("uploads", {
            "state_machine_arn": pulumi.Config().require("stateMachineArn"),
            "delivery": "eventbridge",
            "key_prefix": "incoming/",
        })
        pulumi.export("bucketName", trigger.bucket_name)
        """,
}
#: A TypeScript stack; its config chooses the wiring, so one `package add` serves the good and the broken stack.
TYPESCRIPT_INDEX = """\
    import * as pulumi from "@pulumi/pulumi";
    import * as s3tsm from "@pulumi/s3-triggered-state-machine";

    const config = new pulumi.Config();
    const trigger = new s3tsm.S3TriggeredStateMachine("uploads", {
        stateMachineArn: config.require("stateMachineArn"),
        delivery: config.get("delivery") ?? "eventbridge",
        // false: "my own trail already logs this bucket's data events"; nothing in this stack does.
        createTrail: config.getBoolean("createTrail"),
    });
    export const bucketName = trigger.bucketName;
    """
#: A platform team's pack: the rules library, every rule mandatory, next to a policy of the team's own.
TEAM_PACK = {
    "PulumiPolicy.yaml": """\
        runtime:
          name: python
          options:
            toolchain: pip
            virtualenv: venv
        description: The platform team's pack.
        version: 1.0.0
        """,
    "requirements.txt": f"s3-triggered-state-machine-policies=={VERSION}\n",
    "__main__.py": """\
        from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy
        from s3_triggered_state_machine_policies import policies


        def bucket_has_owner(args, report_violation):
            if args.resource_type == "aws:s3/bucket:Bucket" and "owner" not in (args.props.get("tags") or {}):
                report_violation(f"bucket {args.name} has no `owner` tag")


        PolicyPack("platform-team", policies=[
            *policies({"all": "mandatory", "s3-trigger-copy-object": "disabled"}),
            ResourceValidationPolicy(name="team-bucket-owner-tag", description="Every bucket names its owner.",
                                     validate=bucket_has_owner, enforcement_level=EnforcementLevel.ADVISORY),
        ])
        """,
}
BROKEN = {"delivery": "cloudtrail", "createTrail": "false"}


def write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text))
    return directory


def unpack(tarball: Path, into: Path) -> Path:
    with tarfile.open(tarball) as tar:
        tar.extractall(into, filter="data")
    return into / tarball.name.removesuffix(".tar.gz")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    given = os.environ.get("S3TSM_RELEASE_DIST")
    if given and list(Path(given).glob(f"*-{VERSION}*")):
        return Path(given)
    out = tmp_path_factory.mktemp("dist")
    run(["bash", str(ROOT / "scripts" / "release"), "--out", str(out)], ROOT)
    return out


@pytest.fixture(scope="module")
def user(tmp_path_factory, dist):
    """The user's directory, outside the checkout, after the README's install steps: each directory's `pulumi
    install` (side by side), then `pulumi package add` of the unpacked component package in the TypeScript stack."""
    home = tmp_path_factory.mktemp("new-user")
    assert ROOT not in home.parents
    # PIP_NO_COMPILE: pip would byte-compile pulumi-aws's thousands of modules, twice; Python compiles what it imports.
    env = dict(os.environ, PIP_FIND_LINKS=str(dist), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_COMPILE="1",
               S3TSM_STATE_DIR=str(home / "package-state"))
    places = {
        "pack": unpack(dist / f"s3-triggered-state-machine-policy-pack-{VERSION}.tar.gz", home),
        "component_package": unpack(dist / f"s3-triggered-state-machine-component-package-{VERSION}.tar.gz", home),
        "python_stack": write(home / "python-stack", PYTHON_STACK),
        "team_pack": write(home / "team-pack", TEAM_PACK),
    }
    with ThreadPoolExecutor(len(places)) as pool:
        for done in [pool.submit(run, [str(PULUMI), "install"], where, env, 1200) for where in places.values()]:
            done.result()
    typescript = home / "typescript-stack"
    typescript.mkdir()
    for name in ("Pulumi.yaml", "package.json", "tsconfig.json"):
        shutil.copy(ROOT / "examples" / "typescript" / name, typescript / name)
    (typescript / "index.ts").write_text(textwrap.dedent(TYPESCRIPT_INDEX))
    run([str(PULUMI), "package", "add", str(places["component_package"])], typescript, env)
    return {**places, "typescript_stack": typescript}


def test_the_installed_pack_runs_from_its_own_venv_and_reports_the_release(user):
    pack = user["pack"]
    assert (pack / "venv" / "bin" / "python").is_file()
    assert f"\nversion: {VERSION}\n" in (pack / "PulumiPolicy.yaml").read_text()
    # The pack needs no distribution of ours: its rules are its own files (s3_trigger/).
    assert not list((pack / "venv").glob("lib/*/site-packages/s3_triggered_state_machine*"))
    # Its policies' URLs point into this release's tree, read from the PulumiPolicy.yaml the release wrote.
    urls = run([str(pack / "venv" / "bin" / "python"), "-c",
                "import s3_trigger; print('\\n'.join(p.url for p in s3_trigger.all_policies()))"], pack).stdout
    assert urls.split() and all(f"/blob/v{VERSION}/policies/README.md#s3-trigger-" in u for u in urls.split()), urls


def test_a_python_stack_with_the_component_passes_the_installed_pack(user):
    with ThrowawayStack(user["python_stack"], config={"aws:region": REGION,
                                                     "stateMachineArn": STATE_MACHINE_ARN}) as st:
        verdict = st.judge(policy_packs=[user["pack"]])
    assert verdict.returncode == 0, verdict.result.output[-5000:]
    assert not verdict.policies("mandatory") and not verdict.errors
    output = verdict.result.stdout
    assert TYPE_TOKEN in output, "the component did not run"
    assert f'"policyPackName":"s3-triggered-state-machine","policyPackVersion":"{VERSION}"' in output, \
        "the installed pack did not judge the stack, or reported another version"


def test_a_typescript_stack_from_the_unpacked_component_package_previews_and_passes(user):
    program = user["typescript_stack"]
    assert str(user["component_package"]) in (program / "Pulumi.yaml").read_text(), \
        "`pulumi package add` did not record the unpacked package"
    with ThrowawayStack(program, config={"aws:region": REGION, "stateMachineArn": STATE_MACHINE_ARN}) as st:
        verdict = st.judge(policy_packs=[user["pack"]])
    assert verdict.returncode == 0, verdict.result.output[-5000:]
    assert TYPE_TOKEN in verdict.result.stdout and "aws:cloudwatch/eventRule:EventRule" in verdict.result.stdout
    assert not verdict.policies("mandatory") and not verdict.errors


@pytest.fixture(scope="module")
def broken_verdict(user):
    """The broken TypeScript stack judged by both packs in one preview (each pack's verdicts carry its name)."""
    with ThrowawayStack(user["typescript_stack"], config={"aws:region": REGION,
                                                         "stateMachineArn": STATE_MACHINE_ARN, **BROKEN}) as st:
        return st.judge(policy_packs=[user["pack"], user["team_pack"]])


def mandatory(verdict, pack: str) -> set:
    return {v["policyName"] for v in verdict.violations
            if v.get("policyPackName") == pack and v.get("enforcementLevel") == "mandatory"}


def test_a_broken_typescript_wiring_is_stopped_by_the_pack(broken_verdict):
    assert broken_verdict.returncode != 0
    assert "s3-trigger-trail-logs-bucket" in mandatory(broken_verdict, "s3-triggered-state-machine"), \
        broken_verdict.result.output[-5000:]
    (violation,) = [v for v in broken_verdict.violations if v["policyName"] == "s3-trigger-trail-logs-bucket"
                    and v["policyPackName"] == "s3-triggered-state-machine"]
    assert violation["policyPackVersion"] == VERSION


def test_a_team_pack_with_the_rules_library_stops_the_same_stack_and_runs_its_own_policy(user, broken_verdict):
    assert "s3-trigger-trail-logs-bucket" in mandatory(broken_verdict, "platform-team"), \
        broken_verdict.result.output[-5000:]
    own = [v for v in broken_verdict.violations if v["policyName"] == "team-bucket-owner-tag"]
    assert own and {v["policyPackName"] for v in own} == {"platform-team"}, "the team's own policy did not run"
    assert {v["enforcementLevel"] for v in own} == {"advisory"}
    site = next((user["team_pack"] / "venv").glob("lib/*/site-packages"))
    assert (site / "s3_triggered_state_machine_policies" / "metadata.py").is_file()
    assert not (site / "s3_triggered_state_machine").exists(), "the rules library must not bring the component"
