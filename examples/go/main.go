// The AWS tutorial's trigger from Go: every new object under incoming/ in a new bucket starts your state machine.
// `pulumi package add` (README.md) generates the SDK imported here from the component's schema.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	s3tsm "example.com/pulumi-s3-triggered-state-machine/sdk/go/s3triggeredstatemachine"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		delivery := "eventbridge" // or "cloudtrail" (the tutorial's design: a trail logging the bucket's data events)
		keyPrefix := "incoming/"
		trigger, err := s3tsm.NewS3TriggeredStateMachine(ctx, "uploads", &s3tsm.S3TriggeredStateMachineArgs{
			StateMachineArn: pulumi.String(cfg.Require("stateMachineArn")),
			Delivery:        &delivery,
			KeyPrefix:       &keyPrefix,
			Tags:            map[string]string{"example": "go"},
		})
		if err != nil {
			return err
		}
		ctx.Export("bucketName", trigger.BucketName)
		ctx.Export("ruleArn", trigger.RuleArn)
		ctx.Export("deadLetterQueueUrl", trigger.DeadLetterQueueUrl)
		return nil
	})
}
