//go:build !windows

package atomicfile

func isSharingViolation(error) bool { return false }
