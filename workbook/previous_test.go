package workbook

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"planreport/plan"
	"planreport/templates"
)

// TestPreviousFile: what Previous takes from its file is what reading the archive gives, and
// a file that is missing, corrupt, out of date, of another plan or of another version is
// never trusted: Previous reads the archive and writes the file anew.
func TestPreviousFile(t *testing.T) {
	fx := newFixture(t)
	dir := t.TempDir()
	c, err := OpenCollection(dir, q)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2023, 7, 3, 9, 0, 0, 0, time.UTC)
	units := []string{"宝山镇", "区司法局", "区财政局"}
	for i, u := range units {
		add(t, c, fx.ctx, u+".xlsx", fx.filled(t, u, set(map[string]any{"I2": u + "本季度完成了第一项工作。"})), t0.Add(time.Duration(i)*time.Hour))
	}
	// A rejected file counts for nothing.
	add(t, c, fx.ctx, "雁栖镇.xlsx", fx.filled(t, "雁栖镇", set(map[string]any{"G2": ""})), t0.Add(5*time.Hour))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	cacheFile := filepath.Join(dir, PreviousFile)

	// From the archive alone (the file is written then).
	want, err := Previous(dir, fx.plan, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != len(units) {
		t.Fatalf("previous reports of %d units, want %d (%v)", len(want), len(units), keys(want))
	}
	if got := want["宝山镇"]["1.1"].Progress; got != "宝山镇本季度完成了第一项工作。" {
		t.Fatalf("宝山镇 1.1 progress %q", got)
	}
	if _, err := os.Stat(cacheFile); err != nil {
		t.Fatalf("Previous wrote no %s: %v", PreviousFile, err)
	}

	read := func(t *testing.T) previousCache {
		t.Helper()
		data, err := os.ReadFile(cacheFile)
		if err != nil {
			t.Fatal(err)
		}
		cache, err := decodePreviousCache(data)
		if err != nil {
			t.Fatal(err)
		}
		return cache
	}
	write := func(t *testing.T, cache previousCache) {
		t.Helper()
		data, err := encodePreviousCache(cache)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cacheFile, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// poison marks a unit's cached progress, to tell whether Previous took it from the file.
	poison := func(cache previousCache, unit string) previousCache {
		u := cache.Units[unit]
		tasks := templates.Previous{}
		for id, v := range u.Tasks {
			v.Progress = "来自缓存"
			tasks[id] = v
		}
		u.Tasks = tasks
		cache.Units[unit] = u
		return cache
	}
	good := read(t)

	t.Run("trusted when it matches", func(t *testing.T) {
		write(t, poison(read(t), "宝山镇"))
		got, err := Previous(dir, fx.plan, q)
		if err != nil {
			t.Fatal(err)
		}
		if p := got["宝山镇"]["1.1"].Progress; p != "来自缓存" {
			t.Errorf("宝山镇 1.1 progress %q: the file was not used", p)
		}
		write(t, good)
		if got, _ := Previous(dir, fx.plan, q); !reflect.DeepEqual(got, want) {
			t.Error("the file as written gives other reports than the archive")
		}
	})

	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T)
	}{
		{"missing", func(t *testing.T) { os.Remove(cacheFile) }},
		{"corrupt", func(t *testing.T) {
			data, _ := os.ReadFile(cacheFile)
			os.WriteFile(cacheFile, data[:len(data)/2], 0o644)
		}},
		{"not gob", func(t *testing.T) { os.WriteFile(cacheFile, []byte(`{"version":1,"units":{"宝山`), 0o644) }},
		{"another plan", func(t *testing.T) {
			c := poison(read(t), "宝山镇")
			c.Plan = "0123456789abcdef"
			write(t, c)
		}},
		{"another version", func(t *testing.T) {
			c := poison(read(t), "宝山镇")
			c.Version = previousVersion + 1
			write(t, c)
		}},
		{"another submission", func(t *testing.T) {
			c := poison(read(t), "宝山镇")
			u := c.Units["宝山镇"]
			u.SHA256 = Sum([]byte("an earlier version"))
			c.Units["宝山镇"] = u
			write(t, c)
		}},
		{"a unit too few", func(t *testing.T) {
			c := read(t)
			delete(c.Units, "区财政局")
			write(t, c)
		}},
		{"a unit too many", func(t *testing.T) {
			c := read(t)
			c.Units["雁栖镇"] = previousUnit{SHA256: c.Units["宝山镇"].SHA256, Tasks: templates.Previous{"1.1": {Status: "已完成", Progress: "来自缓存"}}}
			write(t, c)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spoil(t)
			got, err := Previous(dir, fx.plan, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("reports differ from the archive's: 宝山镇 1.1 %q, units %v", got["宝山镇"]["1.1"].Progress, keys(got))
			}
			if again := read(t); !reflect.DeepEqual(again, good) {
				t.Errorf("the file was not written anew")
			}
		})
	}

	t.Run("the registry changed", func(t *testing.T) {
		write(t, poison(read(t), "宝山镇"))
		p := *fx.plan
		p.Units = append([]plan.Unit(nil), fx.plan.Units...)
		p.Units[0].Email = "new-address@example.gov.cn"
		got, err := Previous(dir, &p, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("a file written for another registry was trusted: 宝山镇 1.1 %q", got["宝山镇"]["1.1"].Progress)
		}
		Previous(dir, fx.plan, q) // as it was
	})

	t.Run("a killed write's leftover", func(t *testing.T) {
		left := filepath.Join(dir, "."+PreviousFile+".123456.tmp")
		if err := os.WriteFile(left, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Previous(dir, fx.plan, q); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(left); err == nil {
			t.Error("the leftover of a killed write is still there")
		}
	})

	// A unit that sends a new accepted version: the file's old entry is read again.
	later := fx.filled(t, "宝山镇", set(map[string]any{"I2": "后来又补报了新的进展。"}))
	add(t, c, fx.ctx, "宝山镇-补报.xlsx", later, t0.Add(6*time.Hour))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := Previous(dir, fx.plan, q)
	if err != nil {
		t.Fatal(err)
	}
	if p := got["宝山镇"]["1.1"].Progress; p != "后来又补报了新的进展。" {
		t.Errorf("after a resubmission, 宝山镇 1.1 progress %q", p)
	}

	// A folder it cannot write to: Previous still answers, from the archive.
	if os.Geteuid() != 0 { // root writes anywhere
		os.Remove(cacheFile)
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		if got, err := Previous(dir, fx.plan, q); err != nil || len(got) != len(units) {
			t.Errorf("read-only folder: %v, %d units", err, len(got))
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
