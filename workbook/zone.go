package workbook

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// Zone is the office's time zone: received times are recorded, compared with the due date and
// printed in it. It is the system's; when the system sets none (no TZ and no /etc/localtime,
// as in a bare container), it is China Standard Time (Asia/Shanghai), where the offices are.
var Zone, ZoneName = officeZone()

// chinaZone is Asia/Shanghai, or its fixed offset (China has kept UTC+8 all year since 1991)
// where the system has no time zone database.
func chinaZone() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

func officeZone() (*time.Location, string) {
	tz, set := os.LookupEnv("TZ")
	_, statErr := os.Stat("/etc/localtime")
	link, _ := os.Readlink("/etc/localtime")
	return zoneFrom(tz, set, runtime.GOOS == "windows", statErr == nil, link)
}

// zoneFrom is the office's zone and its name: tz is the TZ variable (set tells whether it
// is), windows whether the system keeps its zone in its own settings, localtime whether
// /etc/localtime exists and link where it points. Go's time.Local is the system's zone, or
// UTC when the system sets none: then it is China Standard Time.
//
// A TZ that is empty or names no zone Go can load (Go then takes UTC) counts as none set:
// a misconfigured variable must not move every time by eight hours while the record names a
// zone it does not use.
func zoneFrom(tz string, set, windows, localtime bool, link string) (*time.Location, string) {
	name := strings.TrimPrefix(tz, ":")
	if set && !windows && !strings.HasPrefix(name, "/") {
		if _, err := time.LoadLocation(name); name == "" || err != nil {
			return chinaZone(), "Asia/Shanghai"
		}
	}
	if !set && !windows && !localtime {
		return chinaZone(), "Asia/Shanghai"
	}
	if name == "" && !windows {
		if _, after, ok := strings.Cut(link, "zoneinfo/"); ok {
			name = after
		}
	}
	if name == "" || strings.HasPrefix(name, "/") {
		abbr, off := time.Now().Zone()
		name = fmt.Sprintf("%s（UTC%+03d:%02d）", abbr, off/3600, abs(off%3600)/60)
	}
	return time.Local, name
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// OfficeTime is t as the office reads it: in Zone, to the minute (2024-01-08 17:30).
func OfficeTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("2006-01-02 15:04")
}

// OfficeClock is t as the office's clock showed it, written as a time without a zone, for a
// spreadsheet's date cell (which has none): 2024-01-08 17:30 in Zone is 2024-01-08 17:30.
func OfficeClock(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	l := t.In(Zone)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
}
