// TypeScript: no notification AND a permission that cannot start the workflow
// Two independent faults: the bucket sends no EventBridge notifications, and the role's policy (from
// workflow.arn) allows states:DescribeStateMachine instead of states:StartExecution. Both must be reported.
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
const landing = new aws.s3.Bucket("landing");
const rule = new aws.cloudwatch.EventRule("landing-object-created", {
    eventPattern: landing.bucket.apply(name => JSON.stringify({ source: ["aws.s3"], "detail-type": ["Object Created"], detail: { bucket: { name: [name] } } })),
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
        Statement: [{ Effect: "Allow", Action: "states:DescribeStateMachine", Resource: workflow.arn }],
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
