"""Build and check the release artifacts of one version: `bash scripts/release [--out DIR] [--tag vX.Y.Z]`.

The version is pyproject.toml's, the only place it is written. Refused (exit 1, nothing built) when CHANGELOG.md has
no section for it, when --tag is not `v<version>`, or when component-package/requirements.txt does not pin the
component at it. Then, into DIR (default dist/):

* `s3_triggered_state_machine-V.tar.gz` and `-py3-none-any.whl`: the component (this directory's pyproject.toml);
* `s3_triggered_state_machine_policies-V.tar.gz` and `.whl`: the rules as a library (policies/pyproject.toml);
* `s3-triggered-state-machine-policy-pack-V.tar.gz`: the policy pack, `policies/` as it runs (PulumiPolicy.yaml with
  `version` and `website` written in, __main__.py, requirements.txt, the rules in s3_trigger/, README, example config);
* `s3-triggered-state-machine-component-package-V.tar.gz`: the component package (PulumiPlugin.yaml, __main__.py,
  requirements.txt pinning the component at V);
* `SHA256SUMS`.

Each wheel is built from its sdist, as pip builds one it downloads, so an sdist that misses a file fails here. The
checks: every artifact carries V; each wheel holds its import package and nothing else; the library's dependencies are
the pack's requirements.txt; the pack's rules are the library's files, byte for byte. Installing and running them, as
a new user would, is tests/release/test_new_user.py.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "s3-triggered-state-machine"
LIBRARY = "s3-triggered-state-machine-policies"
PACK = "s3-triggered-state-machine-policy-pack"
COMPONENT_PACKAGE = "s3-triggered-state-machine-component-package"
#: The policy pack's files (besides s3_trigger/*.py), and the component package's.
PACK_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt", "README.md", "example-config.json")
COMPONENT_PACKAGE_FILES = ("PulumiPlugin.yaml", "__main__.py", "requirements.txt")


class Refused(Exception):
    """The release cannot be built; the message says why and what to do."""


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def changelog_section(version: str, text: str) -> str | None:
    """The body of CHANGELOG.md's `## [version]` section (None if there is none)."""
    match = re.search(rf"(?m)^## \[{re.escape(version)}\][^\n]*\n(.*?)(?=^## |\Z)", text, re.S)
    return match.group(1) if match else None


def preflight(version: str, tag: str | None, changelog: str, component_requirements: str) -> None:
    """Refuse (raise :class:`Refused`) a release whose version the tag, CHANGELOG.md or the component package's
    requirements.txt contradict."""
    if tag is not None and tag != f"v{version}":
        raise Refused(f"the tag {tag!r} is not the version of pyproject.toml, {version!r}: tag the release v{version}, "
                      "or change [project] version")
    body = changelog_section(version, changelog)
    if body is None or not body.strip():
        raise Refused(f"version {version} (pyproject.toml) has no section in CHANGELOG.md: add `## [{version}]` with "
                      "its changes and deprecations (move them from [Unreleased])")
    pins = re.findall(rf"(?m)^\s*{re.escape(PROJECT)}\s*==\s*([^\s#;]+)", component_requirements)
    if pins != [version]:
        raise Refused(f"component-package/requirements.txt pins {PROJECT} at {pins or 'no version'}, not at "
                      f"{version}: write `{PROJECT}=={version}` there")


def run(args: list, cwd: Path) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"release: `{' '.join(map(str, args))}` in {cwd} failed:\n{proc.stdout[-3000:]}"
                         f"{proc.stderr[-3000:]}")
    return proc.stdout


def build_distribution(source: Path, out: Path, work: Path) -> tuple[Path, Path]:
    """sdist of `source`, then the wheel built from that sdist (no network: the build uses this interpreter's
    setuptools). Returns (sdist, wheel)."""
    sdist_name = run([sys.executable, "-c", "import sys; from setuptools import build_meta as b; "
                      "print(b.build_sdist(sys.argv[1]))", out], cwd=source).strip().splitlines()[-1]
    sdist = out / sdist_name
    unpacked = work / sdist_name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as tar:
        tar.extractall(work, filter="data")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", out,
         unpacked], cwd=work)
    stem = sdist_name.removesuffix(".tar.gz")
    (wheel,) = out.glob(f"{stem}-*.whl")
    return sdist, wheel


def _add(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size, info.mode, info.mtime = len(data), 0o644, 0
    tar.addfile(info, io.BytesIO(data))


def stamp_pack_project(text: str, version: str, website: str | None) -> str:
    """PulumiPolicy.yaml with this release's `version` (the engine shows it) and `website`, the fields the Pulumi CLI
    reads; the checkout's has neither (the pack reads pyproject.toml there)."""
    if re.search(r"(?m)^(version|website):", text):
        raise Refused("policies/PulumiPolicy.yaml must not carry `version:` or `website:` (pyproject.toml holds them)")
    lines = [text.rstrip("\n"), f"version: {version}"] + ([f"website: {website}"] if website else [])
    return "\n".join(lines) + "\n"


def build_pack(out: Path, version: str, website: str | None) -> Path:
    top = f"{PACK}-{version}"
    path = out / f"{top}.tar.gz"
    source = ROOT / "policies"
    with tarfile.open(path, "w:gz") as tar:
        for name in PACK_FILES:
            data = (source / name).read_bytes()
            if name == "PulumiPolicy.yaml":
                data = stamp_pack_project(data.decode(), version, website).encode()
            _add(tar, f"{top}/{name}", data)
        for module in sorted((source / "s3_trigger").glob("*.py")):
            _add(tar, f"{top}/s3_trigger/{module.name}", module.read_bytes())
    return path


def build_component_package(out: Path, version: str) -> Path:
    top = f"{COMPONENT_PACKAGE}-{version}"
    path = out / f"{top}.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name in COMPONENT_PACKAGE_FILES:
            _add(tar, f"{top}/{name}", (ROOT / "component-package" / name).read_bytes())
    return path


def wheel_metadata(wheel: Path) -> tuple[dict, list[str]]:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(zf.read(meta_name).decode())
    return meta, names


def requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return sorted(re.sub(r"\s+", "", line) for line in lines if line)


def check(version: str, artifacts: dict[str, Path]) -> list[str]:
    """Problems with the built artifacts (an empty list: they are consistent)."""
    problems = []
    expected = {"component": (PROJECT, "s3_triggered_state_machine/"),
                "library": (LIBRARY, "s3_triggered_state_machine_policies/")}
    for key, (name, package) in expected.items():
        meta, names = wheel_metadata(artifacts[f"{key}_wheel"])
        if (meta["Name"], meta["Version"]) != (name, version):
            problems.append(f"{artifacts[f'{key}_wheel'].name}: is {meta['Name']} {meta['Version']}, "
                            f"not {name} {version}")
        stray = sorted({n.split("/", 1)[0] for n in names if not n.startswith(package) and ".dist-info/" not in n})
        if stray:
            problems.append(f"{artifacts[f'{key}_wheel'].name}: installs {stray} besides {package}")
        if key == "library":
            requires = sorted(re.sub(r"\s+", "", r) for r in meta.get_all("Requires-Dist") or ())
            want = requirement_lines(ROOT / "policies" / "requirements.txt")
            if sorted(_normalise(r) for r in requires) != sorted(_normalise(r) for r in want):
                problems.append(f"the library requires {requires}, the pack's requirements.txt {want}")
            with zipfile.ZipFile(artifacts["library_wheel"]) as zf:
                library_files = {n.removeprefix(package): zf.read(n) for n in zf.namelist() if n.startswith(package)}
    with tarfile.open(artifacts["pack"]) as tar:
        top = f"{PACK}-{version}/"
        members = {m.name.removeprefix(top): tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    pack_rules = {k.removeprefix("s3_trigger/"): v for k, v in members.items() if k.startswith("s3_trigger/")}
    if pack_rules != library_files:
        problems.append("the pack's s3_trigger/ and the library's package differ: "
                        f"{sorted(set(pack_rules) ^ set(library_files)) or 'same names, other bytes'}")
    project_yaml = members.get("PulumiPolicy.yaml", b"").decode()
    if f"\nversion: {version}\n" not in project_yaml or not re.search(r"(?m)^\s+virtualenv: venv\s*$", project_yaml):
        problems.append(f"the pack's PulumiPolicy.yaml lacks `version: {version}` or `virtualenv: venv`")
    with tarfile.open(artifacts["component_package"]) as tar:
        top = f"{COMPONENT_PACKAGE}-{version}/"
        requirements = tar.extractfile(f"{top}requirements.txt").read().decode()
        plugin_yaml = tar.extractfile(f"{top}PulumiPlugin.yaml").read().decode()
    if f"{PROJECT}=={version}" not in requirements.replace(" ", ""):
        problems.append(f"the component package's requirements.txt does not pin {PROJECT}=={version}")
    if not re.search(r"(?m)^\s+virtualenv: venv\s*$", plugin_yaml):
        problems.append("the component package's PulumiPlugin.yaml does not use its own `virtualenv: venv`")
    return problems


def _normalise(requirement: str) -> str:
    name, rest = re.match(r"([A-Za-z0-9_.-]+)(.*)", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower() + ",".join(sorted(rest.split(",")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bash scripts/release", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the artifacts go (default: dist/)")
    parser.add_argument("--tag", help="the git tag being released; must be v<version>")
    args = parser.parse_args(argv)
    meta = project()
    version = meta["version"]
    try:
        preflight(version, args.tag, (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"),
                  (ROOT / "component-package" / "requirements.txt").read_text(encoding="utf-8"))
    except Refused as exc:
        print(f"release: refused: {exc}", file=sys.stderr)
        return 1
    out = args.out.resolve()
    if out.exists():
        for old in [*out.glob("s3_triggered_state_machine*"), *out.glob("s3-triggered-state-machine-*"),
                    out / "SHA256SUMS"]:
            old.unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    artifacts: dict[str, Path] = {}
    with tempfile.TemporaryDirectory() as work:
        for key, source in (("component", ROOT), ("library", ROOT / "policies")):
            before = {*source.glob("*.egg-info"), *source.glob("build")}
            artifacts[f"{key}_sdist"], artifacts[f"{key}_wheel"] = build_distribution(source, out, Path(work))
            for leftover in {*source.glob("*.egg-info"), *source.glob("build")} - before:
                shutil.rmtree(leftover, ignore_errors=True)   # what this build wrote into the checkout
    artifacts["pack"] = build_pack(out, version, meta.get("urls", {}).get("Homepage"))
    artifacts["component_package"] = build_component_package(out, version)
    problems = check(version, artifacts)
    if problems:
        print("release: the artifacts are inconsistent:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted(artifacts.values()))
    (out / "SHA256SUMS").write_text(sums)
    print(f"release {version}: {len(artifacts)} artifacts in {out}, checked")
    print(sums, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
