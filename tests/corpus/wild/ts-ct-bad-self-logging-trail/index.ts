// TypeScript trail that writes its logs into the bucket it logs
// s3BucketName is uploads.id and the selector is computed from uploads.arn: every log file is a new
// PutObject the trail logs again, forever.
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
const uploads = new aws.s3.Bucket("uploads", { forceDestroy: true });
const uploadsPolicy = new aws.s3.BucketPolicy("uploads-policy", {
    bucket: uploads.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: uploads.arn },
            {
                Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:PutObject",
                Resource: pulumi.interpolate`${uploads.arn}/AWSLogs/${account}/*`,
                Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
            },
        ],
    }),
});
new aws.cloudtrail.Trail("uploads-trail", {
    s3BucketName: uploads.id,
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
}, { dependsOn: [uploadsPolicy] });
const rule = new aws.cloudwatch.EventRule("uploads-written", {
    eventPattern: pulumi.jsonStringify({
        source: ["aws.s3"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: {
            eventSource: ["s3.amazonaws.com"],
            eventName: ["PutObject", "CompleteMultipartUpload", "CopyObject"],
            requestParameters: { bucketName: [uploads.bucket] },
        },
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
