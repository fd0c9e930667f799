"""Sample S3 events, as each delivery path delivers them to EventBridge. Shared by unit and emulator tests.

`cloudtrail_event` is the tutorial's "Example of Execution Input", verbatim (tests/data/tutorial_event.json), with
the bucket, key and event name replaced as asked. `object_created_event` follows the documented shape of S3's
EventBridge "Object Created" notification.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

TUTORIAL_EVENT: dict = json.loads((Path(__file__).parent / "data" / "tutorial_event.json").read_text())
TUTORIAL_BUCKET = "username-sfn-tutorial"

#: CloudTrail event names that create objects, and some that do not.
CREATING = ("PutObject", "CompleteMultipartUpload", "CopyObject")
NOT_CREATING = ("GetObject", "DeleteObject", "UploadPart", "CreateMultipartUpload", "HeadObject")


def cloudtrail_event(bucket: str = TUTORIAL_BUCKET, key: str = "test.png", event_name: str = "PutObject",
                     region: str = "us-east-2") -> dict:
    event = copy.deepcopy(TUTORIAL_EVENT)
    event["region"] = region
    detail = event["detail"]
    detail["eventName"] = event_name
    detail["awsRegion"] = region
    detail["requestParameters"]["bucketName"] = bucket
    detail["requestParameters"]["key"] = key
    detail["readOnly"] = event_name.startswith(("Get", "Head", "List"))
    detail["resources"][0]["ARN"] = f"arn:aws:s3:::{bucket}/{key}"
    detail["resources"][1]["ARN"] = f"arn:aws:s3:::{bucket}"
    return event


def object_created_event(bucket: str = TUTORIAL_BUCKET, key: str = "test.png", reason: str = "PutObject",
                         size: int = 1024, region: str = "us-east-2") -> dict:
    return {
        "version": "0",
        "id": "17793124-05d4-b198-2fde-7ededc63b103",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": "2021-11-12T00:00:00Z",
        "region": region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": size, "etag": "b1946ac92492d2347c6235b4d2611184", "sequencer": "00617F08299329D189"},
            "request-id": "N4N7GDK58NMKJ12R",
            "requester": "123456789012",
            "source-ip-address": "1.2.3.4",
            "reason": reason,
        },
    }


def object_deleted_event(bucket: str = TUTORIAL_BUCKET, key: str = "test.png") -> dict:
    event = object_created_event(bucket, key)
    event["detail-type"] = "Object Deleted"
    event["detail"]["reason"] = "DeleteObject"
    del event["detail"]["object"]["size"]
    return event
