"""The wild corpus (tests/corpus/wild/): programs written the way users write them, in Python and TypeScript, with
every value they can compute from outputs computed from outputs (pulumi.interpolate, Output.all, Output.json_dumps,
pulumi.jsonStringify, .apply, ids and ARNs of other resources), CDK-like and Terraform-like shapes, both delivery
modes. Written from scratch for issue 17, not from the fixtures or tests/corpus's kit.

Each entry: the mandatory policies AWS behaviour demands after ``pulumi up`` (empty for a correct program), and a
one-line reason. ``PREVIEW`` gives the verdict of ``pulumi preview`` where it differs, with why:
- a pattern or a trust/permission document computed from an ARN output is unknown as a whole in preview; where the
  fault lies inside it, only the update can see it (the advisory s3-trigger-undecided-in-preview names it);
- a rule whose unknown pattern is computed from a bucket that no trail logs and that sends no notifications is
  stopped in preview under s3-trigger-trail-logs-bucket (no event of that bucket exists by either path; the
  update, with the pattern known, names the path the pattern asked for).
"""

OCE = "s3-trigger-object-created-events"
TLB = "s3-trigger-trail-logs-bucket"
SR = "s3-trigger-same-region"
LP = "s3-trigger-least-privilege-role"
FL = "s3-trigger-no-trail-feedback-loop"
EBE = "s3-trigger-eventbridge-enabled"

F = frozenset

#: program -> (expected mandatory policies after the update, reason)
CASES: dict[str, tuple[frozenset, str]] = {
    "py-ct-good-cdk-like": (F(), "CDK onCloudTrailWriteObject shape: resources.ARN = bucket.arn, selectors from bucket.arn"),
    "py-ct-good-literal-machine-arn": (F(), "target by a literal ARN of the in-stack machine, permission from machine.arn"),
    "py-ct-good-terraform-shapes": (F(), "basic selectors from bucket.arn, pattern by Output.format over bucket.id"),
    "py-eb-good-output-all": (F(), "Output.all(bucket.id, prefix).apply(json.dumps), notifications on"),
    "py-eb-good-component": (F(), "the user's own ComponentResource, the target waits for its permission child"),
    "py-eb-good-no-dependson": (F(), "correct, target does not wait for its permission (advisory only)"),
    "ts-eb-good-jsonstringify": (F(), "TypeScript, every document from pulumi.jsonStringify over outputs"),
    "ts-ct-good-cdk-like": (F(), "TypeScript CDK shape, selectors from pulumi.interpolate over bucket.arn"),
    "ts-eb-good-literal-arn": (F(), "TypeScript, target ARN interpolated from name/region/account of the in-stack machine"),
    "py-ct-bad-cdk-putobject-only": (F({OCE}), "PutObject only, pattern from bucket.arn: multipart uploads lost"),
    "py-ct-bad-terraform-no-trail": (F({TLB}), "Terraform-like CloudTrail rule on bucket.id, no trail at all"),
    "py-eb-bad-no-notification": (F({EBE}), "Object Created rule on bucket.id, no BucketNotification"),
    "py-ct-bad-trail-logs-into-uploads": (F({FL}), "the trail writes its logs into the bucket it logs (both from outputs)"),
    "py-ct-bad-two-independent-faults": (F({TLB, LP}), "selector drops CompleteMultipartUpload AND permission on another machine"),
    "py-eb-bad-two-notifications": (F({EBE}), "two BucketNotification resources on one bucket: last writer wins"),
    "py-eb-bad-misspelt-reason": (F({OCE}), "detail.reason 'Copy Object': copies never start the workflow"),
    "py-eb-bad-trust-other-rule": (F({LP}), "trust aws:SourceArn = another rule's ARN output"),
    "py-eb-bad-rule-other-region": (F({SR}), "rule in us-west-2 (explicit provider), bucket in us-east-2"),
    "py-ct-bad-readonly-selector-from-arn": (F({TLB}), "advanced selector from bucket.arn logs readOnly=true only"),
    "ts-eb-bad-no-notification": (F({EBE}), "TypeScript Object Created rule on bucket.id, no BucketNotification"),
    "ts-ct-bad-putobject-only": (F({OCE}), "TypeScript CloudTrail rule on PutObject only, pattern from bucket.bucket"),
    "ts-eb-bad-no-notification-and-describe-only": (F({EBE, LP}), "TypeScript: no notification AND DescribeStateMachine instead of StartExecution"),
    "ts-ct-bad-self-logging-trail": (F({FL}), "TypeScript trail logging the bucket it writes into"),
    "ts-eb-bad-two-notifications": (F({EBE}), "TypeScript: two BucketNotification resources on one bucket"),
}

#: program -> expected mandatory policies in preview, where they differ from the update's
PREVIEW: dict[str, frozenset] = {
    "py-ct-bad-cdk-putobject-only": F(),          # the event names sit inside a pattern computed from bucket.arn
    "py-eb-bad-trust-other-rule": F(),            # the wrong ARN sits inside a trust document computed from an output
    "py-eb-bad-no-notification": F({TLB}),        # unknown pattern, no event by either path
    "ts-eb-bad-no-notification": F({TLB}),        # unknown pattern, no event by either path
    "ts-eb-bad-no-notification-and-describe-only": F({EBE}),  # the action sits inside a document from workflow.arn
}


#: The programs whose preview reports fewer faults than their update, each with a TWIN: the same program with one edit
#: inside the value preview cannot see (old text -> new text), whose update verdict is the broken program's preview
#: verdict. tests/corpus/test_undecidable.py proves that the twin hands every policy pack exactly what the original
#: hands it in preview, so no pack can report more in preview without refusing the twin.
UNDECIDABLE: dict[str, tuple[str, str]] = {
    "py-ct-bad-cdk-putobject-only": ('"eventSource": ["s3.amazonaws.com"], "eventName": ["PutObject"]}',
                                     '"eventSource": ["s3.amazonaws.com"], '
                                     '"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"]}'),
    # The twin trusts every rule of the account and region, written from the other rule's ARN (the same dependency).
    "py-eb-bad-trust-other-rule": ('"Condition": {"StringEquals": {"aws:SourceAccount": account, '
                                   '"aws:SourceArn": archive_rule.arn}}',
                                   '"Condition": {"StringEquals": {"aws:SourceAccount": account}, "StringLike": '
                                   '{"aws:SourceArn": archive_rule.arn.apply(lambda a: a.rsplit("/", 1)[0] + "/*")}}'),
    "ts-eb-bad-no-notification-and-describe-only": ('Action: "states:DescribeStateMachine"',
                                                    'Action: "states:StartExecution"'),
}
