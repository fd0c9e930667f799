"""The offline backend: no network, no credentials, nothing created anywhere.

Creates answer with the outputs `rules.py` derives (ARNs, URLs, ids in AWS's formats, account 123456789012); the
engine keeps them in its state, so updates, replacements and deletes follow the state as they would on AWS. What
this cannot show is anything AWS does after a call succeeds: that is the LocalStack backend's job.
"""

from __future__ import annotations

import json
import os

from .backend import Backend, StandInError
from . import rules

#: Offline, no bucket exists anywhere, so `aws.s3.getBucket` cannot be answered from AWS. The answer is strict and
#: explicit: a bucket named in this variable (JSON, {"bucket": "region"}) is in that region, or does not exist (null:
#: NoSuchBucket); any other bucket is taken to be in the region it is asked about
#: (the stack's), which is what a stack that refers to its own region's bucket expects, and what the LocalStack
#: backend and AWS check for real.
BUCKET_REGIONS_ENV = "S3TSM_OFFLINE_BUCKET_REGIONS"

CALLER = {"Account": rules.ACCOUNT_ID, "Arn": f"arn:aws:iam::{rules.ACCOUNT_ID}:user/stand-in",
          "UserId": "AIDASTANDINEXAMPLE12"}


class OfflineBackend(Backend):
    name = "offline"

    def identity(self) -> dict:
        return dict(CALLER)

    def create(self, type_, name, props, region):
        return rules.outputs(type_, name, props, region, rules.ACCOUNT_ID, preview=False)

    def update(self, type_, name, res_id, olds, news, region):
        computed = rules.rule_for(type_).computed
        _, outs = rules.outputs(type_, name, {**news, **{k: v for k, v in olds.items() if k in computed}}, region,
                                rules.ACCOUNT_ID, preview=False)
        return outs

    def delete(self, type_, name, res_id, props, region):
        return None

    def bucket_region(self, bucket: str, region: str) -> str:
        try:
            declared = json.loads(os.environ.get(BUCKET_REGIONS_ENV) or "{}")
        except ValueError as error:
            raise StandInError(f"{BUCKET_REGIONS_ENV} is not JSON ({error}); expected {{\"bucket\": \"region\"}}")
        if not isinstance(declared, dict):
            raise StandInError(f"{BUCKET_REGIONS_ENV} must be a JSON object of bucket names to regions")
        if bucket in declared:
            if declared[bucket] is None:
                raise StandInError(f"NoSuchBucket: the bucket {bucket!r} does not exist ({BUCKET_REGIONS_ENV})")
            return declared[bucket]
        return region
