module s3-trigger-go

go 1.26

require github.com/pulumi/pulumi/sdk/v3 v3.274.1
