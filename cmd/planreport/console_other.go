//go:build !windows

package main

// ownConsole reports whether the program was started without a terminal of its own, by a
// double-click: only Windows starts a console program that way.
func ownConsole() bool { return false }
