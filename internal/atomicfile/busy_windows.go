package atomicfile

import (
	"errors"

	"golang.org/x/sys/windows"
)

// isSharingViolation: Excel holds an open workbook with a sharing mode that refuses renames
// over it.
func isSharingViolation(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_LOCK_VIOLATION) ||
		errors.Is(err, windows.ERROR_ACCESS_DENIED)
}
