"""Drive a Pulumi policy pack over the analyzer gRPC protocol, as the Pulumi engine does, without the engine.

How the Pulumi CLI runs a Python policy pack, and what this module reproduces:

1. It starts the pack as its own process, in the pack's directory: ``python -u -m pulumi.policy ENGINE_ADDRESS
   PACK_DIR`` (the ``pulumi-analyzer-policy-python`` shim), with ``PULUMI_PROJECT``, ``PULUMI_STACK``,
   ``PULUMI_DRY_RUN``, ``PULUMI_CONFIG`` (the stack config as JSON) and ``PULUMI_ORGANIZATION`` in the environment.
   The interpreter is the one of ``runtime.options.virtualenv`` in ``PulumiPolicy.yaml`` if that exists, else the
   current one. ``PolicyPack(...)`` starts a gRPC server on 127.0.0.1 and prints its port as the first line of
   stdout; it is read with a timeout. There is no engine here, so ENGINE_ADDRESS is a placeholder the pack never
   dials (``pulumi.policy`` configures the runtime without an engine; the pack's logs go to its stderr).
2. ``GetAnalyzerInfo``: the pack's name, its policies, their enforcement levels and config schemas.
3. ``Configure``: the engine's ``ReconcilePolicyPackConfig``: start from each policy's enforcement level (the policy's
   own, else the pack's) and its schema ``default`` values; apply the pack's ``initialConfig``; then the
   ``--policy-pack-config`` file (``"all"`` first, then each policy); validate each policy's properties against
   ``{"type": "object", "properties": ..., "required": ...}`` built from its schema (as the engine does with
   gojsonschema; here jsonschema); send every policy's resolved level and properties. Precedence: config > policy >
   pack. Invalid config raises ``PolicyConfigError`` naming the policy and the problem.
4. ``Analyze`` once per custom resource (providers excepted) with its checked inputs, options and provider
   (type, URN, name, properties including ``region``); diagnostics that come back with an empty URN get the
   resource's URN.
5. ``AnalyzeStack`` once with every resource (the stack, providers, components and custom resources): outputs,
   parent, dependencies, property dependencies, provider.

``PolicyPackProcess`` is a context manager: the pack process is always stopped, whatever happens. An exception inside
a policy comes back from the pack as a gRPC error; it is raised as ``PolicyPackCrashed`` naming the policy call and
the resource.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import grpc
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .runner import GraphResource, ProgramRun

__all__ = [
    "AnalysisResult",
    "AnalyzerError",
    "Diagnostic",
    "NotApplicable",
    "PackInfo",
    "PolicyConfigError",
    "PolicyInfo",
    "PolicyPackCrashed",
    "PolicyPackNotFound",
    "PolicyPackProcess",
    "PolicyPackStartError",
    "analyze_run",
    "check_policy_pack_dir",
    "load_policy_config_file",
    "parse_policy_config",
    "reconcile_policy_config",
]

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
_LEVEL_FROM_PROTO = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
_LEVEL_TO_PROTO = {v: k for k, v in _LEVEL_FROM_PROTO.items()}
_SEVERITY_FROM_PROTO = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
_MAX_MESSAGE = 1024 * 1024 * 400  # as pulumi-policy's server
ENGINE_ADDRESS_PLACEHOLDER = "127.0.0.1:0"


# --------------------------------------------------------------------------------------------------------------------
# Errors


class AnalyzerError(Exception):
    """Base class: the policy pack could not be run to a verdict."""


class PolicyPackNotFound(AnalyzerError):
    pass


class PolicyPackStartError(AnalyzerError):
    pass


class PolicyConfigError(AnalyzerError):
    pass


class PolicyPackCrashed(AnalyzerError):
    pass


# --------------------------------------------------------------------------------------------------------------------
# Results


@dataclass
class PolicyInfo:
    name: str
    description: str
    enforcement_level: str  # as the pack declares it (policy's own, else the pack's)
    config_schema: Optional[dict]  # {"properties": {...}, "required": [...]} or None
    policy_type: str  # "resource", "stack" or ""
    display_name: str = ""


@dataclass
class PackInfo:
    name: str
    version: str  # PulumiPolicy.yaml's version if it has one (as the CLI shows it), else the pack's
    display_name: str
    description: str
    policies: list[PolicyInfo]
    initial_config: dict[str, dict]  # policy -> {"enforcementLevel"?: str, **properties}
    path: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}@v{self.version}"


@dataclass
class Diagnostic:
    policy_pack: str
    policy_pack_version: str
    policy: str
    description: str
    message: str
    enforcement_level: str  # "advisory" | "mandatory" | "remediate" | "disabled"
    urn: str
    severity: str = ""
    phase: str = "resource"  # "resource" (Analyze) or "stack" (AnalyzeStack)

    @property
    def is_mandatory(self) -> bool:
        # A remediation that still reports a violation is reported as mandatory by the pack itself.
        return self.enforcement_level in ("mandatory", "remediate")

    def as_dict(self) -> dict:
        return {"policyPack": self.policy_pack, "policyPackVersion": self.policy_pack_version, "policy": self.policy,
                "description": self.description, "message": self.message,
                "enforcementLevel": self.enforcement_level, "urn": self.urn, "severity": self.severity,
                "phase": self.phase}


@dataclass
class NotApplicable:
    policy: str
    reason: str
    urn: str


@dataclass
class AnalysisResult:
    pack: PackInfo
    config: dict[str, dict]  # the reconciled config sent with Configure: policy -> {enforcementLevel, properties}
    diagnostics: list[Diagnostic] = field(default_factory=list)
    not_applicable: list[NotApplicable] = field(default_factory=list)
    analyze_calls: int = 0
    seconds_analyze: float = 0.0
    seconds_analyze_stack: float = 0.0
    seconds_start: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_mandatory]

    @property
    def advisory(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.enforcement_level == "advisory"]


# --------------------------------------------------------------------------------------------------------------------
# Policy config: the engine's ReconcilePolicyPackConfig


def load_policy_config_file(path) -> dict[str, dict]:
    """Read a ``--policy-pack-config`` JSON file as the engine does (see ``parse_policy_config``)."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise PolicyConfigError(f"cannot read policy pack config {path}: {exc.strerror or exc}") from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyConfigError(f"policy pack config {path} is not valid JSON: {exc}") from exc
    return parse_policy_config(data, str(path))


def parse_policy_config(data: Any, source: str = "policy pack config") -> dict[str, dict]:
    """Normalise policy pack config as the engine parses it.

    Each top-level key is a policy name (or ``all``); its value is an enforcement level string or an object with an
    optional ``enforcementLevel`` and the policy's properties. Returns policy -> {"enforcementLevel"?, **props}.
    """
    if not isinstance(data, dict):
        raise PolicyConfigError(f"{source}: expected a JSON object whose keys are policy names")
    result: dict[str, dict] = {}
    for key, value in data.items():
        if isinstance(value, str):
            if value not in ENFORCEMENT_LEVELS:
                raise PolicyConfigError(
                    f"{source}: parsing enforcement level for {key!r}: {value!r} is not a valid "
                    f"enforcement level (one of {', '.join(ENFORCEMENT_LEVELS)})")
            result[key] = {"enforcementLevel": value}
        elif isinstance(value, dict):
            level = value.get("enforcementLevel")
            if level is not None and level not in ENFORCEMENT_LEVELS:
                raise PolicyConfigError(
                    f"{source}: parsing enforcement level for {key!r}: {level!r} is not a valid "
                    f"enforcement level (one of {', '.join(ENFORCEMENT_LEVELS)})")
            if value:
                result[key] = dict(value)
        else:
            raise PolicyConfigError(
                f"{source}: parsing {key!r}: {value!r} is not a valid value; must be a string or object")
    return result


def _apply_config(result: dict[str, dict], to_apply: dict[str, dict]) -> None:
    all_level = (to_apply.get("all") or {}).get("enforcementLevel")
    if all_level in ENFORCEMENT_LEVELS:
        for entry in result.values():
            entry["enforcementLevel"] = all_level
    for policy, given in to_apply.items():
        entry = result.setdefault(policy, {"enforcementLevel": None, "properties": None})
        level = given.get("enforcementLevel")
        if level in ENFORCEMENT_LEVELS:
            entry["enforcementLevel"] = level
        props = {k: v for k, v in given.items() if k != "enforcementLevel"}
        if props:
            merged = dict(entry.get("properties") or {})
            merged.update(props)
            entry["properties"] = merged


def reconcile_policy_config(pack: PackInfo, config: Optional[dict[str, dict]] = None) -> tuple[dict[str, dict], list[str]]:
    """The config the engine sends with Configure, and warnings. Raises PolicyConfigError if it is invalid."""
    import jsonschema  # a dev requirement; imported here so that the runner does not need it

    result: dict[str, dict] = {}
    for policy in pack.policies:
        props = None
        for key, schema in ((policy.config_schema or {}).get("properties") or {}).items():
            if isinstance(schema, dict) and "default" in schema:
                props = props or {}
                props[key] = schema["default"]
        result[policy.name] = {"enforcementLevel": policy.enforcement_level, "properties": props}
    if pack.initial_config:
        _apply_config(result, pack.initial_config)
    warnings: list[str] = []
    if config:
        config = parse_policy_config(config)
        known = {p.name for p in pack.policies} | {"all"}
        for name in config:
            if name not in known:
                warnings.append(f"policy pack config names {name!r}, which is not a policy of {pack.label}; "
                                f"it has no effect (policies: {', '.join(sorted(known - {'all'}))})")
        _apply_config(result, config)

    errors: list[str] = []
    for policy in pack.policies:
        if policy.config_schema is None:
            continue
        schema: dict[str, Any] = {"type": "object"}
        if policy.config_schema.get("properties"):
            schema["properties"] = policy.config_schema["properties"]
        if policy.config_schema.get("required"):
            schema["required"] = policy.config_schema["required"]
        props = result.get(policy.name, {}).get("properties") or {}
        validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
        try:
            validator_cls.check_schema(schema)
        except jsonschema.SchemaError as exc:
            errors.append(f"{policy.name}: the pack's config schema is invalid: {exc.message}")
            continue
        for err in sorted(validator_cls(schema).iter_errors(props), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in err.absolute_path)
            errors.append(f"{policy.name}: {where + ': ' if where else ''}{err.message}")
    if errors:
        raise PolicyConfigError("invalid policy pack config for " + pack.label + ":\n  " + "\n  ".join(errors))
    return result, warnings


# --------------------------------------------------------------------------------------------------------------------
# The pack process


def _policy_yaml(pack_dir: Path) -> dict:
    for name in ("PulumiPolicy.yaml", "PulumiPolicy.yml"):
        path = pack_dir / name
        if path.is_file():
            try:
                data = yaml.safe_load(path.read_text()) or {}
            except yaml.YAMLError as exc:
                raise PolicyPackStartError(f"{path}: not valid YAML: {exc}") from exc
            return data if isinstance(data, dict) else {}
    raise PolicyPackNotFound(f"{pack_dir}: no PulumiPolicy.yaml (is this a policy pack directory?)")


def check_policy_pack_dir(pack_dir) -> Path:
    """Raise PolicyPackNotFound unless ``pack_dir`` is a directory with a PulumiPolicy.yaml."""
    path = Path(pack_dir)
    if not path.is_dir():
        raise PolicyPackNotFound(f"policy pack directory {pack_dir} does not exist")
    _policy_yaml(path)
    return path.resolve()


def _pack_python(pack_dir: Path, policy_yaml: dict) -> str:
    runtime = policy_yaml.get("runtime")
    options = runtime.get("options") if isinstance(runtime, dict) else None
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(venv, str) and venv:
        candidate = (pack_dir / venv / "bin" / "python")
        if candidate.exists():
            return str(candidate)
    return sys.executable


class _OutputCollector(threading.Thread):
    """Reads a pipe to the end, keeping the last lines, so that the pack can never block on a full pipe."""

    def __init__(self, stream, name: str, first_line: Optional[queue.Queue] = None) -> None:
        super().__init__(name=name, daemon=True)
        self.stream = stream
        self.lines: list[str] = []
        self.first_line = first_line

    def run(self) -> None:
        first = True
        for raw in iter(self.stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            if first and self.first_line is not None:
                self.first_line.put(line)
                first = False
                continue
            self.lines.append(line)
            if len(self.lines) > 2000:
                del self.lines[:1000]
        if first and self.first_line is not None:
            self.first_line.put(None)  # EOF before any line

    def text(self) -> str:
        return "".join(self.lines)


class PolicyPackProcess:
    """A running policy pack and a gRPC client to it. Use as a context manager; the process is always stopped."""

    def __init__(self, pack_dir, *, project: str = "project", stack: str = "dev", preview: bool = True,
                 stack_config: Optional[dict[str, str]] = None, start_timeout: float = 60.0,
                 call_timeout: float = 600.0) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        if not self.pack_dir.is_dir():
            raise PolicyPackNotFound(f"policy pack directory {pack_dir} does not exist")
        self.policy_yaml = _policy_yaml(self.pack_dir)
        runtime = self.policy_yaml.get("runtime")
        runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
        if runtime_name not in (None, "python"):
            raise PolicyPackStartError(f"{self.pack_dir}: runtime {runtime_name!r}; only Python packs can be run here")
        self.project = project
        self.stack = stack
        self.preview = preview
        self.stack_config = dict(stack_config or {})
        self.start_timeout = start_timeout
        self.call_timeout = call_timeout
        self.process: Optional[subprocess.Popen] = None
        self.channel: Optional[grpc.Channel] = None
        self.stub: Optional[analyzer_pb2_grpc.AnalyzerStub] = None
        self._stdout: Optional[_OutputCollector] = None
        self._stderr: Optional[_OutputCollector] = None
        self.port: Optional[int] = None
        self.seconds_start = 0.0

    # -- lifecycle -----------------------------------------------------------------------------------------------------

    def __enter__(self) -> "PolicyPackProcess":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def command(self) -> list[str]:
        return [_pack_python(self.pack_dir, self.policy_yaml), "-u", "-m", "pulumi.policy",
                ENGINE_ADDRESS_PLACEHOLDER, str(self.pack_dir)]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "PULUMI_PROJECT": self.project,
            "PULUMI_STACK": self.stack,
            "PULUMI_DRY_RUN": "true" if self.preview else "false",
            "PULUMI_CONFIG": json.dumps(self.stack_config),
            "PULUMI_ORGANIZATION": env.get("PULUMI_ORGANIZATION", "organization"),
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def start(self) -> None:
        started = time.perf_counter()
        try:
            self.process = subprocess.Popen(
                self.command(), cwd=str(self.pack_dir), env=self.environment(), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
            )
        except OSError as exc:
            raise PolicyPackStartError(f"cannot start the policy pack in {self.pack_dir}: {exc}") from exc
        first_line: queue.Queue = queue.Queue()
        self._stdout = _OutputCollector(self.process.stdout, "policy-pack-stdout", first_line)
        self._stderr = _OutputCollector(self.process.stderr, "policy-pack-stderr")
        self._stdout.start()
        self._stderr.start()
        try:
            line = first_line.get(timeout=self.start_timeout)
        except queue.Empty:
            raise PolicyPackStartError(
                f"the policy pack in {self.pack_dir} did not print its port within {self.start_timeout:.0f} s"
                + self._stderr_tail()) from None
        if line is None:
            code = self.process.wait(timeout=10)
            raise PolicyPackStartError(
                f"the policy pack in {self.pack_dir} exited with code {code} before it printed its port"
                + self._stderr_tail())
        try:
            self.port = int(line.strip())
        except ValueError:
            raise PolicyPackStartError(
                f"the policy pack in {self.pack_dir} printed {line.strip()!r} where its port was expected "
                f"(a policy pack must not print to stdout before PolicyPack(...) starts)" + self._stderr_tail()
            ) from None
        options = [("grpc.max_receive_message_length", _MAX_MESSAGE), ("grpc.max_send_message_length", _MAX_MESSAGE)]
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=options)
        try:
            grpc.channel_ready_future(self.channel).result(timeout=self.start_timeout)
        except grpc.FutureTimeoutError:
            raise PolicyPackStartError(f"the policy pack's gRPC server on port {self.port} did not become ready"
                                       + self._stderr_tail()) from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.seconds_start = time.perf_counter() - started

    def stop(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        proc = self.process
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    proc.kill()
                proc.wait(timeout=5)
        for collector in (self._stdout, self._stderr):
            if collector is not None:
                collector.join(timeout=2)
        if proc is not None:
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()

    @property
    def stderr_text(self) -> str:
        return self._stderr.text() if self._stderr is not None else ""

    @property
    def stdout_text(self) -> str:
        return self._stdout.text() if self._stdout is not None else ""

    def _stderr_tail(self, limit: int = 4000) -> str:
        text = self.stderr_text.strip()
        if not text:
            return ""
        if len(text) > limit:
            text = "..." + text[-limit:]
        return "\n--- policy pack stderr ---\n" + text

    # -- calls ---------------------------------------------------------------------------------------------------------

    def _call(self, what: str, method, request):
        assert self.stub is not None, "the policy pack is not running"
        try:
            return method(request, timeout=self.call_timeout)
        except grpc.RpcError as exc:
            details = exc.details() if hasattr(exc, "details") else str(exc)
            code = exc.code().name if hasattr(exc, "code") and exc.code() is not None else "?"
            alive = self.process is not None and self.process.poll() is None
            state = "" if alive else f" (the pack process exited with code {self.process.returncode})"
            if code == "DEADLINE_EXCEEDED":
                state += (f" (no answer within {self.call_timeout:.0f} s; raise the call timeout for very "
                          "large stacks)")
            raise PolicyPackCrashed(
                f"the policy pack failed during {what}: gRPC {code}: {details}{state}" + self._stderr_tail()
            ) from exc

    def get_analyzer_info(self) -> PackInfo:
        info = self._call("GetAnalyzerInfo", self.stub.GetAnalyzerInfo, empty_pb2.Empty())
        policies = []
        for p in info.policies:
            schema = None
            if p.HasField("configSchema"):
                schema = {"properties": json_format.MessageToDict(p.configSchema.properties),
                          "required": list(p.configSchema.required)}
            ptype = {analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
                     analyzer_pb2.POLICY_TYPE_STACK: "stack"}.get(p.policy_type, "")
            policies.append(PolicyInfo(name=p.name, description=p.description,
                                       enforcement_level=_LEVEL_FROM_PROTO.get(p.enforcementLevel, "advisory"),
                                       config_schema=schema, policy_type=ptype, display_name=p.displayName))
        initial: dict[str, dict] = {}
        for key, cfg in info.initialConfig.items():
            entry = json_format.MessageToDict(cfg.properties) if cfg.HasField("properties") else {}
            # An unset level arrives as ADVISORY (0); the pack only sets it when the initial config gives one.
            if cfg.enforcementLevel != analyzer_pb2.ADVISORY or not entry:
                entry["enforcementLevel"] = _LEVEL_FROM_PROTO.get(cfg.enforcementLevel, "advisory")
            initial[key] = entry
        version = str(self.policy_yaml.get("version") or info.version or "0.0.1")
        return PackInfo(name=info.name, version=version, display_name=info.displayName,
                        description=info.description or str(self.policy_yaml.get("description") or ""),
                        policies=policies, initial_config=initial, path=str(self.pack_dir))

    def configure(self, config: dict[str, dict]) -> None:
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for policy, entry in config.items():
            pc = analyzer_pb2.PolicyConfig()
            level = entry.get("enforcementLevel") or "advisory"
            pc.enforcementLevel = _LEVEL_TO_PROTO[level]
            if entry.get("properties"):
                pc.properties.update(entry["properties"])
            request.policyConfig[policy].CopyFrom(pc)
        self._call("Configure", self.stub.Configure, request)

    def analyze(self, res: GraphResource, provider: Optional[GraphResource]) -> analyzer_pb2.AnalyzeResponse:
        request = analyzer_pb2.AnalyzeRequest(type=res.type, urn=res.urn, name=res.name,
                                              properties=_struct(res.inputs), options=_options(res))
        if provider is not None:
            request.provider.CopyFrom(_provider(provider))
        return self._call(f"Analyze of {res.urn}", self.stub.Analyze, request)

    def analyze_stack(self, resources: Iterable[GraphResource], by_urn: dict[str, GraphResource]):
        request = analyzer_pb2.AnalyzeStackRequest()
        for res in resources:
            ar = analyzer_pb2.AnalyzerResource(type=res.type, urn=res.urn, name=res.name,
                                               properties=_struct(res.outputs), options=_options(res),
                                               parent=res.parent or "", dependencies=list(res.dependencies))
            provider = by_urn.get(res.provider) if res.provider else None
            if provider is not None:
                ar.provider.CopyFrom(_provider(provider))
            for key, urns in res.property_dependencies.items():
                ar.propertyDependencies[key].urns.extend(urns)
            request.resources.append(ar)
        return self._call("AnalyzeStack", self.stub.AnalyzeStack, request)


def _struct(values: dict) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values or {})
    return struct


def _options(res: GraphResource) -> analyzer_pb2.AnalyzerResourceOptions:
    opts = analyzer_pb2.AnalyzerResourceOptions(parent=res.parent or "")
    extra = getattr(res, "options", None) or {}
    if extra.get("protect"):
        opts.protect = True
    if extra.get("ignoreChanges"):
        opts.ignoreChanges.extend(extra["ignoreChanges"])
    if extra.get("additionalSecretOutputs"):
        opts.additionalSecretOutputs.extend(extra["additionalSecretOutputs"])
    if extra.get("deleteBeforeReplaceDefined"):
        opts.deleteBeforeReplaceDefined = True
        opts.deleteBeforeReplace = bool(extra.get("deleteBeforeReplace"))
    return opts


def _provider(provider: GraphResource) -> analyzer_pb2.AnalyzerProviderResource:
    return analyzer_pb2.AnalyzerProviderResource(type=provider.type, urn=provider.urn, name=provider.name,
                                                 properties=_struct(provider.inputs))


def _diagnostics(response, pack: PackInfo, phase: str, default_urn: str = "") -> list[Diagnostic]:
    out = []
    for d in response.diagnostics:
        out.append(Diagnostic(
            policy_pack=d.policyPackName or pack.name,
            policy_pack_version=pack.version,
            policy=d.policyName, description=d.description, message=d.message,
            enforcement_level=_LEVEL_FROM_PROTO.get(d.enforcementLevel, "advisory"),
            urn=d.urn or default_urn, severity=_SEVERITY_FROM_PROTO.get(d.severity, ""), phase=phase,
        ))
    return out


def analyze_run(run: ProgramRun, pack_dir, *, policy_config: Optional[dict[str, dict]] = None,
                start_timeout: float = 60.0, call_timeout: float = 600.0) -> AnalysisResult:
    """Start the pack, configure it, run Analyze per custom resource and AnalyzeStack once; stop the pack."""
    with PolicyPackProcess(pack_dir, project=run.project, stack=run.stack, preview=run.preview,
                           stack_config=run.config, start_timeout=start_timeout,
                           call_timeout=call_timeout) as pack_proc:
        pack = pack_proc.get_analyzer_info()
        config, warnings = reconcile_policy_config(pack, policy_config)
        pack_proc.configure(config)
        result = AnalysisResult(pack=pack, config=config, warnings=warnings, seconds_start=pack_proc.seconds_start)
        by_urn = run.by_urn()

        started = time.perf_counter()
        for res in run.resources:
            if not res.custom or res.is_provider:
                continue
            provider = by_urn.get(res.provider) if res.provider else None
            response = pack_proc.analyze(res, provider)
            result.analyze_calls += 1
            result.diagnostics.extend(_diagnostics(response, pack, "resource", res.urn))
            for na in response.not_applicable:
                result.not_applicable.append(NotApplicable(na.policy_name, na.reason, res.urn))
        result.seconds_analyze = time.perf_counter() - started

        started = time.perf_counter()
        response = pack_proc.analyze_stack(run.resources, by_urn)
        result.diagnostics.extend(_diagnostics(response, pack, "stack"))
        for na in response.not_applicable:
            result.not_applicable.append(NotApplicable(na.policy_name, na.reason, ""))
        result.seconds_analyze_stack = time.perf_counter() - started
        return result
