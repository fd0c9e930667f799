"""`python -m standin_aws ENGINE_ADDRESS`: serve the stand-in aws provider (the engine starts it; see __init__)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import asyncio

import grpc
from pulumi.provider.experimental.server import _GRPC_CHANNEL_OPTIONS, ProviderServicer
from pulumi.runtime.proto import provider_pb2_grpc

from .backend import StandInError
from .provider import StandInAwsProvider


class _Servicer(ProviderServicer):
    """The SDK's servicer, except that a refusal (`StandInError`) reaches the engine as its message alone, without
    the SDK's Python traceback: it is the provider's answer, not a crash."""


def _clean_refusals(method_name: str):
    inner = getattr(ProviderServicer, method_name)

    async def method(self, request, context):
        try:
            return await inner(self, request, context)
        except Exception as e:  # the SDK re-raises with a traceback; the refusal is its __context__
            cause = e if isinstance(e, StandInError) else e.__context__
            if isinstance(cause, StandInError):
                await context.abort(grpc.StatusCode.UNKNOWN, str(cause))
            raise

    setattr(_Servicer, method_name, method)


for _name in ("Configure", "Check", "Create", "Update", "Delete", "Read", "Invoke"):
    _clean_refusals(_name)


async def _diff(self, request, context):
    """Diff with the old inputs (the SDK's DiffRequest drops them, so it could only compare against outputs)."""
    from pulumi.provider.experimental.property_value import PropertyValue  # noqa: PLC0415
    from pulumi.runtime.proto import provider_pb2  # noqa: PLC0415

    from .provider import plain  # noqa: PLC0415

    def load(struct):
        return plain(PropertyValue.unmarshal_map(struct))

    try:
        changed, replaces = self._provider.diff_inputs(request.urn, load(request.old_inputs), load(request.olds),
                                                       load(request.news), list(request.ignoreChanges))
    except StandInError as e:
        await context.abort(grpc.StatusCode.UNKNOWN, str(e))
    kind = provider_pb2.PropertyDiff
    return provider_pb2.DiffResponse(
        changes=provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE,
        replaces=replaces, diffs=changed, hasDetailedDiff=True,
        detailedDiff={k: kind(kind=kind.UPDATE_REPLACE if k in replaces else kind.UPDATE, inputDiff=True)
                      for k in changed})


_Servicer.Diff = _diff


def serve(args: list[str], version: str, provider: StandInAwsProvider) -> None:
    """As `pulumi.provider.experimental.server.main`: listen on 127.0.0.1, print the port, serve until stopped."""
    engine = next((a for a in args if not a.startswith("-")), "")

    async def run() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(
            _Servicer(args, version, provider, engine_address=engine), server)
        port = server.add_insecure_port(address="127.0.0.1:0")
        await server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await server.wait_for_termination()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


def plugin_version() -> str:
    """The version `pulumi_aws` asks the engine for (its pulumi-plugin.json), so the engine accepts this plugin."""
    import importlib.util  # noqa: PLC0415  (found, not imported: importing pulumi_aws costs every engine run 60 ms)

    spec = importlib.util.find_spec("pulumi_aws")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("stand-in aws provider: pulumi_aws is not installed in this Python (run `bash scripts/setup`)")
    return json.loads((Path(spec.submodule_search_locations[0]) / "pulumi-plugin.json").read_text())["version"]


def engine_warning(name: str, message: str) -> None:
    """A warning in the engine's own output (the engine's Log service, at the address it started us with)."""
    import grpc  # noqa: PLC0415
    from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc  # noqa: PLC0415

    address = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
    if address is None:
        print(f"warning: {name}: {message}", file=sys.stderr)
        return
    with grpc.insecure_channel(address) as channel:
        engine_pb2_grpc.EngineStub(channel).Log(engine_pb2.LogRequest(
            severity=engine_pb2.WARNING, message=f"stand-in aws provider, {name}: {message}"))


def make_backend():
    kind = os.environ.get("S3TSM_BACKEND", "offline")
    if kind == "offline":
        from .offline import OfflineBackend  # noqa: PLC0415

        return OfflineBackend()
    if kind == "localstack":
        from .localstack import LocalStackBackend  # noqa: PLC0415

        endpoint = os.environ.get("AWS_ENDPOINT_URL")
        if not endpoint:
            sys.exit("stand-in aws provider: S3TSM_BACKEND=localstack needs AWS_ENDPOINT_URL (the LocalStack endpoint)")
        return LocalStackBackend(endpoint, warn=engine_warning)
    sys.exit(f"stand-in aws provider: S3TSM_BACKEND={kind!r} is not a backend; use 'offline' or 'localstack'")


if __name__ == "__main__":
    serve(sys.argv[1:], plugin_version(), StandInAwsProvider(make_backend()))
