//go:build !linux

package payment

import "os/exec"

// setDeathSignal does nothing where there is no parent-death signal;
// TestMain stops stripe-mock.
func setDeathSignal(cmd *exec.Cmd) {}
