// The AWS tutorial's trigger from TypeScript: every new object under incoming/ in a new bucket starts your state
// machine. `pulumi package add` (README.md) generates the SDK imported here from the component's schema.
import * as pulumi from "@pulumi/pulumi";
import * as s3tsm from "@pulumi/s3-triggered-state-machine";

const config = new pulumi.Config();

const trigger = new s3tsm.S3TriggeredStateMachine("uploads", {
    stateMachineArn: config.require("stateMachineArn"),
    delivery: "eventbridge",   // or "cloudtrail" (the tutorial's design: a trail logging the bucket's data events)
    keyPrefix: "incoming/",
    tags: { example: "typescript" },
});

export const bucketName = trigger.bucketName;
export const ruleArn = trigger.ruleArn;
export const deadLetterQueueUrl = trigger.deadLetterQueueUrl;
