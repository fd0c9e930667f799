"""A STAND-IN for the `aws` resource provider plugin (pulumi-resource-aws). It is not AWS and not pulumi-aws.

The real plugin cannot be built or downloaded on the machines this project is built on, so the real Pulumi engine
runs the real programs against this stand-in instead. It loads as the `aws` plugin at the version `pulumi_aws`
asks for, speaks the provider protocol (`pulumi.provider.experimental`), and has two backends:

- `offline` (the default): no network, no credentials. Check auto-names and refuses names and values as pulumi-aws
  and AWS do; Create returns outputs in AWS's formats; Diff marks the properties that force a new resource.
- `localstack`: Create, Update and Delete go through boto3 to a LocalStack endpoint (`AWS_ENDPOINT_URL`).

`S3TSM_BACKEND` picks the backend. `scripts/pulumi` puts `bin/pulumi-resource-aws` on the engine's PATH.
Where the stand-in and the real provider could disagree, the stand-in is the stricter one. What values mean
(definitions, event patterns, policies, regions, ARNs) is checked in Check by libraries nobody here wrote; see
`meaning.py` for which checks what, and `rules.py` for each type's whole behaviour.
"""

from .rules import RULES, UNKNOWN

__all__ = ["RULES", "UNKNOWN"]
