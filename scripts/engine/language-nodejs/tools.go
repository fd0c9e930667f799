//go:build tools

// Package tools pins Pulumi's Node.js language host (pulumi-language-nodejs), which scripts/setup-engine builds next
// to the CLI for the TypeScript consumer (examples/typescript). Like the Python host it is a module of its own with
// no version tags: the proxy serves it at the pseudo-version of an August 2025 commit, built against pkg/sdk v3.188.0,
// the release that commit belongs to (see scripts/setup-engine).
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
)
