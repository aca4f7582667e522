//go:build race

package workbook

// raceSlack is how much more memory and time a call may take under the race detector, which
// instruments every access and allocation (go test -race; CI runs without it).
const raceSlack = 2
