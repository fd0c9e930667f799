"""Proof tooling that drives Pulumi's own engine: throwaway stacks through the real CLI (`stack`), the offline policy
gate over `pulumi preview --policy-pack` (`gate`), the LocalStack launcher (`localstack`) and the demo (`demo`).
The stand-in aws provider the engine runs against is `standin_aws/`. The command line is ``python -m harness``."""
