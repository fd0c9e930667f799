//go:build tools

// Package tools pins the Pulumi CLI that scripts/setup-engine builds when no `pulumi` is on PATH. Nothing here is
// Pulumi's code: this module only requires github.com/pulumi/pulumi/pkg/v3 at one version, from the Go module proxy.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
