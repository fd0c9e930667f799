"""The CloudTrail trail's advanced event selectors, as a pure function.

Advanced selectors log only the write data events that start the state machine, for this bucket (and key prefix),
so each created object costs one billed data event however many parts it was uploaded in. Basic selectors cannot
filter by event name: they log CreateMultipartUpload, every UploadPart and CompleteMultipartUpload.
No selector asks for management events, so the trail logs none (a second copy of them is billed).
"""

from __future__ import annotations


def advanced_event_selectors(bucket_arn: str, event_names: list[str] | tuple[str, ...],
                             key_prefix: str = "") -> list[dict]:
    """Selectors (pulumi-aws `advanced_event_selectors` shape) logging `event_names` on objects under the prefix.

    The ARN filter ends in "/" so that a bucket named like this one plus a suffix is not logged too.
    """
    return [{
        "name": "Object-created data events that start the state machine",
        "field_selectors": [
            {"field": "eventCategory", "equals": ["Data"]},
            {"field": "resources.type", "equals": ["AWS::S3::Object"]},
            {"field": "readOnly", "equals": ["false"]},
            {"field": "eventName", "equals": list(event_names)},
            {"field": "resources.ARN", "starts_withs": [f"{bucket_arn}/{key_prefix}"]},
        ],
    }]
