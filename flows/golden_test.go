package flows_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/")

// goldenPaths are one path through every branch of the diagnosis. An input
// starting with "!" presses the option of that ID on the current step (or
// an engine option such as @yes); "/x" is a command; anything else is
// typed. The clock is 29/11/2026.
var goldenPaths = map[string][]string{
	"free_text":  {"je n'arrive pas à changer mon email", "!@yes", "!contact", "!renewal", "15/02/2027", "!@yes"},
	"urgent":     {"/start", "!urgent", "!oqtf", "20/11/2026", "!@yes"},
	"urgent_48h": {"/start", "!urgent", "!oqtf_retention"},
	"t1":         {"/start", "!t1", "!login", "!renewal", "15/02/2027", "!@yes"},
	"t2":         {"/start", "!t2", "!status", "!first"},
	"t3":         {"/start", "!t3", "15/03/2027", "!@yes", "20 novembre 2026", "!@yes", "!no"},
	"t4":         {"/start", "!t4", "02/06/2026", "!@yes", "2026-11-20", "!@yes", "!yes"},
	"t5":         {"/start", "!t5", "1.7.26", "!@yes", "!short", "!no"},
	"t6":         {"/start", "!t6", "!requested", "04/12/2026", "!@yes"},
	"t6_closed":  {"/start", "!t6", "!closed", "!renewal", "10/12/2026", "!@yes"},
	"t7":         {"/start", "!t7", "!no", "!no"},
	"t8":         {"/start", "!t8", "10/11/2026", "!@yes", "!yes"},
	"t9":         {"/start", "!t9", "!cpam", "!api", "!no"},
	"t10":        {"/start", "!t10", "!stuck"},
	"t11":        {"/start", "!t11", "!api"},
	"other":      {"/start", "!other", "!other"},
	// The 2026 additions (anef.md §10): a first card and the examen
	// civique; the renewal window by phase, with a month typed alone and
	// the card asked when L433-3 may apply; a date not known; a day
	// without its year; a lost document.
	"other_first":   {"/start", "!other", "!first", "!resident"},
	"t8_early":      {"/start", "!t8", "avril 2027", "!@yes", "!yes"},
	"t8_l433":       {"/start", "!t8", "15/10/2026", "!@yes", "!no", "!resident"},
	"t3_unknown":    {"/start", "!t3", "je ne sais pas", "!@dk", "!unsure"},
	"t1_year":       {"/start", "!t1", "!login", "!renewal", "12 mars", "12/03/2027", "!@yes"},
	"lost":          {"/start", "vol de ma carte de séjour", "!@yes"},
	"urgent_arrest": {"/start", "!urgent", "!oqtf_arrest", "23/11/2026", "!@yes"},
}

// Golden transcripts: one conversation per branch, in French and English,
// rendered as the person reads it. Any change of wording or logic shows in
// review as a change of these files. Regenerate with
//
//	go test ./flows/ -run TestGoldenTranscripts -update
func TestGoldenTranscripts(t *testing.T) {
	e, c := newEngine(t)
	for name, inputs := range goldenPaths {
		// French is the reference, English the first translation; the
		// other languages are read with `anefbot messages <lang>` and
		// walked by TestEveryPathEndsInAPlan.
		for _, lang := range []string{"fr", "en"} {
			t.Run(name+"."+lang, func(t *testing.T) {
				got := transcript(t, e, c, lang, inputs)
				path := filepath.Join("testdata", name+"."+lang+".txt")
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the conversation; run with -update and review the diff.\ngot:\n%s", path, got)
				}
			})
		}
	}
}

// transcript runs inputs through the engine and renders every reply.
func transcript(t *testing.T, e *flows.Engine, c *locales.Catalog, lang string, inputs []string) string {
	t.Helper()
	var b strings.Builder
	s := flows.Session{}
	for _, raw := range inputs {
		in := flows.Input{Kind: flows.Text, Data: raw, Now: now, Lang: lang}
		switch {
		case strings.HasPrefix(raw, "!"):
			in.Kind, in.Data = flows.Press, fmt.Sprintf("c:%d:%s", s.Seq, raw[1:])
		case strings.HasPrefix(raw, "/"):
			in.Kind, in.Data = flows.Command, raw[1:]
		}
		fmt.Fprintf(&b, "> %s\n", raw)
		r := e.Step(s, in)
		for _, reply := range r.Replies {
			out, err := bot.Render(c, r.Session.Lang, 1, reply)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s\n", out.Text)
			for _, row := range out.Buttons {
				for _, btn := range row {
					fmt.Fprintf(&b, "  [%s]\n", btn.Text)
				}
			}
		}
		for _, eff := range r.Effects {
			fmt.Fprintf(&b, "  (effect %s %v)\n", eff.Kind, eff.Data)
		}
		b.WriteString("\n")
		s = r.Session
	}
	fmt.Fprintf(&b, "# ends at %s\n", s.State)
	return b.String()
}
