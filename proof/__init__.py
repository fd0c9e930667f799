"""The proof tooling: what lets Pulumi's own engine run this project's programs with no AWS account.

- `stack`: throwaway stacks driven through the real Pulumi CLI (`scripts/pulumi`);
- `gate`: the offline policy gate, a thin wrapper over `pulumi preview --policy-pack` (`python -m proof gate`);
- `emulator`: the LocalStack launcher (`python -m proof.emulator`);
- `demo`: the main job, the tutorial end to end on LocalStack (`scripts/demo`).

The stand-in aws provider the engine runs against is `standin_aws/`. The command line is ``python -m proof``.
"""
