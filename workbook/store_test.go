package workbook

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"planreport/plan"
)

// TestStore: what AcceptedEntries and Previous take from the store is what reading the
// archive gives; rows collect remembered are used without the archive; a store that is
// missing, cut short, foreign, or written for another plan or registry is never trusted: what
// it lacks is read from the archive and appended.
func TestStore(t *testing.T) {
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
	file := filepath.Join(dir, StoreFile)
	accepted := func(t *testing.T, p *plan.Plan) map[string][]Entry {
		t.Helper()
		c, err := OpenCollection(dir, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.AcceptedEntries(p)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	// From the archive alone (the store is written then).
	want := accepted(t, fx.plan)
	if len(want) != len(units) || want["宝山镇"][0].Progress != "宝山镇本季度完成了第一项工作。" {
		t.Fatalf("accepted rows of %d units; 宝山镇's first %+v", len(want), want["宝山镇"])
	}
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("AcceptedEntries wrote no %s: %v", StoreFile, err)
	}
	prev, err := Previous(dir, fx.plan, q)
	if err != nil || prev["宝山镇"]["1.1"].Progress != "宝山镇本季度完成了第一项工作。" {
		t.Fatalf("Previous: %v %+v", err, prev["宝山镇"]["1.1"])
	}

	// frame encodes a record as the store does, to spoil it.
	frame := func(rec storeRecord) []byte {
		b := encodeRecord(nil, rec)
		var out bytes.Buffer
		out.Write(le32(uint32(len(b))))
		out.Write(le32(crc(b)))
		out.Write(b)
		return out.Bytes()
	}
	latest := c.Latest()
	poisoned := func(unit, key string) []byte {
		es := append([]Entry(nil), want[unit]...)
		es[0].Progress = "来自存储"
		return append(append([]byte(nil), storeHeader...), frame(storeRecord{SHA256: latest[unit].SHA256, Unit: unit, Key: key, Entries: es})...)
	}
	key := StoreKey(fx.plan)

	t.Run("trusted when it matches", func(t *testing.T) {
		os.WriteFile(file, poisoned("宝山镇", key), 0o644)
		if p := accepted(t, fx.plan)["宝山镇"][0].Progress; p != "来自存储" {
			t.Errorf("宝山镇's first progress %q: the store was not used", p)
		}
		// The two others were read again and appended after the first frame.
		if got := accepted(t, fx.plan); got["区司法局"][0].Progress != want["区司法局"][0].Progress {
			t.Errorf("区司法局: %+v", got["区司法局"][0])
		}
		os.WriteFile(file, good, 0o644)
	})
	for _, tc := range []struct {
		name  string
		spoil func()
	}{
		{"missing", func() { os.Remove(file) }},
		{"cut short", func() { os.WriteFile(file, good[:len(good)-7], 0o644) }},
		{"cut in the header", func() { os.WriteFile(file, good[:5], 0o644) }},
		{"not a store", func() { os.WriteFile(file, []byte(`{"version":1,"units":{"宝山`), 0o644) }},
		{"another plan", func() { os.WriteFile(file, poisoned("宝山镇", "0123456789abcdef"), 0o644) }},
		{"a bad checksum", func() {
			data := poisoned("宝山镇", key)
			data[len(storeHeader)+4] ^= 0xff
			os.WriteFile(file, data, 0o644)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.spoil()
			if got := accepted(t, fx.plan); !reflect.DeepEqual(got, want) {
				t.Errorf("rows differ from the archive's: 宝山镇 %q", got["宝山镇"][0].Progress)
			}
			if again := accepted(t, fx.plan); !reflect.DeepEqual(again, want) {
				t.Errorf("the store as appended gives other rows")
			}
			os.WriteFile(file, good, 0o644)
		})
	}
	t.Run("the registry changed", func(t *testing.T) {
		os.WriteFile(file, poisoned("宝山镇", key), 0o644)
		p := *fx.plan
		p.Units = append([]plan.Unit(nil), fx.plan.Units...)
		p.Units[0].Email = "new-address@example.gov.cn"
		if got := accepted(t, &p); !reflect.DeepEqual(got, want) {
			t.Errorf("rows stored for another registry were trusted: 宝山镇 %q", got["宝山镇"][0].Progress)
		}
		os.WriteFile(file, good, 0o644)
	})

	// Rows remembered when accepted are used without the archive: a later resubmission,
	// whose archived copy is then removed, still reads.
	later := fx.filled(t, "宝山镇", set(map[string]any{"I2": "后来又补报了新的进展。"}))
	r := fx.ctx.Check("宝山镇-补报.xlsx", later, "")
	s := Submission{SHA256: r.SHA256, Name: "宝山镇-补报.xlsx", Received: t0.Add(6 * time.Hour), Unit: r.Unit, Accepted: r.Accepted(), Findings: r.Findings}
	if _, err := c.Add(s, later); err != nil {
		t.Fatal(err)
	}
	if err := c.Remember(fx.ctx, s, r.Entries); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, filepath.FromSlash(c.Latest()["宝山镇"].Archive)))
	if got := accepted(t, fx.plan); got["宝山镇"][0].Progress != "后来又补报了新的进展。" {
		t.Errorf("after a resubmission, 宝山镇's first progress %q", got["宝山镇"][0].Progress)
	}
}

func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

// BenchmarkStore writes and reads back the rows of 1,000 units of 73 tasks each, with texts of
// a realistic length: what collect appends and the report reads at 1,000 units.
func BenchmarkStore(b *testing.B) {
	var es []Entry
	for i := range 73 {
		es = append(es, Entry{Task: fmt.Sprintf("%d.%d", i/5+1, i%5+1), Row: i + 2, Status: "序时推进", Percent: 60, HasPercent: true,
			Progress: strings.Repeat("组织召开专题会议，研究部署相关工作，", 4), Problems: "无", NextSteps: "按计划推进。"})
	}
	for b.Loop() {
		dir := b.TempDir()
		st := &store{path: filepath.Join(dir, StoreFile)}
		for u := range 1000 {
			if err := st.add(storeRecord{SHA256: fmt.Sprintf("%064x", u), Unit: fmt.Sprint(u), Key: "k", Entries: es}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.flush(true); err != nil {
			b.Fatal(err)
		}
		back := &store{path: st.path}
		if _, ok := back.lookup(fmt.Sprintf("%064x", 999), "k"); !ok {
			b.Fatal("not read back")
		}
	}
}

// TestStoreRecord: a record round-trips with every field of Entry set (a field added to Entry
// and not to the codec fails here), and no frame makes decodeRecord panic.
func TestStoreRecord(t *testing.T) {
	var e Entry
	v := reflect.ValueOf(&e).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(fmt.Sprintf("字段%d", i))
		case reflect.Int:
			f.SetInt(int64(i + 100))
		case reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("Entry.%s: a %s the store does not know", v.Type().Field(i).Name, f.Kind())
		}
	}
	rec := storeRecord{SHA256: "abc", Unit: "宝山镇", Key: "k", Entries: []Entry{e, {Task: "2"}}}
	data := encodeRecord(nil, rec)
	got, err := decodeRecord(data)
	if err != nil || !reflect.DeepEqual(got, rec) {
		t.Fatalf("round trip: %v\n%+v\nwant\n%+v", err, got, rec)
	}
	for i := range data {
		decodeRecord(data[:i])
		if _, err := decodeRecord(data[:i]); err == nil && i < len(data) {
			t.Errorf("a frame cut at %d decoded", i)
		}
	}
}
