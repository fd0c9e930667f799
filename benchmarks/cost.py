"""What a trigger costs to run: CloudTrail events billed per month, per trail configuration.

For a monthly S3 workload, list the data events each operation produces (a multipart upload of N parts is
CreateMultipartUpload, N x UploadPart, CompleteMultipartUpload), ask the policy pack's selector evaluator
(policies/s3_trigger/selectors.py) which of them each trail logs, and bill them:

* data events: $0.10 per 100,000 delivered events;
* management events: the first copy in a region is free, every further trail's copy is $2.00 per 100,000.
  S3 object operations are data events, never management events, so the workload causes none. A trail that logs
  management events pays for whatever else happens in the region (--management-events, default 0), assuming that
  another trail already delivers the free first copy.

Our two modes are not retyped here: the tutorial stack (this repository's __main__.py) is deployed with the real
Pulumi engine to the stand-in aws provider's offline backend (proof/stack.py), and the trail it declares (CloudTrail mode) or the absence of one (EventBridge
mode) is what gets evaluated. The other configurations target the same bucket.

Not counted, because every configuration pays them alike or because they are not CloudTrail charges: S3 requests
and storage (including the trail's log files), Step Functions state transitions, EventBridge (AWS service events on
the default bus are not charged per EventBridge's pricing).

    .venv/bin/python benchmarks/cost.py                      # default workload, table + chart
    .venv/bin/python benchmarks/cost.py --parts 1000 --reads 0 --management-events 2000000 --no-chart
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from proof.stack import ThrowawayStack  # noqa: E402
from policies.s3_trigger.selectors import (  # noqa: E402
    multipart_billed_events, multipart_event_names, trail_logs_event, trail_logs_management_events)

DATA_EVENT_PRICE = 0.10 / 100_000
MANAGEMENT_COPY_PRICE = 2.00 / 100_000
KEY = "uploads/example.bin"
TRAIL_TYPE = "aws:cloudtrail/trail:Trail"
DEFAULT_CHART = Path(__file__).resolve().parent / "cost-per-upload.png"


@dataclass
class Config:
    name: str
    trail: Optional[dict]  # the trail's props (wire names); None: no trail at all
    source: str            # where the selectors come from


def stack_trail(delivery: str) -> tuple[str, Optional[dict]]:
    """Deploy the tutorial stack offline; return the upload bucket's name and the trail's inputs (None: no trail)."""
    with ThrowawayStack(REPO, config={"delivery": delivery}) as stack:
        stack.up()
        bucket = stack.outputs()["bucketName"]
        trails = [r for r in stack.resources() if r["type"] == TRAIL_TYPE]
    if len(trails) > 1:
        raise SystemExit(f"expected at most one trail in {delivery} mode, found {len(trails)}")
    return bucket, (trails[0]["inputs"] if trails else None)


def basic_trail(bucket: str, read_write_type: str, management: bool) -> dict:
    """A trail with one basic selector on every object of the bucket (what the console and CDK write)."""
    return {"enableLogging": True, "eventSelectors": [{
        "readWriteType": read_write_type, "includeManagementEvents": management,
        "dataResources": [{"type": "AWS::S3::Object", "values": [f"arn:aws:s3:::{bucket}/"]}]}]}


def configurations() -> tuple[list[Config], str]:
    bucket, ours = stack_trail("cloudtrail")
    if ours is None:
        raise SystemExit("the tutorial stack declared no trail in CloudTrail mode")
    _, eventbridge = stack_trail("eventbridge")
    if eventbridge is not None:
        raise SystemExit("the tutorial stack declared a trail in EventBridge mode")
    return [
        Config("tutorial console setup", basic_trail(bucket, "All", True),
               "basic, ReadWriteType All, management on"),
        Config("CDK Trail.addS3EventSelector", basic_trail(bucket, "All", True),
               "basic, defaults: ReadWriteType.ALL, includeManagementEvents true"),
        Config("basic write-only selector", basic_trail(bucket, "WriteOnly", False),
               "basic, WriteOnly, management off"),
        Config("ours, CloudTrail mode", ours, "advanced, from the tutorial stack deployed with the real engine (stand-in provider, offline)"),
        Config("ours, EventBridge mode", None, "no trail (S3 EventBridge notification)"),
    ], bucket


def operations(args) -> list[tuple[str, int, list[str]]]:
    """(operation, count per month, the S3 data events one such operation produces)."""
    return [
        ("small upload", args.small_uploads, ["PutObject"]),
        (f"multipart upload ({args.parts} parts)", args.multipart_uploads, multipart_event_names(args.parts)),
        ("server-side copy", args.copies, ["CopyObject"]),
        ("read", args.reads, ["GetObject"]),
        ("delete", args.deletes, ["DeleteObject"]),
    ]


def billed(trail: Optional[dict], bucket: str, events: list[str]) -> int:
    """Data events of one operation that the trail logs (each logged event is billed)."""
    if trail is None:
        return 0
    verdict = {name: trail_logs_event(trail, bucket, KEY, name) for name in set(events)}
    return sum(verdict[name] for name in events)


def upload_events(trail: Optional[dict], bucket: str, parts: int) -> int:
    """Billed events for one upload of `parts` parts: 1 part is a PutObject, more is a multipart upload."""
    if trail is None:
        return 0
    if parts == 1:
        return int(trail_logs_event(trail, bucket, KEY, "PutObject"))
    return multipart_billed_events(trail, bucket, KEY, parts)


def table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def chart(configs: list[Config], bucket: str, path: Path, max_parts: int) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    parts = sorted({round(10 ** (i / 40)) for i in range(0, 200)} | {1, 2, max_parts})
    parts = [p for p in parts if 1 <= p <= max_parts]
    fig, ax = plt.subplots(figsize=(8, 6), dpi=110)
    styles = {"basic write-only selector": dict(lw=2.4, color="tab:red"),
              "ours, CloudTrail mode": dict(lw=2.4, color="tab:blue"),
              "ours, EventBridge mode": dict(lw=2.4, color="tab:green")}
    curves: dict[tuple, list[str]] = {}  # configurations that bill uploads identically share one line
    for cfg in configs:
        curves.setdefault(tuple(upload_events(cfg.trail, bucket, p) for p in parts), []).append(cfg.name)
    for ys, names in curves.items():
        label = " = ".join(names) + f": {ys[0]:,} at 1 part, {ys[-1]:,} at {parts[-1]:,}"
        ax.step(parts, ys, where="post", label=label, **styles.get(names[-1], {}))
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlim(1, max_parts)
    ax.set_ylim(-0.2, max_parts * 2)
    ax.set_xlabel("parts per upload (1 = single PutObject; 2+ = multipart upload)")
    ax.set_ylabel("billed CloudTrail data events per upload\n(= \\$ per million uploads at \\$0.10 per 100,000)")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda y, _: f"{y:,.0f}"))
    ax.set_title("CloudTrail data events billed for one uploaded object")
    ax.grid(True, which="major", alpha=0.4)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=8.5, frameon=False)
    ax.annotate("basic selectors: CreateMultipartUpload + N x UploadPart\n+ CompleteMultipartUpload = N + 2",
                xy=(30, 32), xytext=(1.15, 150), fontsize=8, arrowprops=dict(arrowstyle="->", color="gray"))
    fig.text(0.99, 0.005, "evaluated with policies/s3_trigger/selectors.py; reads and deletes not shown",
             ha="right", fontsize=7, color="gray")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(
        prog="benchmarks/cost.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Monthly CloudTrail cost of each S3-trigger configuration for a stated workload.",
        epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--small-uploads", type=int, default=100_000, help="single PutObject uploads (default 100000)")
    p.add_argument("--multipart-uploads", type=int, default=1_000, help="multipart uploads (default 1000)")
    p.add_argument("--parts", type=int, default=100, help="parts per multipart upload (default 100)")
    p.add_argument("--copies", type=int, default=1_000, help="server-side CopyObject into the bucket (default 1000)")
    p.add_argument("--reads", type=int, default=500_000, help="GetObject calls (default 500000)")
    p.add_argument("--deletes", type=int, default=10_000, help="DeleteObject calls (default 10000)")
    p.add_argument("--management-events", type=int, default=0, metavar="N",
                   help="management events per month in the region from everything else in the account "
                        "(default 0: S3 object operations cause none); billed to trails that log them")
    p.add_argument("--chart", type=Path, default=DEFAULT_CHART, help=f"PNG to write (default {DEFAULT_CHART.name})")
    p.add_argument("--max-parts", type=int, default=1000, help="chart's x range (default 1000)")
    p.add_argument("--no-chart", action="store_true", help="print the tables only")
    args = p.parse_args(argv)
    if args.parts < 1 or args.max_parts < 2:
        p.error("--parts must be >= 1 and --max-parts >= 2")

    configs, bucket = configurations()
    ops = operations(args)
    created = args.small_uploads + args.multipart_uploads + args.copies

    print(f"Workload per month (bucket {bucket}): "
          + ", ".join(f"{n:,} x {op}" for op, n, _ in ops) + f"; {created:,} objects created.")
    print(f"Management events from elsewhere in the region: {args.management_events:,}/month "
          "(S3 object operations are data events, never management events).\n")

    per_op = [[c.name] + [str(billed(c.trail, bucket, ev)) for _, _, ev in ops] for c in configs]
    print("Billed data events per operation")
    print(table(["configuration"] + [op for op, _, _ in ops], per_op, set(range(1, len(ops) + 1))))
    print()

    results = []
    for c in configs:
        events = sum(n * billed(c.trail, bucket, ev) for _, n, ev in ops)
        mgmt = bool(c.trail is not None and trail_logs_management_events(c.trail))
        data_cost = events * DATA_EVENT_PRICE
        mgmt_cost = args.management_events * MANAGEMENT_COPY_PRICE if mgmt else 0.0
        results.append((c, events, mgmt, data_cost, mgmt_cost))
    ours = next(r for r in results if r[0].name == "ours, CloudTrail mode")
    ours_total = ours[3] + ours[4]
    rows = []
    for c, events, mgmt, data_cost, mgmt_cost in results:
        total = data_cost + mgmt_cost
        ratio = f"{total / ours_total:.2f}x" if ours_total else "n/a"
        rows.append([c.name, f"{events:,}", f"{events / created:.2f}" if created else "n/a",
                     "yes" if mgmt else "no", f"${data_cost:,.2f}", f"${mgmt_cost:,.2f}", f"${total:,.2f}", ratio])
    print("Monthly bill (CloudTrail charges only)")
    print(table(["configuration", "billed data events", "per created object", "logs mgmt events",
                 "data $/month", "mgmt $/month", "total $/month", "vs ours (CloudTrail)"], rows, set(range(1, 8))))
    print()
    for c in configs:
        print(f"  {c.name}: {c.source}")
    floor_ok = ours[1] == created and results[-1][1] == 0
    print(f"\nFloor (1 billed event per created object in CloudTrail mode, 0 in EventBridge mode): "
          f"{'met' if floor_ok else 'NOT met'} ({ours[1]:,} events for {created:,} objects; "
          f"EventBridge mode {results[-1][1]:,}).")
    if not args.management_events:
        print("Management events: set --management-events N to price them; each 'yes' row then adds "
              "N x $2.00/100,000 (e.g. $20.00 for 1,000,000).")

    if not args.no_chart:
        chart(configs, bucket, args.chart, args.max_parts)
        print(f"\nChart: {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
