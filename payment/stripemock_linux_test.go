package payment

import (
	"os/exec"
	"syscall"
)

// setDeathSignal kills stripe-mock with the test binary, even when a
// panic or a test timeout skips TestMain's clean-up.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
