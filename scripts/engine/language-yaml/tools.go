//go:build tools

// Package tools pins Pulumi YAML's language host (pulumi-language-yaml), which scripts/setup-engine builds next to the
// CLI for the YAML consumer (examples/yaml). It lives in github.com/pulumi/pulumi-yaml, a tagged module without
// replace lines.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
