"""The offline backend: no network, no credentials, nothing created anywhere.

Creates answer with the outputs `rules.py` derives (ARNs, URLs, ids in AWS's formats, account 123456789012); the
engine keeps them in its state, so updates, replacements and deletes follow the state as they would on AWS. What
this cannot show is anything AWS does after a call succeeds: that is the LocalStack backend's job.
"""

from __future__ import annotations

from .backend import Backend
from . import rules

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
