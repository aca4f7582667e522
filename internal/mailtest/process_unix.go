//go:build unix

package mailtest

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own, which killGroup ends whole.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killGroup kills the process group led by pid at once.
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// kill kills one process at once.
func kill(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
