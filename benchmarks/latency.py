"""Trigger latency on the emulator: from an upload returning to the Step Functions execution's start.

Starts LocalStack (proof/emulator.py), deploys the repository's tutorial stack in EventBridge mode with the real
Pulumi CLI (scripts/pulumi through proof.stack.ThrowawayStack, the stand-in aws provider's LocalStack backend: every
resource created in the emulator), then:

* N single-part uploads (put_object, default 50), one every --interval seconds;
* M multipart uploads (default 10: two parts, 5 MiB + 1 KiB), latency counted from complete_multipart_upload
  returning.

Each execution is found by its input (the "Object Created" event names the key), and its latency is
``startDate - (the client's clock when the upload call returned)``. LocalStack runs on this machine, so both clocks
are the same clock. Nothing is polled while uploads are in flight: executions are collected afterwards.

This is EMULATOR latency: LocalStack delivers S3 -> EventBridge -> Step Functions in-process. It says nothing about
AWS's own delivery times (see benchmarks/README.md for what AWS documents). CloudTrail mode cannot be measured here:
LocalStack does not emulate CloudTrail.

    .venv/bin/python benchmarks/latency.py                        # 50 put_object + 10 multipart uploads
    .venv/bin/python benchmarks/latency.py --uploads 200 --multipart 20 --endpoint http://127.0.0.1:4566
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

from proof.emulator import LocalStack  # noqa: E402
from proof.stack import ThrowawayStack  # noqa: E402
from standin_aws.localstack import wait_for  # noqa: E402

REGION = "us-east-2"
PART = 5 * 1024 * 1024  # S3's minimum size of every part but the last


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def started_executions(sfn, arn: str, seen: dict[str, float]) -> dict[str, float]:
    """key -> execution start (epoch seconds), for executions whose input is an "Object Created" event."""
    for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=arn):
        for e in page["executions"]:
            if e["executionArn"] in seen:
                continue
            event = json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"])
            key = event.get("detail", {}).get("object", {}).get("key")
            seen[e["executionArn"]] = (key, e["startDate"].timestamp())
    return {key: start for key, start in seen.values() if key}


def upload_all(s3, bucket: str, uploads: int, multipart: int, interval: float) -> dict[str, tuple[str, float]]:
    """key -> (kind, client time when the upload call returned)."""
    done: dict[str, tuple[str, float]] = {}
    run = uuid.uuid4().hex[:8]
    for i in range(uploads):
        key = f"latency/{run}/put-{i:04d}.png"
        s3.put_object(Bucket=bucket, Key=key, Body=b"\x89PNG\r\n" + bytes(64))
        done[key] = ("put_object", time.time())
        time.sleep(interval)
    for i in range(multipart):
        key = f"latency/{run}/multipart-{i:04d}.bin"
        upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        parts = []
        for n, size in enumerate((PART, 1024), start=1):
            etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n,
                                  Body=bytes([n]) * size)["ETag"]
            parts.append({"PartNumber": n, "ETag": etag})
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
        done[key] = ("multipart (2 parts)", time.time())
        time.sleep(interval)
    return done


def measure(endpoint: str, args) -> int:
    with ThrowawayStack(REPO, stack="latency", backend="localstack", endpoint=endpoint,
                        config={"delivery": "eventbridge", "forceDestroy": "true"}) as st:
        t0 = time.perf_counter()
        try:
            st.up()
            outputs = st.outputs()
            print(f"Deployed the tutorial stack (EventBridge mode) to {endpoint} with `pulumi up` in "
                  f"{time.perf_counter() - t0:.1f} s: bucket {outputs['bucketName']}, rule {outputs['ruleName']}")
            return _measure(endpoint, args, outputs)
        finally:
            st.destroy()


def _measure(endpoint: str, args, outputs: dict) -> int:
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")
    cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2})
    s3 = session.client("s3", region_name=REGION, endpoint_url=endpoint, config=cfg)
    sfn = session.client("stepfunctions", region_name=REGION, endpoint_url=endpoint, config=cfg)
    arn, bucket = outputs["stateMachineArn"], outputs["bucketName"]

    done = upload_all(s3, bucket, args.uploads, args.multipart, args.interval)
    seen: dict = {}
    wait_for(lambda: set(done) <= set(started_executions(sfn, arn, seen)), timeout=args.timeout, interval=0.5)
    starts = started_executions(sfn, arn, seen)

    rows, missing = [], []
    for kind in dict.fromkeys(k for k, _ in done.values()):
        lat = [1000 * (starts[key] - t) for key, (k, t) in done.items() if k == kind and key in starts]
        missing += [key for key, (k, _) in done.items() if k == kind and key not in starts]
        n = sum(1 for k, _ in done.values() if k == kind)
        if lat:
            rows.append([kind, f"{len(lat)}/{n}", f"{statistics.median(lat):.0f}", f"{percentile(lat, 95):.0f}",
                         f"{min(lat):.0f}", f"{max(lat):.0f}"])
        else:
            rows.append([kind, f"0/{n}", "-", "-", "-", "-"])
    first = min(done, key=lambda key: done[key][1])
    if first in starts:
        rows.append(["first put_object only (cold)", "1/1", f"{1000 * (starts[first] - done[first][1]):.0f}",
                     "", "", ""])
    header = ["upload (EMULATOR latency, ms)", "executions", "median", "p95", "min", "max"]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    for line in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(line, widths))))
    print("\nLatency = execution startDate - the client's clock when the upload call returned (same machine).")
    print("LocalStack, not AWS: AWS documents different delivery times for each path (benchmarks/README.md).")
    if missing:
        print(f"\n{len(missing)} upload(s) started no execution within {args.timeout:.0f} s: "
              + ", ".join(missing[:5]))
        return 1
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(
        prog="benchmarks/latency.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Emulator latency from an S3 upload to the Step Functions execution it starts (EventBridge mode).",
        epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--uploads", type=int, default=50, help="put_object uploads (default 50)")
    p.add_argument("--multipart", type=int, default=10, help="multipart uploads of 2 parts (default 10)")
    p.add_argument("--interval", type=float, default=0.2, help="pause after each upload, seconds (default 0.2)")
    p.add_argument("--timeout", type=float, default=30.0, help="how long to wait for the executions (default 30)")
    p.add_argument("--endpoint", help="use this running LocalStack instead of starting one")
    args = p.parse_args(argv)
    if args.endpoint:
        return measure(args.endpoint, args)
    t0 = time.perf_counter()
    with LocalStack() as ls:
        print(f"LocalStack 4.8.1 (no Docker) ready at {ls.endpoint} in {time.perf_counter() - t0:.1f} s")
        return measure(ls.endpoint, args)


if __name__ == "__main__":
    sys.exit(main())
