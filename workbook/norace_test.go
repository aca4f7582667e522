//go:build !race

package workbook

const raceSlack = 1 // see race_test.go
