package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/anefbot/anefbot/bot/handoff"
	"github.com/anefbot/anefbot/bot/redistest"
)

// The handoff settings are checked at start-up, the directory file
// included; the error names the setting and the entry.
func TestHandoffConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	c, err := LoadConfig(env())
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if c.Handoff.Lease != 30*time.Minute || c.Handoff.NotifyBatch != 3 || c.Handoff.dir == nil || len(c.Handoff.dir.Entries) == 0 {
		t.Errorf("defaults = %+v", c.Handoff)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("[[entry]]\nname=\"ASTI\"\ndepartements=[\"71\"]\naddress=\"somewhere\"\n"), 0o600)
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[[entry]]\nname=\"ASTI\"\ndepartements=[\"71\"]\n"), 0o600)
	c, err = LoadConfig(env("HANDOFF_DIRECTORY", good, "HANDOFF_HOURS", "mon-fri 09:00-17:00"))
	if err != nil || c.Handoff.dir.Entries[0].Name != "ASTI" {
		t.Fatalf("own directory: %v %+v", err, c.Handoff.dir)
	}
	for _, tc := range [][]string{
		{"HANDOFF_DIRECTORY", bad, `entry 1 ("ASTI")`},
		{"HANDOFF_DIRECTORY", filepath.Join(dir, "missing.toml"), "HANDOFF_DIRECTORY"},
		{"HANDOFF_HOURS", "9 to 5", "HANDOFF_HOURS"},
		{"HANDOFF_LEASE", "10s", "HANDOFF_LEASE"},
		{"HANDOFF_NOTIFY_BATCH", "0", "HANDOFF_NOTIFY_BATCH"},
	} {
		if _, err := LoadConfig(env(tc[0], tc[1])); err == nil || !strings.Contains(err.Error(), tc[2]) {
			t.Errorf("%s=%s: got %v, want an error naming %s", tc[0], tc[1], err, tc[2])
		}
	}
}

// The queue's figures are Prometheus gauges per language.
func TestHandoffMetrics(t *testing.T) {
	b := redistest.Mini(t)
	st := handoff.NewStore(b.Client, b.Prefix)
	ctx := context.Background()
	for i, ref := range []string{"H-AAAAA", "H-BBBBB", "H-CCCCC"} {
		if _, _, err := st.Open(ctx, handoff.Case{Ref: ref, Chat: int64(i + 1), Lang: "fr", Created: testNow.UnixMilli()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Take(ctx, 9, []string{"fr"}, "", testNow, testNow.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(&handoffCollector{store: st, langs: []string{"fr", "en"}, clock: func() time.Time { return testNow }})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			got[mf.GetName()+"/"+m.GetLabel()[0].GetValue()] = m.GetGauge().GetValue()
		}
	}
	for name, want := range map[string]float64{
		"anefbot_handoff_waiting/fr": 2, "anefbot_handoff_taken/fr": 1,
		"anefbot_handoff_waiting/en": 0, "anefbot_handoff_closed/fr": 0,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (%v), want %v", name, v, ok, want)
		}
	}
}
