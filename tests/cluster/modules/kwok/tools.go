//go:build tools

// Package tools pins kwok, which fakes kubelets so pods on fake nodes become Running.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
