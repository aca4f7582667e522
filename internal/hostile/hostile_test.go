package hostile

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

// TestPaddedEntry checks that the bombs built by concatenating deflate blocks are what they
// claim: an archive reader inflates them to their declared size, checksum and all.
func TestPaddedEntry(t *testing.T) {
	for _, mib := range []int{0, 1, 3} {
		data, err := RatioBomb("a.xlsx", mib)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := zr.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%d MiB: %v", mib, err)
		}
		if len(got) != mib<<20 || len(bytes.TrimLeft(got, " ")) != 0 {
			t.Errorf("%d MiB: got %d bytes", mib, len(got))
		}
	}
}

func TestWindowsNameProblem(t *testing.T) {
	for name, bad := range map[string]bool{
		"a.xlsx": false, "宝山镇_反馈.xlsx": false, "CON": true, "con.txt": true, "CON_.xlsx": false, "CONX": false,
		"COM1": true, "com9.eml": true, "COM10": false, "LPT1.xlsx": true, "NUL": true, "AUX .txt": true,
		"a.": true, "a ": true, "a:b": true, "a\x00b": true, "a\u202eb": true, "": true,
	} {
		if got := WindowsNameProblem(name) != ""; got != bad {
			t.Errorf("WindowsNameProblem(%q) = %q", name, WindowsNameProblem(name))
		}
	}
}
