package letters

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/anefbot/anefbot/bot/letters/pdftext"
	"github.com/anefbot/anefbot/flows"
)

var update = flag.Bool("update", false, "rewrite the golden letters in testdata/")

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// realistic is a person in Seine-Saint-Denis who filed on time.
func realistic() Facts {
	return Facts{
		Name: "Amina Benali", Address: "12 rue de l’Église\n93200 Saint-Denis",
		Number: "7501234567", Departement: "93", Situation: "t3",
		Expiry: day("2026-12-15"), Filed: day("2026-09-01"),
		Today: day("2026-11-29"), LinkAttestations: flows.LinkAttestations,
	}
}

// hostile has what breaks naive layouts: a very long name, accents of
// several languages, a name in Arabic script, empty optional fields.
func hostile() Facts {
	return Facts{
		Name:    strings.Repeat("Şükrü Łukasz Ærøskøbing-Nguyễn ", 8),
		Address: "Bâtiment « Les Cèdres », escalier B ; appt n° 12\n" + strings.Repeat("très long lieu-dit ", 12) + "\n\n97400 Saint-Denis (La Réunion)",
		Number:  "", Departement: "", Situation: "t4",
		Today: day("2026-11-29"), LinkAttestations: flows.LinkAttestations,
	}
}

func rtl() Facts {
	f := realistic()
	f.Name = "محمد عبد الله"
	f.Address = "שדרות רוטשילד 1\n75001 Paris"
	f.Number = "٧٥٠١٢٣"
	return f
}

type scenario struct {
	name  string
	facts Facts
	want  []string // facts the PDF's text must contain
	not   []string
}

func scenarios(id string) []scenario {
	real := realistic()
	api := realistic()
	api.Situation, api.APIEnd = "t4", day("2026-11-01")
	withOrg := func(f Facts, org string) Facts {
		f.Org, f.Situation, f.APIEnd = org, "t9", day("2027-01-31")
		return f
	}
	common := []string{"Amina Benali", "12 rue de l’Église", "93200 Saint-Denis", "29 novembre 2026"}
	switch id {
	case "api":
		return []scenario{
			{"realistic", real, append(common, "Préfecture – département 93", "Numéro étranger : 7501234567",
				"1er septembre 2026", "15 décembre 2026", "R431-15-1", "dans le délai prévu par l’article R431-5",
				"aucune attestation de prolongation", "Lettre recommandée avec accusé de réception", "l’attestation de dépôt de ma demande"), []string{"a expiré le 15"}},
			{"expired_api", api, []string{"a expiré le 1er novembre 2026", "une nouvelle attestation", "ma dernière attestation de prolongation"}, nil},
		}
	case "substitution":
		return []scenario{{"realistic", real, append(common, "R431-2", "n° 2023-191", "452798", "expire le 15 décembre 2026", "solution de substitution"), nil}}
	case "retard":
		late := real
		late.Situation, late.Expiry, late.Reason = "t8", day("2026-11-20"), "une hospitalisation du 1er au 30 septembre 2026."
		return []scenario{
			{"realistic", late, append(common, "R431-5", "a expiré le 20 novembre 2026", "une hospitalisation du 1er au 30 septembre 2026.", "justificatifs"), []string{"force majeure", "2026.."}},
			// No reason given: lines to write it by hand, no invented one.
			{"no_reason", real, []string{"la raison suivante : " + Blank, "expire le 15 décembre 2026"}, []string{"hospitalisation"}},
		}
	case "adf":
		f := real
		f.Situation, f.ADFEnd = "t7", day("2027-01-10")
		return []scenario{{"realistic", f, append(common, "attestation de décision favorable", "10 janvier 2027", "convoquer"), []string{"trois mois"}}}
	case "motifs":
		f := real
		f.Situation, f.Filed = "t5", day("2026-06-10")
		return []scenario{{"realistic", f, append(common, "10 juin 2026", "L232-4", "R432-1", "décision implicite de rejet"), nil}}
	case "organisation":
		return []scenario{
			{"employer", withOrg(real, OrgEmployer), append(common, "Service des ressources humaines", "R431-15-2", "31 janvier 2027", flows.LinkAttestations), []string{"Défenseur des droits"}},
			{"caf", withOrg(real, OrgCAF), []string{"Caisse d’allocations familiales (CAF)", "Défenseur des droits", "R431-15-1"}, []string{"R431-15-2", "F13842"}},
			{"cpam", withOrg(real, OrgCPAM), []string{"F13842", "me semble répondre"}, nil},
		}
	case "ddd":
		return []scenario{
			{"t3", real, []string{"département 93", "1er septembre 2026", "aucune attestation de prolongation", "intervenir auprès de la préfecture"}, []string{"Amina"}},
			{"t9", withOrg(real, OrgFranceTrav), []string{"France Travail refuse", "31 janvier 2027", "intervenir auprès de cet organisme"}, nil},
		}
	}
	return nil
}

// Every letter, realistic and hostile, renders to a valid PDF whose text
// holds the facts, and to the reviewed golden text.
func TestLettersRender(t *testing.T) {
	for _, l := range Letters {
		hostileWant := []string{"Şükrü Łukasz Ærøskøbing-Nguyễn", "97400 Saint-Denis (La Réunion)", Blank}
		rtlWant := []string{Blank, "29 novembre 2026"}
		if !l.PDF { // the form's text names no one and has no date line
			hostileWant, rtlWant = []string{"aucune attestation de prolongation"}, []string{"département 93"}
		}
		cases := append(scenarios(l.ID),
			scenario{name: "hostile", facts: hostile(), want: hostileWant},
			scenario{name: "rtl", facts: rtl(), want: rtlWant, not: []string{"محمد", "רוטשילד", "٧٥٠١٢٣"}},
		)
		if len(cases) == 2 {
			t.Fatalf("letter %s has no realistic scenario", l.ID)
		}
		for _, c := range cases {
			t.Run(l.ID+"/"+c.name, func(t *testing.T) {
				doc, err := Compose(l.ID, c.facts)
				if err != nil {
					t.Fatal(err)
				}
				golden(t, l.ID+"_"+c.name, doc.Text())
				pdf, err := doc.PDF("Lettre", day("2026-11-29"))
				if err != nil {
					t.Fatal(err)
				}
				text, err := pdftext.Text(pdf)
				if err != nil {
					t.Fatal(err)
				}
				if !l.PDF {
					text = pdftext.Normalize(doc.Text())
				}
				for _, w := range c.want {
					if !strings.Contains(text, pdftext.Normalize(w)) {
						t.Errorf("letter lacks %q:\n%s", w, text)
					}
				}
				for _, w := range c.not {
					if strings.Contains(text, w) {
						t.Errorf("letter should not contain %q:\n%s", w, text)
					}
				}
			})
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot/letters -update)", err)
	}
	if string(want) != got {
		t.Errorf("letter differs from %s (run with -update after review):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// A letter never shows a dotted line where a fact is known, and the same
// facts always give the same bytes (nothing random or clock-dependent).
func TestPDFReproducible(t *testing.T) {
	doc, err := Compose("api", realistic())
	if err != nil {
		t.Fatal(err)
	}
	a, _ := doc.PDF("Lettre", day("2026-11-29"))
	b, _ := doc.PDF("Lettre", day("2026-11-29"))
	if string(a) != string(b) {
		t.Error("two renderings of the same letter differ")
	}
}

// Every character Drawable accepts is in the embedded font: no letter is
// sent with empty boxes instead of accents.
func TestDrawableMatchesFont(t *testing.T) {
	for _, file := range []string{"fonts/DejaVuSerif.ttf", "fonts/DejaVuSerif-Bold.ttf"} {
		ttf, err := fpdf.TtfParse(file)
		if err != nil {
			t.Fatal(err)
		}
		for r := rune(0x20); r < 0x10000; r++ {
			if r == '\n' || !Drawable(r) {
				continue
			}
			if _, ok := ttf.Chars[uint16(r)]; !ok {
				t.Errorf("%s: Drawable(%U %q) but the font has no glyph", file, r, r)
			}
		}
	}
}

func TestComposeUnknownLetter(t *testing.T) {
	if _, err := Compose("nope", realistic()); err == nil {
		t.Fatal("an unknown letter composed")
	}
}

func TestTypography(t *testing.T) {
	got := typography("Objet : « ANEF » ; n° 12 ?")
	want := "Objet\u00a0: «\u00a0ANEF\u00a0»\u202f; n°\u00a012\u202f?"
	if got != want {
		t.Errorf("typography = %q, want %q", got, want)
	}
	if longDate(day("2027-03-01")) != "1er mars 2027" || longDate(day("2026-08-15")) != "15 août 2026" {
		t.Error("French long dates are wrong")
	}
}

// BenchmarkLetterPDF measures one letter from facts to PDF bytes (the
// font is parsed and subset each time).
func BenchmarkLetterPDF(b *testing.B) {
	f := realistic()
	b.ReportAllocs()
	for b.Loop() {
		doc, err := Compose("api", f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := doc.PDF("Lettre", f.Today); err != nil {
			b.Fatal(err)
		}
	}
}
