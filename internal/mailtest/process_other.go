//go:build !unix

package mailtest

import (
	"errors"
	"os/exec"
)

// The servers run on Unix only (Need skips elsewhere): these keep the package building.

func ownGroup(*exec.Cmd) {}
func killGroup(int)      {}
func kill(int) error     { return errors.New("not on this system") }
