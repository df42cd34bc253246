package locales

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A translation records the French it was made from: when the French
// changes, the translation is listed as stale and the language is no
// longer reviewed, until someone updates and stamps it.
func TestStaleTranslationsAreListed(t *testing.T) {
	load := func(status string) *Catalog {
		t.Helper()
		c, err := Load(fstest.MapFS{
			"x.fr.toml":      {Data: []byte("a = \"Bonjour\"\nb = \"Au revoir\"\n")},
			"x.ar.toml":      {Data: []byte("a = \"مرحبا\"\nb = \"وداعا\"\n")},
			"review/ar.toml": {Data: []byte(status)},
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	fresh := load("")
	ha, hb := fresh.SourceHash("a"), fresh.SourceHash("b")
	if ha == "" || ha == hb {
		t.Fatalf("hashes %q %q", ha, hb)
	}
	if got := strings.Join(fresh.Stale("ar"), " "); got != "a b" {
		t.Errorf("without records: stale %q, want every message", got)
	}
	c := load("a = { from = \"" + ha + "\", reviewed = true }\nb = { from = \"0000beef\", reviewed = true }\n")
	if got := strings.Join(c.Stale("ar"), " "); got != "b" {
		t.Errorf("stale %q, want b (its French changed since)", got)
	}
	if c.Reviewed("ar") {
		t.Error("a language with a stale message counts as reviewed")
	}
	c = load("a = { from = \"" + ha + "\", reviewed = true }\nb = { from = \"" + hb + "\", reviewed = true }\n")
	if len(c.Stale("ar")) != 0 || !c.Reviewed("ar") {
		t.Errorf("stale %v, reviewed %v", c.Stale("ar"), c.Reviewed("ar"))
	}
	if !c.Reviewed(Reference) || c.Stale(Reference) != nil {
		t.Error("the reference is always reviewed and never stale")
	}
	out := string(c.StatusFile("ar", func(id string, st Status, ok bool) (Status, bool) {
		if id == "b" {
			return Status{From: "x"}, true
		}
		return st, ok
	}))
	if !strings.Contains(out, "a = { from = \""+ha+"\", reviewed = true }") || !strings.Contains(out, "b = { from = \"x\", reviewed = false }") {
		t.Errorf("status file:\n%s", out)
	}
}

// Every translated message has a review status; the stale ones are
// listed here (and by `anefbot messages --stale`) for the translators.
func TestEveryTranslationHasAStatus(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Languages {
		if l.Code == Reference {
			continue
		}
		var stale []string
		for _, id := range c.Stale(l.Code) {
			if !c.Has(l.Code, id) {
				continue // missing: TestEveryLanguageIsComplete says so
			}
			if _, ok := c.StatusOf(l.Code, id); !ok {
				t.Errorf("%s/%s has no review status: run `go run ./cmd/anefbot messages --stamp-new %s` once it is translated", l.Code, id, l.Code)
				continue
			}
			stale = append(stale, id)
		}
		if len(stale) > 0 {
			t.Logf("%s: %d translations made from an older French text: %s", l.Code, len(stale), strings.Join(stale, " "))
		}
	}
}
