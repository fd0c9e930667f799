"""Local stand-ins for the Pulumi engine: run a program under mocks (runner), answer it with faithful AWS outputs
(mock_outputs), drive a policy pack over the analyzer protocol (analyzer), and the offline policy gate (gate).
The command line is ``python -m harness`` (see harness.cli)."""
