"""Run a Pulumi Python program in-process, the way the engine would, and return the resource graph.

There is no Pulumi CLI, engine or provider plugin here. ``run_program`` executes a program directory
(``Pulumi.yaml``, ``Pulumi.<stack>.yaml`` and the program's ``__main__.py``) under Pulumi's own mocks
(``pulumi.runtime.set_mocks``) and records every registration as the engine would see it: type, name, URN,
inputs, outputs, parent, dependencies, property dependencies and provider (with the provider's region).

What stands in for the engine and the providers:

* **Config** is layered as the CLI layers it: ``Pulumi.yaml`` (project keys: their ``default``; namespaced keys
  such as ``aws:region``: their ``value``), then ``Pulumi.<stack>.yaml``, then the per-run ``config`` argument.
  Short keys get the project's name as prefix. Values are strings, as the engine hands them to a program.
* **Providers.** A resource that names no provider uses the package's default provider. The engine creates that
  provider from the stack's ``<package>:*`` config; the runner synthesises the same resource
  (``pulumi:providers:aws`` named ``default_<version>``) carrying ``aws:region``. Explicit providers are
  recorded like any resource; their id is a fixed UUID derived from their URN.
* **Resources** are answered by a ``Backend`` (default: ``harness.mock_outputs.MockBackend``). The runner first
  asks the backend to ``check`` the inputs, if it has that method (the provider's Check: auto-names and schema
  defaults), then to ``create`` the resource. Backend calls are serialised: one at a time, under a lock, although
  registrations arrive on several threads. Only custom resources that are not providers reach the backend;
  component resources get their outputs from ``register_outputs``.
* **Preview vs update.** With ``preview=True`` the backend leaves ids and computed outputs unknown, as
  ``pulumi preview`` does: the SDK sees them as unknown and ``apply`` callbacks on them never run. Unknowns are
  recorded as the engine's sentinel string ``UNKNOWN``. With ``preview=False`` everything is known.

Each run executes the program's entry point fresh (``runpy``) on its own thread, event loop and context, with the
program's directory as working directory and first on ``sys.path``; modules imported from the program's directory
are dropped again afterwards, so one process can run several programs, or one program several times with different
config and modes. Runs are serialised by a process-wide lock (they change the working directory and
``sys.path``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import runpy
import sys
import threading
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Protocol

import yaml
from google.protobuf import json_format, struct_pb2

import pulumi
import pulumi.runtime
from pulumi.runtime import mocks as _pulumi_mocks
from pulumi.runtime import settings as _pulumi_settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.rpc_manager import RPCManager
from pulumi.runtime.stack import run_in_stack

__all__ = [
    "UNKNOWN",
    "Backend",
    "ConfigError",
    "GraphResource",
    "ProgramError",
    "ProgramRun",
    "ResourceRequest",
    "RunnerError",
    "is_global_type",
    "load_stack_config",
    "run_program",
]

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""The engine's sentinel for an unknown (computed) value, as it appears in serialised properties."""

_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_SIG_KEY = "4dabf18193072939515e22adb298388d"

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"

# AWS services whose resources are global: they take no `region` input in pulumi-aws 7.
_GLOBAL_AWS_MODULES = frozenset({"iam", "organizations", "cloudfront", "route53", "globalaccelerator", "shield"})


# --------------------------------------------------------------------------------------------------------------------
# The contract (CONTRACT.md): ResourceRequest, Backend, GraphResource, ProgramRun, run_program, ProgramError.


@dataclass
class ResourceRequest:
    """What a backend is asked to create."""

    type: str  # "aws:s3/bucket:Bucket"
    name: str  # logical name
    urn: str
    inputs: dict  # wire names (camelCase), plain JSON-able python; in update mode fully known
    region: Optional[str]  # inputs["region"], else the provider's region, else the stack's aws:region; None if global
    custom: bool
    parent: Optional[str]  # parent URN
    provider: Optional[str]  # provider URN (a default provider resource is synthesised carrying aws:region)


class Backend(Protocol):
    def create(self, req: ResourceRequest, preview: bool) -> tuple[str, dict]:
        """Return (id, outputs). outputs use wire names and must include the inputs the provider echoes back."""

    def invoke(self, token: str, args: dict, region: Optional[str]) -> dict:
        """Answer a data-source call such as aws:index/getCallerIdentity:getCallerIdentity."""

    # Optional: def check(self, req: ResourceRequest, preview: bool) -> dict
    #   The provider's Check: return the inputs with auto-names and schema defaults filled in. If present, the
    #   runner records its result as the resource's inputs and passes it to create().


@dataclass
class GraphResource:
    """What the engine would see, per resource."""

    urn: str
    type: str
    name: str
    custom: bool
    id: Optional[str]
    inputs: dict  # checked inputs; unknowns kept as the sentinel UNKNOWN
    outputs: dict  # same sentinel convention
    parent: Optional[str]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    provider: Optional[str]  # provider URN
    provider_region: Optional[str]  # the region of that provider (None for non-AWS providers / no provider)
    options: dict = field(default_factory=dict)  # protect, ignoreChanges, additionalSecretOutputs, ... (if set)

    @property
    def is_provider(self) -> bool:
        return self.type.startswith(PROVIDER_TYPE_PREFIX)

    @property
    def is_default_provider(self) -> bool:
        return self.is_provider and self.name.startswith("default")

    @property
    def region(self) -> Optional[str]:
        """The region the resource lives in: its `region` input, else its provider's region; None if global."""
        if self.is_provider or not self.custom or is_global_type(self.type):
            return self.inputs.get("region") if self.is_provider else None
        region = self.inputs.get("region")
        if isinstance(region, str) and region and region != UNKNOWN:
            return region
        return self.provider_region


@dataclass
class ProgramRun:
    project: str
    stack: str
    config: dict[str, str]  # full keys, e.g. "aws:region", "s3-triggered-state-machine:delivery"
    resources: list[GraphResource]  # in registration order
    outputs: dict  # stack outputs (plain python; unknown -> the sentinel UNKNOWN)
    preview: bool = True
    program_dir: str = ""

    def by_urn(self) -> dict[str, GraphResource]:
        return {r.urn: r for r in self.resources}

    def of_type(self, type_: str) -> list[GraphResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> GraphResource:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


class RunnerError(Exception):
    """Base class of the runner's errors."""


class ConfigError(RunnerError):
    """The program directory or its stack config cannot be read."""


class ProgramError(RunnerError):
    """The Pulumi program raised. ``traceback_text`` holds the original traceback."""

    def __init__(self, message: str, traceback_text: str = "") -> None:
        super().__init__(message)
        self.traceback_text = traceback_text

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base}\n{self.traceback_text}" if self.traceback_text else base


# --------------------------------------------------------------------------------------------------------------------
# Helpers


def is_global_type(type_: str) -> bool:
    """True for AWS resource types that take no region (IAM and other global services)."""
    parts = type_.split(":")
    if len(parts) != 3 or parts[0] != "aws":
        return False
    module = parts[1].split("/")[0]
    return module in _GLOBAL_AWS_MODULES


def _provider_urn(ref: str) -> Optional[str]:
    """A provider reference is "URN::ID"; return the URN part."""
    if not ref:
        return None
    urn, sep, _id = ref.rpartition("::")
    return urn if sep else ref


def _plain(value: Any) -> Any:
    """Turn a MessageToDict'ed Struct value into plain python: unwrap secrets, resource refs; whole floats -> int."""
    if isinstance(value, dict):
        sig = value.get(_SIG_KEY)
        if sig == _SECRET_SIG:
            return _plain(value.get("value"))
        if sig == _RESOURCE_SIG:
            ref_id = value.get("id")
            return _plain(ref_id) if ref_id not in (None, "") else value.get("urn")
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _struct_to_plain(struct: struct_pb2.Struct) -> dict:
    return _plain(json_format.MessageToDict(struct))


def _to_struct(values: dict) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    json_format.ParseDict(_jsonable(values), struct)
    return struct


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)


def _config_value_to_string(value: Any) -> str:
    """The engine hands config to a program as strings; objects and arrays as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if value is None:
        return ""
    return str(value)


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def load_stack_config(program_dir, stack: str = "dev", overrides: Optional[dict[str, str]] = None) -> tuple[str, dict, dict]:
    """Read the project and stack config of a program directory.

    Returns ``(project, config, project_yaml)`` where config maps full keys to strings: Pulumi.yaml's project
    ``default``s and namespaced ``value``s, then ``Pulumi.<stack>.yaml``, then ``overrides``.
    """
    program_dir = Path(program_dir)
    project_file = program_dir / "Pulumi.yaml"
    if not project_file.is_file():
        alt = program_dir / "Pulumi.yml"
        if not alt.is_file():
            raise ConfigError(f"{program_dir}: no Pulumi.yaml (is this a Pulumi program directory?)")
        project_file = alt
    project_yaml = _read_yaml(project_file)
    project = project_yaml.get("name")
    if not isinstance(project, str) or not project:
        raise ConfigError(f"{project_file}: missing project `name`")

    config: dict[str, str] = {}
    for key, spec in (project_yaml.get("config") or {}).items():
        key = str(key)
        if ":" in key:
            # Namespaced keys (aws:region) set a value for every stack.
            value = spec.get("value") if isinstance(spec, dict) else spec
            if value is not None:
                config[key] = _config_value_to_string(value)
        else:
            # Project keys declare a schema; `default` (or a plain scalar, the short form) is the default value.
            if isinstance(spec, dict):
                value = spec.get("default", spec.get("value"))
            else:
                value = spec
            if value is not None:
                config[_full_key(project, key)] = _config_value_to_string(value)

    stack_file = program_dir / f"Pulumi.{stack}.yaml"
    if stack_file.is_file():
        stack_yaml = _read_yaml(stack_file)
        for key, value in (stack_yaml.get("config") or {}).items():
            if isinstance(value, dict) and "secure" in value and len(value) == 1:
                raise ConfigError(
                    f"{stack_file}: {key} is an encrypted secret; the offline runner cannot decrypt it. "
                    f"Pass it with --config {key}=VALUE instead."
                )
            config[_full_key(project, str(key))] = _config_value_to_string(value)

    for key, value in (overrides or {}).items():
        config[_full_key(project, str(key))] = _config_value_to_string(value)
    return project, config, project_yaml


def _program_entry(program_dir: Path, project_yaml: dict) -> Path:
    main = project_yaml.get("main")
    target = program_dir / main if isinstance(main, str) and main else program_dir
    if target.is_dir():
        target = target / "__main__.py"
    if not target.is_file():
        raise ConfigError(f"{program_dir}: no program entry point ({target} does not exist)")
    return target


def _resource_options(request) -> dict:
    """The resource options the engine passes on to analyzers, where set."""
    options: dict[str, Any] = {}
    if request.protect:
        options["protect"] = True
    if request.ignoreChanges:
        options["ignoreChanges"] = list(request.ignoreChanges)
    if request.additionalSecretOutputs:
        options["additionalSecretOutputs"] = list(request.additionalSecretOutputs)
    if request.deleteBeforeReplaceDefined:
        options["deleteBeforeReplaceDefined"] = True
        options["deleteBeforeReplace"] = bool(request.deleteBeforeReplace)
    return options


def _deterministic_id(urn: str) -> str:
    return str(uuid.UUID(hashlib.sha256(urn.encode()).hexdigest()[:32]))


# --------------------------------------------------------------------------------------------------------------------
# The recorder: the mocks and the monitor that capture every registration.


class _Recorder:
    def __init__(self, project: str, stack: str, config: dict[str, str], preview: bool, backend: Backend,
                 on_resource: Optional[Callable[[GraphResource], None]]) -> None:
        self.project = project
        self.stack = stack
        self.config = config
        self.preview = preview
        self.backend = backend
        self.on_resource = on_resource
        self.lock = threading.RLock()
        self.backend_lock = threading.Lock()
        self.resources: dict[str, GraphResource] = {}
        self.order: list[str] = []
        self.stack_urn = f"urn:pulumi:{stack}::{project}::{STACK_TYPE}::{project}-{stack}"
        self.stack_outputs: dict = {}

    # --- graph bookkeeping -------------------------------------------------------------------------------------------

    def add(self, res: GraphResource) -> None:
        with self.lock:
            if res.urn in self.resources:
                raise RunnerError(f"duplicate resource URN {res.urn}: two resources share a type and name")
            self.resources[res.urn] = res
            self.order.append(res.urn)
        if self.on_resource is not None:
            self.on_resource(res)

    def stack_region(self, package: str = "aws") -> Optional[str]:
        return self.config.get(f"{package}:region")

    def provider_region(self, provider_urn: Optional[str]) -> Optional[str]:
        if not provider_urn:
            return None
        with self.lock:
            prov = self.resources.get(provider_urn)
        if prov is None:
            return None
        region = prov.inputs.get("region")
        return region if isinstance(region, str) and region and region != UNKNOWN else None

    def default_provider(self, package: str, version: str) -> str:
        """The URN of the package's default provider, creating its record on first use."""
        name = "default_" + version.replace(".", "_").replace("-", "_").replace("+", "_") if version else "default"
        urn = f"urn:pulumi:{self.stack}::{self.project}::{PROVIDER_TYPE_PREFIX}{package}::{name}"
        with self.lock:
            if urn in self.resources:
                return urn
            prefix = f"{package}:"
            inputs: dict[str, Any] = {}
            for key, value in self.config.items():
                if key.startswith(prefix):
                    sub = key[len(prefix):]
                    try:
                        inputs[sub] = json.loads(value) if value[:1] in "[{" else value
                    except ValueError:
                        inputs[sub] = value
            if version:
                inputs["version"] = version
            region = inputs.get("region") if isinstance(inputs.get("region"), str) else None
            res = GraphResource(
                urn=urn, type=f"{PROVIDER_TYPE_PREFIX}{package}", name=name, custom=True, id=_deterministic_id(urn),
                inputs=dict(inputs), outputs=dict(inputs), parent=None, dependencies=[], property_dependencies={},
                provider=None, provider_region=region,
            )
            self.add(res)
        return urn

    def resolve_provider(self, type_: str, ref: str, version: str) -> Optional[str]:
        urn = _provider_urn(ref)
        if urn:
            return urn
        package = type_.split(":")[0]
        if package == "pulumi":
            return None
        return self.default_provider(package, version)

    def region_for(self, type_: str, inputs: dict, provider_urn: Optional[str]) -> Optional[str]:
        if is_global_type(type_):
            return None
        region = inputs.get("region")
        if isinstance(region, str) and region and region != UNKNOWN:
            return region
        package = type_.split(":")[0]
        return self.provider_region(provider_urn) or self.stack_region(package)


class _Mocks(pulumi.runtime.Mocks):
    """Answers the SDK's calls: resources are handled by the monitor below, invokes by the backend."""

    def __init__(self, recorder: _Recorder) -> None:
        self.recorder = recorder

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):  # only reached for reads (Resource.get)
        return args.resource_id or "", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        rec = self.recorder
        provider_urn = _provider_urn(args.provider or "")
        region = args.args.get("region") if isinstance(args.args.get("region"), str) else None
        if not region:
            region = rec.provider_region(provider_urn) or rec.stack_region(args.token.split(":")[0])
        with rec.backend_lock:
            return rec.backend.invoke(args.token, _plain(dict(args.args)), region)


class _CapturingMonitor(_pulumi_mocks.MockMonitor):
    """A mock resource monitor that records the raw registration requests, as the engine receives them."""

    def __init__(self, mocks: _Mocks, recorder: _Recorder) -> None:
        super().__init__(mocks)
        self.recorder = recorder

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # As the engine does: the parent's type qualifies the child's, except for the root stack.
        if parent:
            qualified_type = parent.split("::")[2]
            if qualified_type != STACK_TYPE:
                type_ = qualified_type + "$" + type_
        return f"urn:pulumi:{self.recorder.stack}::{self.recorder.project}::{type_}::{name}"

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        rec = self.recorder
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == STACK_TYPE:
            rec.add(GraphResource(urn=urn, type=STACK_TYPE, name=request.name, custom=False, id=None, inputs={},
                                  outputs={}, parent=None, dependencies=[], property_dependencies={}, provider=None,
                                  provider_region=None))
            rec.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)

        inputs = _struct_to_plain(request.object)
        options = _resource_options(request)
        dependencies = list(request.dependencies)
        property_dependencies = {k: list(v.urns) for k, v in request.propertyDependencies.items()}
        parent = request.parent or None
        custom = bool(request.custom)
        is_provider = request.type.startswith(PROVIDER_TYPE_PREFIX)

        if is_provider:
            res_id = _deterministic_id(urn)
            # An explicit provider without a region would take it from the environment: left as None here, and
            # resources using it fall back to the stack's aws:region.
            region = inputs.get("region") if isinstance(inputs.get("region"), str) else None
            res = GraphResource(urn=urn, type=request.type, name=request.name, custom=True, id=res_id, inputs=inputs,
                                outputs=dict(inputs), parent=parent, dependencies=dependencies,
                                property_dependencies=property_dependencies, provider=None, provider_region=region,
                                options=options)
            rec.add(res)
            return resource_pb2.RegisterResourceResponse(urn=urn, id=res_id, object=_to_struct(inputs))

        if not custom:
            res = GraphResource(urn=urn, type=request.type, name=request.name, custom=False, id=None, inputs=inputs,
                                outputs={}, parent=parent, dependencies=dependencies,
                                property_dependencies=property_dependencies, provider=None, provider_region=None,
                                options=options)
            rec.add(res)
            return resource_pb2.RegisterResourceResponse(urn=urn, id="", object=struct_pb2.Struct())

        provider_urn = rec.resolve_provider(request.type, request.provider, request.version)
        provider_region = rec.provider_region(provider_urn)
        if provider_region is None and request.type.startswith("aws:"):
            provider_region = rec.stack_region("aws")
        req = ResourceRequest(type=request.type, name=request.name, urn=urn, inputs=inputs,
                              region=rec.region_for(request.type, inputs, provider_urn), custom=True, parent=parent,
                              provider=provider_urn)
        with rec.backend_lock:
            check = getattr(rec.backend, "check", None)
            if check is not None:
                req.inputs = check(req, rec.preview)
            res_id, outputs = rec.backend.create(req, rec.preview)
        outputs = _plain(dict(outputs or {}))
        known_id = res_id if res_id and res_id != UNKNOWN else None
        if known_id is None and not rec.preview:
            raise RunnerError(f"backend returned no id for {urn} in update mode")
        res = GraphResource(urn=urn, type=request.type, name=request.name, custom=True, id=known_id,
                            inputs=req.inputs, outputs=outputs, parent=parent, dependencies=dependencies,
                            property_dependencies=property_dependencies, provider=provider_urn,
                            provider_region=provider_region, options=options)
        rec.add(res)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=known_id or "", object=_to_struct(outputs))

    def ReadResource(self, request):  # noqa: N802
        rec = self.recorder
        urn = self.make_urn(request.parent, request.type, request.name)
        state = _struct_to_plain(request.properties)
        provider_urn = rec.resolve_provider(request.type, request.provider, request.version)
        res = GraphResource(urn=urn, type=request.type, name=request.name, custom=True, id=request.id or None,
                            inputs=state, outputs=state, parent=request.parent or None,
                            dependencies=list(request.dependencies), property_dependencies={}, provider=provider_urn,
                            provider_region=rec.provider_region(provider_urn))
        rec.add(res)
        return resource_pb2.ReadResourceResponse(urn=urn, properties=_to_struct(state))

    def RegisterResourceOutputs(self, request):  # noqa: N802
        rec = self.recorder
        outputs = _struct_to_plain(request.outputs)
        with rec.lock:
            res = rec.resources.get(request.urn)
            if res is not None:
                res.outputs = outputs
            if request.urn == rec.stack_urn:
                rec.stack_outputs = outputs
        return super().RegisterResourceOutputs(request)


# --------------------------------------------------------------------------------------------------------------------
# run_program

_RUN_LOCK = threading.Lock()


class _Placeholder:
    """Stands in as the root resource while set_mocks runs, so that it does not create a stack of its own."""


def run_program(program_dir, *, stack: str = "dev", config: Optional[dict[str, str]] = None, preview: bool = True,
                backend: Optional[Backend] = None,
                on_resource: Optional[Callable[[GraphResource], None]] = None) -> ProgramRun:
    """Run the Pulumi program in ``program_dir`` under mocks and return the resource graph.

    ``config`` keys may be short (``delivery``, for the project's namespace) or full (``aws:region``).
    ``preview=True`` is ``pulumi preview`` (computed outputs unknown); ``False`` is ``pulumi up``.
    ``backend`` answers resource creation and invokes (default ``MockBackend()``).
    ``on_resource`` is called once per resource as it is registered (component outputs arrive later).
    Raises ``ProgramError`` (with the original traceback) if the program raises, ``ConfigError`` if the program
    directory or its config cannot be read.
    """
    program_dir = Path(program_dir).resolve()
    if not program_dir.is_dir():
        raise ConfigError(f"{program_dir}: not a directory")
    project, full_config, project_yaml = load_stack_config(program_dir, stack, config)
    entry = _program_entry(program_dir, project_yaml)
    if backend is None:
        from .mock_outputs import MockBackend

        backend = MockBackend()
    recorder = _Recorder(project, stack, full_config, preview, backend, on_resource)

    with _RUN_LOCK:
        result: dict[str, Any] = {}
        worker = threading.Thread(target=_run_in_thread, args=(recorder, entry, program_dir, result),
                                  name=f"pulumi-program-{project}-{stack}", daemon=True)
        saved_cwd = os.getcwd()
        saved_path = list(sys.path)
        saved_modules = set(sys.modules)
        program_root = str(program_dir)
        try:
            os.chdir(program_root)
            sys.path.insert(0, program_root)
            worker.start()
            worker.join()
        finally:
            os.chdir(saved_cwd)
            sys.path[:] = saved_path
            _forget_program_modules(saved_modules, program_dir)

    if "error" in result:
        exc, tb_text = result["error"]
        if isinstance(exc, RunnerError) and not isinstance(exc, ProgramError):
            raise exc
        message = f"the Pulumi program {entry} raised {type(exc).__name__}: {exc}"
        raise ProgramError(message, tb_text) from exc

    with recorder.lock:
        resources = [recorder.resources[u] for u in recorder.order]
    return ProgramRun(project=project, stack=stack, config=dict(full_config), resources=resources,
                      outputs=dict(recorder.stack_outputs), preview=preview, program_dir=program_root)


def _forget_program_modules(before: set, program_dir: Path) -> None:
    """Drop the modules a run imported from the program's directory (not installed packages, even if a virtualenv
    lives inside that directory), so that the next run imports them afresh."""
    root = str(program_dir) + os.sep
    installed = tuple({str(Path(p).resolve()) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    for name in list(sys.modules):
        if name in before:
            continue
        module_file = getattr(sys.modules.get(name), "__file__", None) or ""
        if not module_file.startswith(root):
            continue
        if module_file.startswith(installed) or f"{os.sep}site-packages{os.sep}" in module_file:
            continue
        del sys.modules[name]


def _run_in_thread(recorder: _Recorder, entry: Path, program_dir: Path, result: dict) -> None:
    """Body of the worker thread: a fresh context (new thread), event loop and Pulumi settings for one run."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        mocks = _Mocks(recorder)
        monitor = _CapturingMonitor(mocks, recorder)
        pulumi.runtime.set_all_config(dict(recorder.config), [])
        # set_mocks creates a root Stack resource unless one exists; the program must get its own Stack, created
        # by run_in_stack as the language host does, so that stack outputs are registered after the program.
        _pulumi_settings.ROOT.set(_Placeholder())  # type: ignore[arg-type]
        pulumi.runtime.set_mocks(mocks, project=recorder.project, stack=recorder.stack, preview=recorder.preview,
                                 monitor=monitor)
        _pulumi_settings.ROOT.set(None)
        settings = _pulumi_settings.SETTINGS
        settings.rpc_manager = RPCManager()
        settings.outputs = set()
        settings.lock = threading.Lock()
        settings.root_directory = str(program_dir)
        settings.package_refs = {}
        settings.base_providers_by_ref = {}

        def program() -> None:
            runpy.run_path(str(entry), run_name="__main__")

        loop.run_until_complete(run_in_stack(program))
    except BaseException as exc:  # noqa: BLE001 reported to the caller
        result["error"] = (exc, traceback.format_exc())
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        except Exception:  # noqa: BLE001 best effort
            pass
        asyncio.set_event_loop(None)
        loop.close()
