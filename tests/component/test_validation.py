"""Bad input fails at construction, before anything is registered, naming the argument, the value and the fix.

Substitute used: Pulumi mocks; each case asserts that not a single resource (not even the component) registered.
"""

import pytest

from s3_triggered_state_machine import ArgumentError, S3TriggeredStateMachine
from tests.component.conftest import ACCOUNT, STATE_MACHINE_ARN, Run, run_program

CASES = [
    # (args, argument named, phrase of what is valid)
    ({"state_machine_arn": None}, "state_machine_arn", "required"),
    ({"state_machine_arn": "Helloworld"}, "state_machine_arn", "not an ARN"),
    ({"state_machine_arn": f"arn:aws:lambda:us-east-2:{ACCOUNT}:function:f"}, "state_machine_arn",
     "service 'lambda', not 'states'"),
    ({"state_machine_arn": f"arn:aws:states:us-east-2:{ACCOUNT}:execution:Helloworld:x"}, "state_machine_arn",
     "not a 'stateMachine'"),
    ({"state_machine_arn": f"arn:aws-cn:states:us-east-2:{ACCOUNT}:stateMachine:H"}, "state_machine_arn",
     "provider's partition is 'aws'"),
    ({"state_machine_arn": f"arn:nope:states:us-east-2:{ACCOUNT}:stateMachine:H"}, "state_machine_arn",
     "not an AWS partition"),
    ({"state_machine_arn": f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:H"}, "state_machine_arn",
     "region 'eu-west-1', but the rule is in 'us-east-2'"),
    ({"region": "eu-west-1"}, "state_machine_arn", "region 'us-east-2', but the rule is in 'eu-west-1'"),
    ({"role_arn": f"arn:aws:iam::{ACCOUNT}:user/alice"}, "role_arn", "not a 'role'"),
    ({"role_arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/r/s"}, "role_arn", "not 'iam'"),
    ({"bucket_name": "Username_Bucket"}, "bucket_name", "lowercase"),
    ({"bucket_name": "192.168.1.1"}, "bucket_name", "IP address"),
    ({"bucket_name": "a"}, "bucket_name", "3 to 63"),
    ({"existing_bucket_name": "xn--b"}, "existing_bucket_name", "xn--"),
    ({"bucket_name": "mine", "existing_bucket_name": "theirs"}, "existing_bucket_name",
     "cannot be combined with `bucket_name`"),
    ({"delivery": "CloudTrail"}, "delivery", "'cloudtrail', 'eventbridge'"),
    ({"input_format": "json"}, "input_format", "'event', 'object'"),
    ({"event_names": []}, "event_names", "non-empty list"),
    ({"event_names": "PutObject"}, "event_names", "non-empty list"),
    ({"event_names": ["PutObject", "GetObject"]}, "event_names", "'GetObject' do(es) not create objects"),
    ({"event_names": ["UploadPart"]}, "event_names", "valid names are PutObject, CompleteMultipartUpload"),
    ({"key_prefix": "uploads/*"}, "key_prefix", "wildcards"),
    ({"key_prefix": "/uploads/"}, "key_prefix", "did you mean 'uploads/'"),
    ({"key_suffix": "*.png"}, "key_suffix", "wildcards"),
    ({"delivery": "eventbridge", "create_trail": True}, "create_trail", "delivery='cloudtrail' only"),
    ({"delivery": "eventbridge", "create_trail": False}, "create_trail", "leave it unset"),
    ({"create_trail": "yes"}, "create_trail", "true or false"),
    ({"max_retry_attempts": 186}, "max_retry_attempts", "0 to 185"),
    ({"max_retry_attempts": -1}, "max_retry_attempts", "0 to 185"),
    ({"max_retry_attempts": 2.5}, "max_retry_attempts", "whole number"),
    ({"max_event_age_seconds": 59}, "max_event_age_seconds", "60 to 86400"),
    ({"max_event_age_seconds": 86401}, "max_event_age_seconds", "60 to 86400"),
    ({"region": "Ohio"}, "region", "'us-east-2'"),
    ({"rule_name": "has space"}, "rule_name", "1-64"),
    ({"trail_name": "a"}, "trail_name", "3-128"),
    ({"trail_name": "a--b"}, "trail_name", "two of '.', '_', '-' in a row"),
    ({"tags": {"team": 1}}, "tags", "strings to strings"),
    ({"force_destroy": "true"}, "force_destroy", "true or false"),
    ({"kms_key_arn": "alias/uploads"}, "kms_key_arn", "not an ARN"),
    ({"kms_key_arn": f"arn:aws:kms:us-east-2:{ACCOUNT}:alias/uploads"}, "kms_key_arn", "not a 'key'"),
    ({"kms_key_arn": f"arn:aws:s3:::bucket"}, "kms_key_arn", "not 'kms'"),
    ({"kms_key_arn": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}, "kms_key_arn",
     "S3, CloudTrail and SQS use only keys in their own region"),
    ({"access_logging": "yes"}, "access_logging", "true or false"),
    ({"access_logging": True, "existing_bucket_name": "theirs"}, "access_logging",
     "only to a bucket the component creates"),
    ({"noncurrent_version_expiration_days": -1}, "noncurrent_version_expiration_days", "from 0 (no rule) to 36500"),
    ({"noncurrent_version_expiration_days": 1.5}, "noncurrent_version_expiration_days", "whole number"),
    ({"noncurrent_version_expiration_days": 30, "existing_bucket_name": "theirs"},
     "noncurrent_version_expiration_days", "only to a bucket the component creates"),
    ({"log_expiration_days": 40000}, "log_expiration_days", "to 36500"),
    ({"log_transition_days": 0}, "log_transition_days", "from 1 to 36500"),
    ({"log_transition_days": 400}, "log_transition_days", "less than `log_expiration_days` (365)"),
    ({"name": None, "access_logging": True}, "name", "S3 bucket name"),
]


@pytest.mark.parametrize("args,argument,phrase", CASES, ids=[c[1] + ":" + c[2][:30] for c in CASES])
def test_bad_input_registers_nothing(args, argument, phrase):
    args = dict(args)
    # `name: None` marks a case about the component name: one that only the access log bucket's auto-name breaks
    # (`<name>-access-logs-xxxxxxx` is 63 characters at most: 43 for the name).
    name = "a" * 44 if args.pop("name", "") is None else "uploads"
    full = {"state_machine_arn": STATE_MACHINE_ARN, **args}
    run = Run()
    with pytest.raises(ArgumentError) as raised:
        run_program(lambda: S3TriggeredStateMachine(name, full), run=run)
    assert run.resources == [], "a bad argument must not register anything"
    message = str(raised.value)
    assert f"`{argument}` = " in message and phrase in message, message
    assert f"S3TriggeredStateMachine {name!r}" in message


def test_a_good_run_is_recorded():
    """The record the cases above find empty does fill up when the arguments are good."""
    run = run_program(lambda: S3TriggeredStateMachine("uploads", {"state_machine_arn": STATE_MACHINE_ARN}))
    assert run.resources[0].name == "uploads" and len(run.resources) > 10


def test_unknown_argument_is_named():
    with pytest.raises(ArgumentError, match=r"unknown argument\(s\) bucketName; valid arguments are "):
        run_program(lambda: S3TriggeredStateMachine("uploads", {"state_machine_arn": STATE_MACHINE_ARN,
                                                                "bucketName": "x"}))


def test_args_must_be_a_mapping():
    with pytest.raises(ArgumentError, match="must be an S3TriggeredStateMachineArgs dict"):
        run_program(lambda: S3TriggeredStateMachine("uploads", ["state_machine_arn"]))
