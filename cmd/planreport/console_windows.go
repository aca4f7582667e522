//go:build windows

package main

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// procGetConsoleProcessList is kernel32's GetConsoleProcessList, which golang.org/x/sys/windows
// does not wrap.
var procGetConsoleProcessList = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetConsoleProcessList")

// ownConsole reports whether this process is alone on its console: Windows made the console
// for it, as when planreport.exe is double-clicked in Explorer (from a command prompt, the
// prompt shares it).
func ownConsole() bool {
	if procGetConsoleProcessList.Find() != nil {
		return false
	}
	var ids [4]uint32
	n, _, _ := procGetConsoleProcessList.Call(uintptr(unsafe.Pointer(&ids[0])), uintptr(len(ids)))
	return n == 1
}
