//go:build tools

// Package tools pins Pulumi's Python language host (pulumi-language-python), which scripts/setup-engine builds next
// to the CLI. The host is a module of its own with no version tags; see scripts/engine/README.md for why this
// pseudo-version, and why it is built against the pkg/sdk release that the commit belongs to.
package tools

import (
	_ "github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"
)
