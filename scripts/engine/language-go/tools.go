//go:build tools

// Package tools pins Pulumi's Go language host (pulumi-language-go), which scripts/setup-engine builds next to the CLI
// for the Go consumer (examples/go). A module of its own with no version tags, served at the pseudo-version of an
// August 2025 commit and built against pkg/sdk v3.188.0, the release that commit belongs to (see scripts/setup-engine).
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3"
)
