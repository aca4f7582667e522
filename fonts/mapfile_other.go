//go:build !unix

package fonts

import "os"

// mapFile reads a font file (mapping it, as on Unix, is left for another day on Windows).
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }
