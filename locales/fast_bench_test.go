package locales

import (
	"testing"
	"time"
)

// sampleArgs gives every argument of a message a value of each kind the
// bot passes: text, a date, a number.
func sampleArgs(names []string, kind int) map[string]any {
	args := make(map[string]any, len(names))
	for _, n := range names {
		switch kind {
		case 0:
			args[n] = "https://example.org/" + n
		case 1:
			args[n] = time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC)
		default:
			args[n] = 42
		}
	}
	return args
}

// TestFastRenderMatchesGoI18n: the shortcuts of fast.go write exactly
// what go-i18n writes, for every message of every language, without
// arguments, with each kind of argument, and with an argument missing.
func TestFastRenderMatchesGoI18n(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	compareFast(t, c)
}

// TestFastRenderMatchesGoI18nDrafts does the same for the languages whose
// files exist but are not listed in Languages yet, right-to-left ones
// among them, so the shortcuts are right before they are switched on. It
// changes Languages while it runs: it must not run in parallel with
// another test of this package.
func TestFastRenderMatchesGoI18nDrafts(t *testing.T) {
	saved := Languages
	t.Cleanup(func() { Languages = saved })
	listed := map[string]bool{}
	for _, l := range saved {
		listed[l.Code] = true
	}
	Languages = append([]Language(nil), saved...)
	for _, l := range []Language{{Code: "ar", RTL: true}, {Code: "fa", RTL: true}, {Code: "ps", RTL: true}, {Code: "es"}, {Code: "pt"}, {Code: "ru"}, {Code: "zh"}} {
		if _, err := files.ReadFile("core." + l.Code + ".toml"); err == nil && !listed[l.Code] {
			Languages = append(Languages, l)
		}
	}
	if len(Languages) == len(saved) {
		t.Skip("no language files beyond those listed")
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	compareFast(t, c)
}

func compareFast(t *testing.T, c *Catalog) {
	t.Helper()
	for _, l := range Languages {
		for _, id := range c.IDs(Reference) {
			names := c.Args(id)
			cases := []map[string]any{nil, sampleArgs(names, 0), sampleArgs(names, 1), sampleArgs(names, 2)}
			if len(names) > 1 {
				cases = append(cases, sampleArgs(names[1:], 0))
			}
			for _, args := range cases {
				want, werr := c.render(l.Code, id, args)
				got, gerr := c.Text(l.Code, id, args)
				if got != want || (werr == nil) != (gerr == nil) {
					t.Errorf("%s/%s %v:\n got %q (%v)\nwant %q (%v)", l.Code, id, args, got, gerr, want, werr)
				}
			}
		}
	}
}

// BenchmarkText renders a button label (no argument) and a question with
// a date, as every reply does.
func BenchmarkText(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	args := map[string]any{"Date": time.Date(2027, 3, 12, 0, 0, 0, 0, time.UTC)}
	for _, l := range Languages {
		b.Run(l.Code+"/label", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Text(l.Code, "btn_back", nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(l.Code+"/date", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Text(l.Code, "date_confirm", args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
