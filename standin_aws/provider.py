"""The stand-in `aws` resource provider: the provider protocol on `pulumi.provider.experimental`, rules from
`rules.py`, resources made by a backend (`offline.py` or `localstack.py`).

The engine calls Configure once per provider, then per resource Check (defaults, auto-names, refusals), Diff
(changes and replacements), Create/Update/Delete, and Invoke for the data sources the programs read. Values cross
this module as plain Python values with the engine's `UNKNOWN` sentinel, so rules and backends never see the SDK's
`PropertyValue` wrappers.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.provider import (CheckFailure, CheckRequest, CheckResponse, ConfigureRequest,
                                                    ConfigureResponse, CreateRequest, CreateResponse, DeleteRequest,
                                                    DiffRequest, DiffResponse, InvokeRequest, InvokeResponse,
                                                    Provider, ReadRequest, ReadResponse, UpdateRequest,
                                                    UpdateResponse)

from . import rules
from .backend import Backend, StandInError
from .rules import UNKNOWN


# ---------------------------------------------------------------------------------------------- value conversion
def plain(value: Any) -> Any:
    """PropertyValue (or a map of them) -> plain Python, unknowns as `UNKNOWN`, secrets unwrapped."""
    if isinstance(value, PropertyValue):
        value = value.value
    if isinstance(value, Computed):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def wrap(value: Any) -> PropertyValue:
    """Plain Python -> PropertyValue (numbers as floats, as the wire has them)."""
    if isinstance(value, PropertyValue):
        return value
    if value == UNKNOWN:
        # The SDK cannot marshal `Computed` (3.272); on the wire an unknown is this sentinel string, which the
        # engine reads back as unknown.
        return PropertyValue(UNKNOWN)
    if isinstance(value, Mapping):
        return PropertyValue({k: wrap(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return PropertyValue([wrap(v) for v in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


def wrap_map(values: Mapping[str, Any]) -> dict[str, PropertyValue]:
    return {k: wrap(v) for k, v in values.items() if v is not None}


def _urn_name(urn: str) -> str:
    return urn.split("::")[-1]


def _urn_type(urn: str) -> str:
    return urn.split("::")[-2].split("$")[-1]


# ---------------------------------------------------------------------------------------------------- provider
class StandInAwsProvider(Provider):
    """A stand-in for pulumi-aws. See the package docstring: it is not AWS and not pulumi-aws."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.region: str | None = None

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        return CheckResponse(inputs=request.new_inputs)

    async def diff_config(self, request: DiffRequest) -> DiffResponse:
        return DiffResponse()

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        args = plain(request.args)
        region = args.get("region") or request.variables.get("aws:config:region") \
            or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region or region == UNKNOWN:
            raise StandInError("the stand-in aws provider needs a region: set `aws:region` in the stack's config "
                               "(pulumi config set aws:region us-east-2), as the real provider does")
        self.region = region
        self.backend.configure(region)
        return ConfigureResponse(accept_secrets=False, supports_preview=True, accept_resources=False,
                                 accept_outputs=False)

    def _region(self, props: Mapping[str, Any]) -> str:
        region = props.get("region")
        return region if isinstance(region, str) and region and region != UNKNOWN else (self.region or "us-east-1")

    async def check(self, request: CheckRequest) -> CheckResponse:
        type_, name = _urn_type(request.urn), _urn_name(request.urn)
        self.backend.require_type(type_, name)
        result = rules.check(type_, name, request.urn, plain(request.old_inputs), plain(request.new_inputs),
                             request.random_seed or b"", preview=False,
                             env=rules.Env(provider_region=self.region, caller=self.backend.identity))
        return CheckResponse(inputs=wrap_map(result.inputs),
                             failures=[CheckFailure(prop, reason) for prop, reason in result.failures])

    def diff_inputs(self, urn: str, old_inputs: dict, old_state: dict, news: dict,
                    ignore_changes: list[str]) -> tuple[list[str], list[str]]:
        """Diff on the old inputs, which the engine sends but the SDK's DiffRequest drops (see __main__)."""
        return rules.diff(_urn_type(urn), old_inputs, old_state, news, self.region, tuple(ignore_changes))

    async def create(self, request: CreateRequest) -> CreateResponse:
        type_, name = _urn_type(request.urn), _urn_name(request.urn)
        props = plain(request.properties)
        region = self._region(props)
        if request.preview:
            res_id, outs = rules.outputs(type_, name, props, region, UNKNOWN, preview=True)
            return CreateResponse(resource_id=res_id, properties=wrap_map(outs))
        res_id, outs = self.backend.create(type_, name, props, region)
        return CreateResponse(resource_id=res_id, properties=wrap_map(outs))

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        type_, name = _urn_type(request.urn), _urn_name(request.urn)
        olds, news = plain(request.olds), plain(request.news)
        region = self._region(news)
        if request.preview:
            _, outs = rules.outputs(type_, name, news, region, UNKNOWN, preview=True)
            keep = {k: v for k, v in olds.items() if k in rules.rule_for(type_).computed}
            return UpdateResponse(properties=wrap_map({**outs, **keep}))
        outs = self.backend.update(type_, name, request.resource_id, olds, news, region)
        return UpdateResponse(properties=wrap_map(outs))

    async def delete(self, request: DeleteRequest) -> None:
        type_, name = _urn_type(request.urn), _urn_name(request.urn)
        props = plain(request.properties)
        self.backend.delete(type_, name, request.resource_id, props, self._region(props))

    async def read(self, request: ReadRequest) -> ReadResponse:
        # `pulumi refresh` and `get`: the backend reports what it has (offline: the state as it is).
        props, inputs = plain(request.properties), plain(request.inputs)
        found = self.backend.read(_urn_type(request.urn), request.resource_id, props, self._region(props))
        if found is None:
            return ReadResponse(resource_id="", properties={}, inputs={})
        return ReadResponse(resource_id=request.resource_id, properties=wrap_map(found), inputs=wrap_map(inputs))

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        args = plain(request.args)
        result = self.backend.invoke(request.tok, args, args.get("region") or self.region or "us-east-1")
        return InvokeResponse(return_value=wrap_map(result))
