"""The adversarial corpus: one hand-wired program per directory, each with a one-line reason and the verdict
AWS behaviour demands (the set of mandatory policies that must fire; empty for a correct program).

``PREVIEW`` overrides the verdict in preview where the answer is left to the update on purpose: a pattern built
from ``bucket.id``, or a role policy document built from the state machine's ARN output, is unknown until those
resources exist, and the engine runs the stack policies again after the update with every value known.
"""

OCE = "s3-trigger-object-created-events"
TLB = "s3-trigger-trail-logs-bucket"
SR = "s3-trigger-same-region"
LP = "s3-trigger-least-privilege-role"
FL = "s3-trigger-no-trail-feedback-loop"
EBE = "s3-trigger-eventbridge-enabled"

_SHORT = {OCE: "OCE", TLB: "TLB", SR: "SR", LP: "LP", FL: "FL", EBE: "EBE"}

#: program -> (expected mandatory policies, reason)
CASES: dict[str, tuple[frozenset, str]] = {
    'ct-good-basic-writeonly': (frozenset(), 'basic WriteOnly selector on the bucket, rule on the three upload names'),
    'ct-good-literal-names': (frozenset(), 'everything spelt as literal strings: bucket name, pattern JSON, selector ARN, state machine ARN'),
    'ct-good-two-rules': (frozenset(), 'two rules on one bucket and state machine that together catch every upload'),
    'ct-good-or-pattern': (frozenset(), '$or splits the event names between two alternatives'),
    'ct-good-key-prefix': (frozenset(), 'rule and trail both narrowed to keys under incoming/'),
    'ct-good-prefix-eventname-trail-filters': (frozenset(), "eventName prefix 'P' also matches PutObjectAcl, but the trail logs only the three uploads, so only uploads arrive"),
    'ct-good-multi-region-trail': (frozenset(), 'the trail lives in us-east-1 but is multi-region; bucket, rule and machine in us-west-2'),
    'ct-good-alias-target': (frozenset(), 'the target is a literal alias ARN of a published machine; StartExecution on the unqualified ARN authorizes its aliases'),
    'ct-good-version-target': (frozenset(), "the target is the published version's ARN; the policy allows the machine and its qualifiers (ARN:*)"),
    'ct-good-customer-managed-policy': (frozenset(), 'the permission comes from an in-stack aws.iam.Policy attached with RolePolicyAttachment'),
    'ct-good-inline-policy': (frozenset(), 'the permission is an inline policy on the Role itself'),
    'ct-good-literal-machine-arn': (frozenset(), 'the target and the policy name the in-stack machine by a literal ARN'),
    'ct-good-pattern-from-bucket-id': (frozenset(), "the pattern is built from bucket.id (unknown in preview: deferred to the update's stack check)"),
    'ct-good-selectors-from-bucket-arn': (frozenset(), "the trail's selector ARN is computed from uploads.arn (unknown in preview, read through its dependency)"),
    'ct-good-resources-arn-filter': (frozenset(), 'the rule picks the bucket by detail.resources.ARN prefix instead of requestParameters.bucketName'),
    'ct-good-no-eventname-trail-filters': (frozenset(), 'the rule filters only the bucket; the trail logs only the three uploads, so nothing else ever arrives'),
    'ct-good-trust-arnlike': (frozenset(), "the trust policy scopes aws:SourceArn with ArnLike and a wildcard over the account's corpus rules"),
    'ct-good-two-buckets': (frozenset(), 'one rule serves two managed buckets, one trail logs both'),
    'ct-good-wildcard-bucket': (frozenset(), 'the rule names the bucket with a wildcard filter, the trail with a shared prefix'),
    'eb-good-basic': (frozenset(), 'notifications on, rule on Object Created for the bucket, by bucket.bucket'),
    'eb-good-reasons-without-detail-type': (frozenset(), 'no detail-type, but detail.reason lists the four creating reasons: deletes and tag changes never match'),
    'eb-good-top-level-resources': (frozenset(), "the bucket is matched by the notification's top-level resources ARN"),
    'eb-good-key-wildcard': (frozenset(), 'only CSV files under in/ are wanted: one wildcard on the key'),
    'eb-good-size-numeric': (frozenset(), 'non-empty objects only: numeric filter on detail.object.size'),
    'eb-good-two-rules': (frozenset(), 'two notification rules split the creating reasons between them'),
    'eb-good-anything-but-key': (frozenset(), 'keys under tmp/ are deliberately excluded with anything-but prefix'),
    'eb-good-policy-attachment': (frozenset(), 'a customer-managed policy attached with aws.iam.PolicyAttachment (roles=[...])'),
    'eb-good-deny-other-machine': (frozenset(), 'the role allows this machine and explicitly denies another: the deny does not touch this one'),
    'eb-good-exists-key': (frozenset(), 'exists: true on detail.object.key (always carried by Object Created)'),
    'eb-good-or-buckets': (frozenset(), '$or over two managed buckets, each with notifications on'),
    'eb-good-unmanaged-bucket': (frozenset(), 'an existing bucket outside the stack (its owner turned notifications on)'),
    'eb-good-equals-ignore-case': (frozenset(), 'source and detail-type spelled with equals-ignore-case, which does match'),
    'eb-good-alias-resource': (frozenset(), 'the target is an alias resource (by its literal ARN); the policy names the alias ARN only'),
    'eb-good-bucket-v2': (frozenset(), "a BucketV2 with notifications, the pattern on the notification's bucket name via bucket.bucket"),
    'ct-bad-putobject-only': (frozenset({OCE}), "the tutorial's console rule: PutObject only, so multipart uploads (large files) are lost"),
    'ct-bad-no-trail': (frozenset({TLB}), 'a CloudTrail rule with no trail at all: no event ever exists'),
    'ct-bad-selector-drops-multipart': (frozenset({TLB}), "the trail's advanced selector lists PutObject and CopyObject but not CompleteMultipartUpload"),
    'ct-bad-logging-off': (frozenset({TLB}), 'the trail exists but enable_logging=False'),
    'ct-bad-trail-other-region': (frozenset({SR}), "a single-region trail in us-west-2 never sees the us-east-2 bucket's calls"),
    'ct-bad-rule-disabled': (frozenset({OCE}), 'the rule is created with state DISABLED'),
    'ct-bad-custom-bus': (frozenset({OCE}), 'the rule is on a custom event bus; CloudTrail events go only to the default bus'),
    'ct-bad-bucket-typo': (frozenset({OCE}), "the pattern's bucket name is a typo of the managed bucket (bucekt)"),
    'ct-bad-invalid-bucket-name': (frozenset({OCE}), "the pattern names 'Corpus_Invalid_Uploads', which no bucket can be called"),
    'ct-bad-detail-type-case': (frozenset({OCE}), "detail-type 'AWS API Call Via CloudTrail' (capital V) never matches"),
    'ct-bad-top-level-resources': (frozenset({OCE}), 'top-level resources filter on a CloudTrail rule: CloudTrail events carry an empty resources list'),
    'ct-bad-role-without-permission': (frozenset({LP}), 'the target role trusts EventBridge but no policy lets it start the machine'),
    'ct-bad-trust-other-rule': (frozenset({LP}), "the trust condition's aws:SourceArn names another rule"),
    'ct-bad-trust-wrong-account': (frozenset({LP}), "aws:SourceAccount is a different account from the rule's"),
    'ct-bad-trust-wrong-service': (frozenset({LP}), 'the target role trusts states.amazonaws.com, not events.amazonaws.com'),
    'ct-bad-policy-other-machine': (frozenset({LP}), 'the customer-managed policy allows another machine, not the target'),
    'ct-bad-uploadpart-rule': (frozenset({OCE}), 'the rule also matches UploadPart, which the WriteOnly trail logs: every part starts an execution'),
    'ct-bad-create-multipart-rule': (frozenset({OCE}), 'the rule starts on CreateMultipartUpload (before the object exists) instead of CompleteMultipartUpload'),
    'ct-bad-trail-chain-loop': (frozenset({FL}), "two trails log each other's log buckets: each log file makes the other trail write one, forever"),
    'ct-bad-self-loop-by-id': (frozenset({FL}), "the trail logs every bucket's writes, including its own log bucket (named by logs.id)"),
    'ct-bad-machine-other-region': (frozenset({SR}), 'the state machine is in us-west-2, the rule in us-east-2'),
    'ct-bad-selector-narrower-prefix': (frozenset({TLB}), 'the trail logs only incoming/ keys, the rule wants every key'),
    'ct-bad-eventsource-typo': (frozenset({OCE}), "detail.eventSource 's3.amazonaws.con' never matches"),
    'ct-bad-two-rules-gap': (frozenset({OCE}), 'two rules, PutObject and CopyObject: together they still miss CompleteMultipartUpload'),
    'ct-bad-alias-wrong-qualifier': (frozenset({LP}), "the target is alias 'live' but the policy allows only alias 'staging'"),
    'ct-bad-readonly-selector': (frozenset({TLB}), "the trail's basic selector is ReadOnly: no write is ever logged"),
    'ct-bad-rule-other-region': (frozenset({SR}), 'multi-region trail, but the rule (and its machine) live in us-west-2 while the bucket is in us-east-2'),
    'ct-bad-reads-start': (frozenset({OCE}), 'the rule names no event, the trail logs reads and writes: every GetObject starts an execution'),
    'ct-bad-pattern-by-id-putonly': (frozenset({OCE}), 'pattern from bucket.id with PutObject only: deferred in preview, caught on the update'),
    'ct-bad-deny-statement': (frozenset({LP}), 'the role allows StartExecution, then an explicit Deny on states:* removes it'),
    'eb-bad-no-notification': (frozenset({EBE}), 'an Object Created rule on a managed bucket with no BucketNotification'),
    'eb-bad-notification-off': (frozenset({EBE}), "the bucket's notification exists but eventbridge is False"),
    'eb-bad-reason-putobject-only': (frozenset({OCE}), 'detail.reason PutObject only: multipart uploads are lost'),
    'eb-bad-deletes-start': (frozenset({OCE}), 'detail-type also lists Object Deleted: deletes start executions'),
    'eb-bad-custom-bus': (frozenset({OCE}), 'the rule is on a custom bus; S3 notifications go only to the default bus'),
    'eb-bad-cloudtrail-field-on-notification': (frozenset({OCE}), 'an Object Created rule filtering detail.eventName, a field notifications never carry'),
    'eb-bad-bucket-near-miss': (frozenset({OCE}), 'the pattern names corpus-nearmiss-upload (singular), the bucket is corpus-nearmiss-uploads'),
    'eb-bad-rule-disabled': (frozenset({OCE}), 'the notification rule is DISABLED'),
    'eb-bad-trust-condition': (frozenset({LP}), "the trust policy's aws:SourceArn is the ARN of a rule in another region"),
    'eb-bad-policy-describe-only': (frozenset({LP}), 'the customer-managed policy allows states:DescribeExecution, not StartExecution'),
    'eb-bad-size-never': (frozenset({OCE}), 'detail.object.size < 0 never holds: no upload ever matches'),
    'eb-bad-detail-type-case': (frozenset({OCE}), "detail-type 'Object created' (lowercase c) never matches"),
    'eb-bad-machine-other-region': (frozenset({SR}), 'the state machine is in eu-west-1'),
    'eb-bad-tags-start': (frozenset({OCE}), 'no detail-type filter and no reason filter: tag changes and deletes start executions'),
    'eb-bad-no-role': (frozenset({LP}), 'the state machine target has no role_arn'),
    'eb-bad-uppercase-bucket': (frozenset({OCE}), "the pattern names 'Corpus-Upper-Uploads': no bucket can have uppercase letters"),
    'eb-bad-anything-but-everything': (frozenset({OCE}), 'anything-but lists every creating reason: only non-creating notifications could match'),
}

#: program -> expected mandatory policies in preview, where it differs
PREVIEW: dict[str, frozenset] = {
    'ct-bad-pattern-by-id-putonly': frozenset(),
    'ct-bad-deny-statement': frozenset(),
    'eb-bad-policy-describe-only': frozenset(),
}


#: The broken programs whose preview reports fewer faults than their update, each with a correct TWIN: the same
#: program with one edit inside the value preview cannot see (old text -> new text). tests/corpus/test_undecidable.py
#: proves that the twin hands every policy pack exactly what the broken program hands it in preview (the recorder
#: pack's records are equal), while the update stops the broken one and passes the twin. No pack can therefore stop
#: the broken program in preview without refusing the correct twin: the update decides these, before the resource is
#: created where one resource's inputs decide (resource policies run before each step).
UNDECIDABLE: dict[str, tuple[str, str]] = {
    'ct-bad-pattern-by-id-putonly': ('"detail": {"eventName": ["PutObject"],',
                                     '"detail": {"eventName": ["PutObject", "CompleteMultipartUpload", "CopyObject"],'),
    'ct-bad-deny-statement': ('{"Effect": "Deny", "Action": "states:*", "Resource": "*"}',
                              '{"Effect": "Deny", "Action": "states:DeleteStateMachine", "Resource": "*"}'),
    'eb-bad-policy-describe-only': ('"Action": "states:DescribeStateMachine"', '"Action": "states:StartExecution"'),
}
