// TypeScript CDK-like CloudTrail trigger, values from outputs
// detail.resources.ARN from bucket.arn (CDK's onCloudTrailWriteObject), selectors from pulumi.interpolate over
// bucket.arn, trust on rule.arn, permission on workflow.arn. Correct on AWS.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const account = aws.getCallerIdentityOutput().accountId;
const region = aws.getRegionOutput().region;

const workflowRole = new aws.iam.Role("workflow-role", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
const workflow = new aws.sfn.StateMachine("workflow", {
    roleArn: workflowRole.arn,
    definition: JSON.stringify({ StartAt: "Process", States: { Process: { Type: "Pass", End: true } } }),
});
const trailLogs = new aws.s3.Bucket("trail-logs", { forceDestroy: true });
const trailLogsPolicy = new aws.s3.BucketPolicy("trail-logs-policy", {
    bucket: trailLogs.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: trailLogs.arn },
            {
                Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:PutObject",
                Resource: pulumi.interpolate`${trailLogs.arn}/AWSLogs/${account}/*`,
                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
        ],
    }),
});
const uploads = new aws.s3.Bucket("uploads");
new aws.cloudtrail.Trail("uploads-trail", {
    s3BucketName: trailLogs.id,
    includeGlobalServiceEvents: false,
    advancedEventSelectors: [{
        name: "uploads",
        fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWiths: [pulumi.interpolate`${uploads.arn}/`] },
            { field: "eventName", equals: ["PutObject", "CompleteMultipartUpload", "CopyObject"] },
            { field: "readOnly", equals: ["false"] },
        ],
    }],
}, { dependsOn: [trailLogsPolicy] });
const rule = new aws.cloudwatch.EventRule("on-write-object", {
    eventPattern: pulumi.jsonStringify({
        source: ["aws.s3"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: { resources: { ARN: [uploads.arn] }, eventSource: ["s3.amazonaws.com"], eventName: ["PutObject", "CompleteMultipartUpload", "CopyObject"] },
    }),
});
const eventsRole = new aws.iam.Role("events-role", {
    assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": account, "aws:SourceArn": rule.arn } },
        }],
    }),
});
const start = new aws.iam.RolePolicy("events-role-start", {
    role: eventsRole.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "states:StartExecution", Resource: workflow.arn }],
    }),
});
const dlq = new aws.sqs.Queue("trigger-dlq", { messageRetentionSeconds: 1209600 });
const dlqPolicy = new aws.sqs.QueuePolicy("trigger-dlq-policy", {
    queueUrl: dlq.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage",
            Resource: dlq.arn, Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
        }],
    }),
});

new aws.cloudwatch.EventTarget("start-workflow", {
    rule: rule.name,
    arn: workflow.arn,
    roleArn: eventsRole.arn,
    deadLetterConfig: { arn: dlq.arn },
    retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
}, { dependsOn: [start, dlqPolicy] });
