"""The trigger's operations command: `s3-triggered-state-machine redrive|backfill|verify ...` (or
`python -m s3_triggered_state_machine.operations`).

- `redrive` starts, for each event in the dead-letter queue, the execution the rule's target would have started
  (same input), and deletes a message only once its execution has started.
- `backfill` starts one execution per object already in the bucket that the trigger would have started one for.
- `verify` uploads a canary object the trigger matches, waits for the execution it starts, prints the delivery path
  and latency, deletes the object, and on a time-out names the missing link (`diagnosis.py`, pure).

Pure parts (names, the synthesized event, settings) are in `documents.py`; the AWS calls in `redrive.py` and
`backfill.py`, `verify.py`; the command line in `cli.py`. AWS access needs boto3: `pip install "s3-triggered-state-machine[ops]"`.
"""
