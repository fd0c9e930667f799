"""What a backend of the stand-in provider does, and the data sources both backends answer alike."""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from . import rules


class StandInError(RuntimeError):
    """A request the stand-in refuses, as the real provider or AWS would, or cannot serve faithfully."""


class Backend:
    """Creates, updates, reads and deletes resources. Inputs arrive checked (defaults and names filled in)."""

    name = "base"

    def configure(self, region: str) -> None:
        self.region = region

    def require_type(self, type_: str, name: str) -> None:
        """Refuse a resource type this backend cannot serve faithfully (before anything is created)."""

    def identity(self) -> dict:
        raise NotImplementedError

    def create(self, type_: str, name: str, props: dict, region: str) -> tuple[str, dict]:
        raise NotImplementedError

    def update(self, type_: str, name: str, res_id: str, olds: dict, news: dict, region: str) -> dict:
        raise NotImplementedError

    def delete(self, type_: str, name: str, res_id: str, props: dict, region: str) -> None:
        raise NotImplementedError

    def read(self, type_: str, res_id: str, props: dict, region: str) -> Optional[dict]:
        return props

    def bucket_region(self, bucket: str, region: str) -> str:
        """The region an existing bucket is in (aws.s3.getBucket's `bucketRegion`); StandInError if there is none."""
        raise NotImplementedError

    # ------------------------------------------------------------------------------------------------- invokes
    def invoke(self, token: str, args: Mapping[str, Any], region: str) -> dict:
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            ident = self.identity()
            return {"accountId": ident["Account"], "arn": ident["Arn"], "userId": ident["UserId"],
                    "id": ident["Account"]}
        if token == "aws:index/getPartition:getPartition":
            partition, suffix = rules.partition_of(region), rules.dns_suffix_of(region)
            return {"partition": partition, "dnsSuffix": suffix, "id": partition,
                    "reverseDnsPrefix": ".".join(reversed(suffix.split(".")))}
        if token == "aws:index/getRegion:getRegion":
            region = args.get("region") or args.get("name") or region
            return {"region": region, "name": region, "id": region, "description": region,
                    "endpoint": f"ec2.{region}.{rules.dns_suffix_of(region)}"}
        if token == "aws:s3/getBucket:getBucket":
            bucket = args.get("bucket")
            if not isinstance(bucket, str) or not bucket:
                raise StandInError("aws.s3.getBucket: `bucket` is required")
            where = self.bucket_region(bucket, region)
            partition, suffix = rules.partition_of(where), rules.dns_suffix_of(where)
            return {"id": bucket, "bucket": bucket, "arn": f"arn:{partition}:s3:::{bucket}", "region": region,
                    "bucketRegion": where, "bucketDomainName": f"{bucket}.s3.{suffix}",
                    "bucketRegionalDomainName": f"{bucket}.s3.{where}.{suffix}",
                    "hostedZoneId": rules.S3_HOSTED_ZONES.get(where, "")}
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            document = policy_document(args)
            text = json.dumps(document, indent=2)
            return {"json": text, "minifiedJson": json.dumps(document, separators=(",", ":")),
                    "id": str(abs(hash(text)))}
        raise StandInError(f"the stand-in aws provider does not answer the data source {token}; it answers "
                           "getCallerIdentity, getPartition, getRegion, s3.getBucket and iam.getPolicyDocument")


def _one_or_many(values: list) -> Any:
    return values[0] if len(values) == 1 else sorted(values)


def policy_document(args: Mapping[str, Any]) -> dict:
    """aws.iam.getPolicyDocument: the JSON document terraform-provider-aws renders from statements. (A single value
    is rendered as a string, several as a list; principals of one type are merged.)"""
    statements = []
    for s in args.get("statements") or []:
        out: dict = {}
        if s.get("sid"):
            out["Sid"] = s["sid"]
        out["Effect"] = s.get("effect") or "Allow"
        for key, wire in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"),
                          ("notResources", "NotResource")):
            if s.get(key):
                out[wire] = _one_or_many(list(s[key]))
        for key, wire in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if s.get(key):
                merged: dict[str, list] = {}
                for p in s[key]:
                    merged.setdefault(p["type"], []).extend(p.get("identifiers") or [])
                if set(merged) == {"*"}:
                    out[wire] = "*"
                else:
                    out[wire] = {t: _one_or_many(ids) for t, ids in merged.items()}
        if s.get("conditions"):
            cond: dict = {}
            for c in s["conditions"]:
                cond.setdefault(c["test"], {})[c["variable"]] = _one_or_many(list(c.get("values") or []))
            out["Condition"] = cond
        statements.append(out)
    document = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
    if args.get("policyId"):
        document["Id"] = args["policyId"]
    return document
