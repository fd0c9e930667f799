"""What a value MEANS, checked by implementations nobody in this project wrote (rules.py names each one per field).

| meaning | checked by | why this one |
| --- | --- | --- |
| Amazon States Language definitions | `statelint` (PyPI, a Python port of awslabs' statelint) | catches what Step Functions' `ValidateStateMachineDefinition` refuses in preview: a state with neither `Next` nor `End`, a `StartAt` naming no state, unreachable states, JSONPath and JSONata fields; pure Python |
| EventBridge event patterns | LocalStack's rule engine, `localstack.services.events.event_rule_engine.EventPatternCompiler`, the file installed in `.venv-localstack` (localstack-core 4.8.1, pinned in proof/localstack-requirements.txt) | it validates every operator like AWS, with AWS's messages (`test_event_pattern` answers from it). moto's `EventPatternParser` (in .venv) only checks that leaves are arrays: `{"prefix": 5}`, `{"numeric": [">"]}` or `{"prefx": "a"}` pass it |
| IAM identity, resource and trust policies | the IAM policy grammar AWS publishes in `cfn-lint` (`cfnlint/data/schemas/other/iam/policy*.json`), applied by `jsonschema` | AWS's own grammar, one schema per kind of policy (a trust policy has no `Resource`; a resource policy needs a `Principal`) |
| regions and partitions | botocore's `endpoints.json`, resolved as `botocore.regions.EndpointResolver` does | the regions AWS lists per partition, as the SDKs resolve them |
| ARNs | aws-sdk-go's `arn.Parse` (the `arn:` prefix, six sections), plus terraform-provider-aws's `verify.ValidARN` patterns for partition, region and account | the provider refuses a malformed ARN in Check |

Written here, from AWS's documents (no library implements them): KMS's key policy lockout check
(`kms_lockout_problem`), tags (`tags_problem`), and CloudTrail's selector rules (standin_aws/cloudtrail.py).

Loading LocalStack's rule engine: the stand-in runs in the project's .venv, and localstack-core cannot be installed
there (it pins its own boto3/botocore). `event_rule_engine.py` is one self-contained file whose only import outside
the standard library is the exception class `InvalidEventPatternException`. It is executed from .venv-localstack under
a private module name, with that one name provided while it runs, and only after its imports are read (`ast`) and
found to be exactly those: a different file (another LocalStack version) is refused, not half-loaded. Nothing of
LocalStack is copied into this project. Where .venv-localstack is missing, patterns are refused with the reason
(`bash scripts/setup` creates it), never passed unchecked.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import gc
import importlib.util
import json
import os
import re
import sys
import types
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCALSTACK_VERSION = "4.8.1"   # proof/localstack-requirements.txt


# ------------------------------------------------------------------------------------ Amazon States Language
def state_machine_definition_problem(value: Any) -> Optional[str]:
    """Why Step Functions refuses this definition (statelint's findings), or None."""
    definition, problem = _parse(value)
    if problem:
        return problem
    if _has_unknown(definition):
        return None
    from statelint.linter import Linter  # noqa: PLC0415 (imported when a definition is first checked)

    if not isinstance(definition, dict):
        return "a state machine definition is a JSON object"
    problems = Linter.validate(definition)  # a dict: never read as a file path
    if problems:
        return "Step Functions refuses this definition (statelint): " + "; ".join(problems)
    return None


# ------------------------------------------------------------------------------------- EventBridge patterns
_RULE_ENGINE_IMPORTS = {("import", "ipaddress"), ("import", "json"), ("import", "re"), ("import", "typing"),
                        ("from", "localstack.aws.api.events:InvalidEventPatternException")}


def _localstack_site_packages() -> Path:
    venv = Path(os.environ.get("LOCALSTACK_VENV") or REPO_ROOT / ".venv-localstack")
    found = sorted(venv.glob("lib/python*/site-packages"))
    if not found:
        raise LookupError(f"LocalStack's virtualenv {venv} is missing: `bash scripts/setup` creates it")
    return found[-1]


@functools.lru_cache(maxsize=1)
def _pattern_compiler() -> Any:
    """LocalStack's EventPatternCompiler, loaded as described in the module docstring."""
    site = _localstack_site_packages()
    dist = site / f"localstack_core-{LOCALSTACK_VERSION}.dist-info"
    if not dist.is_dir():
        raise LookupError(f"{site} does not hold localstack-core {LOCALSTACK_VERSION} (proof/localstack-requirements"
                          ".txt pins it): `bash scripts/setup` installs it")
    path = site / "localstack" / "services" / "events" / "event_rule_engine.py"
    source = path.read_text()
    imports = set()
    # With the collector off: in a test process with other threads, CPython 3.11's ast.parse can fail with "AST
    # constructor recursion depth mismatch" (tests/sources.py says why).
    collecting = gc.isenabled()
    gc.disable()
    try:
        tree = ast.parse(source)
    finally:
        if collecting:
            gc.enable()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports |= {("import", a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imports |= {("from", f"{node.module}:{a.name}") for a in node.names}
    if imports != _RULE_ENGINE_IMPORTS:
        raise LookupError(f"{path} imports {sorted(imports)}, not what the stand-in checked it for "
                          f"({sorted(_RULE_ENGINE_IMPORTS)}); refusing to load it")

    class InvalidEventPatternException(Exception):
        """Stands in for localstack.aws.api.events.InvalidEventPatternException (message only)."""

    names = ("localstack", "localstack.aws", "localstack.aws.api", "localstack.aws.api.events")
    saved = {n: sys.modules.get(n) for n in names}
    if any(saved.values()):
        raise LookupError("a `localstack` package is already imported in this process; refusing to shadow it")
    try:
        for n in names:
            sys.modules[n] = types.ModuleType(n)
        sys.modules["localstack.aws.api.events"].InvalidEventPatternException = InvalidEventPatternException
        spec = importlib.util.spec_from_file_location("_standin_localstack_event_rule_engine", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for n in names:
            sys.modules.pop(n, None)
    compiler = module.EventPatternCompiler()
    return compiler, InvalidEventPatternException


def event_pattern_problem(value: Any) -> Optional[str]:
    """Why EventBridge refuses this event pattern (InvalidEventPatternException), or None."""
    if not isinstance(value, str):
        return None
    if len(value) > 4096:  # PutRule: EventPattern, length constraints: maximum length of 4096
        return f"event patterns are at most 4096 characters (this one has {len(value)})"
    try:
        compiler, invalid = _pattern_compiler()
    except LookupError as e:
        return f"cannot be checked, so it is refused: {e}"
    try:
        compiler.compile_event_pattern(value)
    except invalid as e:
        return f"EventBridge refuses the pattern (InvalidEventPatternException, LocalStack's rule engine): {e}"
    return None


# ------------------------------------------------------------------------------------------- IAM policies
_IAM_SCHEMAS = {"policy": "policy", "identity": "policy_identity", "resource": "policy_resource",
                "trust": "policy_trust"}


@functools.lru_cache(maxsize=1)
def _policy_validators() -> dict:
    import jsonschema  # noqa: PLC0415
    from jsonschema import validators  # noqa: PLC0415
    from referencing import Registry, Resource  # noqa: PLC0415
    from referencing.jsonschema import DRAFT202012  # noqa: PLC0415

    spec = importlib.util.find_spec("cfnlint")  # its data files only: cfn-lint itself is not imported
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("cfn-lint is not installed in this virtualenv (requirements-dev.txt pins it)")
    base = Path(spec.submodule_search_locations[0]) / "data" / "schemas" / "other" / "iam"
    docs = {key: json.loads((base / f"{file}.json").read_text()) for key, file in _IAM_SCHEMAS.items()}
    registry = Registry().with_resources([(key, Resource(doc, DRAFT202012)) for key, doc in docs.items()])

    # cfn-lint's two keywords beyond JSON Schema, as cfn-lint defines them: exactly one of the listed properties;
    # the listed keys unique across the array's items (a policy's Sids).
    def required_xor(validator, properties, instance, _schema):
        if validator.is_type(instance, "object"):
            present = [p for p in properties if p in instance]
            if len(present) != 1:
                yield jsonschema.ValidationError(f"exactly one of {', '.join(properties)} is required "
                                                 f"(found {', '.join(present) or 'none'})")

    def unique_keys(validator, keys, instance, _schema):
        if validator.is_type(instance, "array"):
            for key in keys:
                values = [json.dumps(i[key], sort_keys=True) for i in instance if isinstance(i, dict) and key in i]
                if len(values) != len(set(values)):
                    yield jsonschema.ValidationError(f"{key} values must be unique within the policy")

    # Draft 2020-12 applies the keywords beside a `$ref`, as cfn-lint does (draft 7 would ignore them).
    cls = validators.extend(jsonschema.Draft202012Validator, {"requiredXor": required_xor, "uniqueKeys": unique_keys})
    return {kind: cls(docs[kind], registry=registry) for kind in ("identity", "resource", "trust")}


def policy_problem(kind: str) -> Callable[[Any], Optional[str]]:
    """A check of an IAM policy document of `kind` (identity, resource or trust) against AWS's grammar."""

    def check(value: Any) -> Optional[str]:
        document, problem = _parse(value)
        if problem:
            return problem
        if _has_unknown(document):
            return None
        try:
            validator = _policy_validators()[kind]
        except LookupError as e:
            return f"cannot be checked, so it is refused: {e}"
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            return (f"not a valid IAM {kind} policy (AWS's policy grammar, cfn-lint's schema): "
                    + "; ".join(f"{'/'.join(map(str, e.absolute_path)) or 'policy'}: {e.message}" for e in errors[:5]))
        return None

    return check


def _listify(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def kms_lockout_problem(props: Mapping[str, Any], caller: Mapping[str, str]) -> Optional[str]:
    """KMS's key policy lockout safety check (CreateKey/PutKeyPolicy, `Policy`): "The key policy must allow the calling
    principal to make a subsequent PutKeyPolicy request on the KMS key" unless BypassPolicyLockoutSafetyCheck is set.

    The calling principal is covered by `*`, by its account (`arn:PARTITION:iam::ACCOUNT:root` or `ACCOUNT`: the key
    policy then delegates to IAM) or by its own ARN. Conditions are not evaluated (a statement with one counts)."""
    if props.get("bypassPolicyLockoutSafetyCheck") is True:
        return None
    document, _ = _parse(props.get("policy"))
    if not isinstance(document, dict) or _has_unknown(document):
        return None
    account, arn = caller["Account"], caller["Arn"]

    def covers_caller(principal: Any) -> bool:
        if principal == "*":
            return True
        if not isinstance(principal, dict):
            return False
        for p in _listify(principal.get("AWS", [])):
            if p in ("*", account, arn) or re.fullmatch(rf"arn:aws[a-z-]*:iam::{account}:root", str(p)):
                return True
        return False

    def covers_action(stmt: dict) -> bool:
        def hit(patterns):
            return any(fnmatch.fnmatchcase("kms:putkeypolicy", str(a).lower()) for a in _listify(patterns))
        if "Action" in stmt:
            return hit(stmt["Action"])
        return "NotAction" in stmt and not hit(stmt["NotAction"])

    allowed = denied = False
    for stmt in _listify(document.get("Statement", [])):
        if not isinstance(stmt, dict) or not covers_action(stmt) or not covers_caller(stmt.get("Principal")):
            continue
        if stmt.get("Effect") == "Allow":
            allowed = True
        elif stmt.get("Effect") == "Deny" and not stmt.get("Condition"):
            denied = True
    if allowed and not denied:
        return None
    return (f"the key policy would lock the caller ({arn}) out: KMS refuses a policy that does not allow the calling "
            "principal kms:PutKeyPolicy (MalformedPolicyDocumentException; allow the account's root principal, as "
            "the default key policy does, or set bypassPolicyLockoutSafetyCheck)")


# ---------------------------------------------------------------------------------------- regions and ARNs
@functools.lru_cache(maxsize=1)
def _endpoints() -> tuple[list, dict]:
    """botocore's bundled endpoints.json, read as data: (partitions, region -> partition). Reading the file is 10 ms;
    importing botocore's loader and resolver to read it cost 0.12 s in every stand-in process (benchmarks/README.md
    §6), for what is a lookup in a table."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise LookupError("botocore is not installed in this virtualenv (requirements-dev.txt pins it)")
    data = json.loads((Path(spec.submodule_search_locations[0]) / "data" / "endpoints.json").read_text())
    regions = {region: p["partition"] for p in data["partitions"] for region in p.get("regions", {})}
    return data["partitions"], regions


def partition_of(region: str) -> Optional[str]:
    """The partition botocore resolves `region` to, or None: its list of regions, else the first partition whose
    `regionRegex` matches, as `botocore.regions.EndpointResolver.get_partition_for_region` does."""
    partitions, regions = _endpoints()
    if region in regions:
        return regions[region]
    for partition in partitions:
        if "regionRegex" in partition and re.match(partition["regionRegex"], region):
            return partition["partition"]
    return None


def known_region(region: str) -> bool:
    """Whether `region` is one of the regions botocore's endpoints list."""
    return region in _endpoints()[1]


def region_problem(region: Any, provider_region: Optional[str]) -> Optional[str]:
    """terraform-provider-aws's verifyRegionInConfiguredPartition (per-resource `region`), and a region AWS lists."""
    if not isinstance(region, str) or not region:
        return None
    if not known_region(region):
        return (f"{region!r} is not a region AWS lists (botocore's endpoints); a resource cannot be created in a "
                "region that does not exist")
    if provider_region:
        want = partition_of(provider_region) or "aws"
        got = partition_of(region)
        if got != want:
            return (f"partition ({got}) for per-resource Region ({region}) is not the provider's configured partition "
                    f"({want})")
    return None


# terraform-provider-aws internal/verify/validate.go (ValidARN): the partition, region and account patterns.
_ARN_PARTITION = re.compile(r"aws(-[a-z]+)*")
_ARN_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
_ARN_ACCOUNT = re.compile(r"aws|aws-managed|third-party|\d{12}|cw.{10}")


def _parse_arn(value: str) -> dict:
    """aws-sdk-go(-v2)'s `arn.Parse`, which terraform-provider-aws's ValidARN calls (aws/arn/arn.go, v1.43.0): the
    `arn:` prefix, then `strings.SplitN(arn, ":", 6)` must give 6 sections. (botocore's ArnParser, used here before,
    does not check the prefix, so it accepted `xrn:aws:...`; importing it also cost 0.05 s per stand-in process.)"""
    if not value.startswith("arn:"):
        raise ValueError("arn: invalid prefix")
    sections = value.split(":", 5)
    if len(sections) != 6:
        raise ValueError("arn: not enough sections")
    return dict(zip(("partition", "service", "region", "account", "resource"), sections[1:]))


def arn_problem(value: Any) -> Optional[str]:
    """Why terraform-provider-aws's ValidARN refuses `value`, or None."""
    if not isinstance(value, str) or value == "":
        return None
    try:
        parts = _parse_arn(value)
    except ValueError as e:
        return f"{value!r} is an invalid ARN ({e})"
    if not _ARN_PARTITION.fullmatch(parts["partition"]):
        return f"{value!r} is an invalid ARN: invalid partition value {parts['partition']!r}"
    if parts["region"] and not _ARN_REGION.fullmatch(parts["region"]):
        return f"{value!r} is an invalid ARN: invalid region value {parts['region']!r}"
    if parts["account"] and not _ARN_ACCOUNT.fullmatch(parts["account"]):
        return f"{value!r} is an invalid ARN: invalid account ID value {parts['account']!r}"
    if not parts["resource"]:
        return f"{value!r} is an invalid ARN: no resource"
    return None


# ----------------------------------------------------------------------------------------------------- tags
# Tagging AWS resources ("Tag naming limits and requirements"): at most 50 user tags per resource; keys 1-128
# Unicode characters, values 0-256; "allowed characters ... are letters, numbers, and spaces representable in UTF-8,
# and the following characters: _ . : / = + - @"; the `aws:` prefix is reserved for AWS and cannot be used in keys.
# (The CloudFormation schemas of IAM and SQS state the same character pattern; the stand-in applies it to every type,
# the stricter side, as the tagging guide states it generally.)
MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE = 50, 128, 256
_TAG_CHARACTERS = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"


def tags_problem(tags: Any) -> Optional[str]:
    if not isinstance(tags, dict) or _has_unknown(list(tags)):
        return None
    if len(tags) > MAX_TAGS:
        return f"at most {MAX_TAGS} tags per resource (there are {len(tags)})"
    for key, value in tags.items():
        if not 1 <= len(key) <= MAX_TAG_KEY:
            return f"tag key {key!r}: keys are 1-{MAX_TAG_KEY} characters"
        if key.lower().startswith("aws:"):
            return f"tag key {key!r}: the prefix 'aws:' is reserved for AWS"
        if isinstance(value, str) and value != _UNKNOWN and len(value) > MAX_TAG_VALUE:
            return f"tag {key!r}: values are at most {MAX_TAG_VALUE} characters (this one has {len(value)})"
        import regex  # noqa: PLC0415 (Unicode classes; `re` has none)

        for what, text in (("key", key), ("value", value)):
            if isinstance(text, str) and text != _UNKNOWN and not regex.fullmatch(_TAG_CHARACTERS, text):
                return (f"tag {what} {text!r}: letters, digits, spaces and _ . : / = + - @ only")
    return None


# --------------------------------------------------------------------------------------------------- helpers
_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown sentinel (rules.UNKNOWN)


def _has_unknown(value: Any) -> bool:
    """The engine's sentinel, or an unknown as Pulumi's in-process mocks pass it (`pulumi.output.Unknown`)."""
    if value == _UNKNOWN or type(value).__name__ == "Unknown":
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values()) or _UNKNOWN in value
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def _parse(value: Any) -> tuple[Any, Optional[str]]:
    """(the JSON document in a string, or the value as given; why it is not JSON, or None)."""
    if not isinstance(value, (str, dict, list)):
        return _UNKNOWN, None  # an unknown as the mocks pass it: nothing to check yet
    if isinstance(value, str):
        try:
            return json.loads(value), None
        except ValueError as e:
            return None, f"it is not valid JSON ({e})"
    return value, None
