package summary

import "flag"

// update rewrites golden files under testdata instead of comparing with them:
//
//	go test ./report/... -run Golden -update
//
// It is defined here, and only here, for every test file of the package.
var update = flag.Bool("update", false, "rewrite golden files in testdata")
