//go:build tools

// Package tools pins a second Pulumi CLI, v3.188.0, used ONLY for `pulumi package add` (scripts/pulumi routes that
// command to it). `package add` ends with the language host's Link call, and the Link request changed shape between
// v3.188.0 (the release the Node.js, Go and Python hosts that the proxy serves belong to) and v3.274.1: field 2 went
// from `local_dependencies` (a map) to `loader_target` (a string), so the v3.274.1 CLI's Link fails with "proto:
// cannot parse invalid wire-format data". The CLI of the hosts' own release speaks their protocol.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
