package letters

import (
	"flag"
	"fmt"
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
		Number: "7501234567", ANEF: "93123456789", Departement: "93", Situation: "t3",
		Phone: "06 12 34 56 78", Email: "amina.benali@example.org",
		CCC: "yes", CCCDate: day("2026-10-05"), Shots: "yes",
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
	common := []string{"Amina Benali", "12 rue de l’Église", "93200 Saint-Denis", "29 novembre 2026",
		"Tél. : 06 12 34 56 78", "Courriel : amina.benali@example.org"}
	// quiet answered nothing about the CCC or screenshots: the letter
	// states neither.
	quiet := real
	quiet.CCC, quiet.CCCDate, quiet.Shots, quiet.Phone, quiet.Email, quiet.ANEF = "", time.Time{}, "", "", "", ""
	unsaid := []string{"Centre de contact citoyen", "captures d’écran", "Tél.", "Courriel"}
	switch id {
	case "api":
		return []scenario{
			{"realistic", real, append(common, "Préfecture de la Seine-Saint-Denis", "Numéro étranger : 7501234567", "N° de demande ANEF : 93123456789",
				"À Saint-Denis, le 29 novembre 2026", "des captures d’écran datées", "Centre de contact citoyen",
				"1er septembre 2026", "15 décembre 2026", "R431-15-1", "dans le délai prévu par l’article R431-5",
				"aucune attestation de prolongation", "Lettre recommandée avec accusé de réception", "l’attestation de dépôt de ma demande"), []string{"a expiré le 15"}},
			{"expired_api", api, []string{"a expiré le 1er novembre 2026", "une nouvelle attestation", "ma dernière attestation de prolongation"}, nil},
		}
	case "substitution":
		long := real
		long.Address = "Résidence « Les Cèdres », bâtiment B, escalier 4, appartement 1205\nchez Mme Nguyễn\n12 rue de l’Église prolongée\n93200 Saint-Denis"
		long.PrefectureAddress = "Sous-préfecture du Raincy, bureau des étrangers\n3 boulevard de l’Est\n93340 Le Raincy"
		return []scenario{
			{"realistic", real, append(common, "R431-2", "n° 2023-191", "452798", "expire le 15 décembre 2026", "solution de substitution",
				"contacté le Centre de contact citoyen le 5 octobre 2026", "captures d’écran datées"), nil},
			{"quiet", quiet, []string{"Numéro étranger : 7501234567", "N° de demande ANEF : " + Blank}, unsaid},
			{"subprefecture", long, []string{"Sous-préfecture du Raincy, bureau des étrangers", "93340 Le Raincy"}, []string{"Service des étrangers", "Seine-Saint-Denis"}},
		}
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
		q := quiet
		q.Situation, q.Filed = "t5", day("2026-06-10")
		return []scenario{
			{"realistic", f, append(common, "10 juin 2026", "L232-4", "R432-1", "décision implicite de rejet", "captures d’écran"), nil},
			{"quiet", q, []string{"L232-4"}, unsaid},
		}
	case "organisation":
		return []scenario{
			{"employer_typed", func() Facts {
				f := withOrg(real, OrgEmployer)
				f.OrgAddress = "SARL Dupont, Service RH\n3 rue Neuve\n69002 Lyon"
				return f
			}(), []string{"SARL Dupont, Service RH", "69002 Lyon"}, []string{"Service des ressources humaines"}},
			{"employer", withOrg(real, OrgEmployer), append(common, "Service des ressources humaines", "R431-15-2", "31 janvier 2027", flows.LinkAttestations), []string{"Défenseur des droits"}},
			{"caf", withOrg(real, OrgCAF), []string{"Caisse d’allocations familiales (CAF)", "Défenseur des droits", "R431-15-1"}, []string{"R431-15-2", "F13842"}},
			{"cpam", withOrg(real, OrgCPAM), []string{"F13842", "me semble répondre"}, nil},
		}
	case "ddd":
		return []scenario{
			{"t3", real, []string{"département 93", "1er septembre 2026", "aucune attestation de prolongation", "intervenir auprès de la préfecture",
				"contact avec le Centre de contact citoyen le 5 octobre 2026", "captures d’écran datées"}, []string{"Amina"}},
			{"quiet", quiet, []string{"aucune attestation de prolongation"}, append(unsaid, "Démarches déjà effectuées")},
			{"t10", func() Facts { f := real; f.Situation = "t10"; return f }(), []string{"Objet : blocage de ma demande de naturalisation"}, []string{"titre de séjour"}},
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
					if strings.Contains(text, pdftext.Normalize(w)) {
						t.Errorf("letter should not contain %q:\n%s", w, text)
					}
				}
				if l.PDF {
					checkLayout(t, doc, c.facts, pdf)
				}
			})
		}
	}
}

// checkLayout reads the PDF back: no page holds only the closing and the
// signature, pages are numbered "n/N" only on a letter of several pages,
// the addressee block names no line twice and at most one service, and
// the place line carries the town of the address or a dotted line.
func checkLayout(t *testing.T, doc Document, f Facts, pdf []byte) {
	t.Helper()
	pages, err := pdftext.Pages(pdf)
	if err != nil {
		t.Fatal(err)
	}
	n := len(pages)
	for i, p := range pages {
		num := fmt.Sprintf("%d/%d", i+1, n)
		if n > 1 && !strings.Contains(p, num) {
			t.Errorf("page %d of %d is not numbered %q", i+1, n, num)
		}
		if n == 1 && strings.Contains(p, "1/1") {
			t.Error("a one-page letter is numbered")
		}
	}
	last := pages[n-1]
	if i := doc.tail(); i >= 0 {
		start := pdftext.Normalize(doc.Blocks[i].Text)
		start = start[:min(len(start), 30)]
		if !strings.Contains(last, start) {
			t.Errorf("the last page holds the closing without the last paragraph %q:\n%s", start, last)
		}
	}
	var recipient []string
	for _, b := range doc.Blocks {
		if b.Kind == Right && strings.HasPrefix(b.Text, "À ") {
			break
		}
		if b.Kind == Right {
			recipient = append(recipient, b.Text)
		}
	}
	seen, services := map[string]bool{}, 0
	for _, r := range recipient {
		if r != Blank && seen[fold(r)] {
			t.Errorf("addressee line %q written twice: %q", r, recipient)
		}
		seen[fold(r)] = true
		if mentions([]string{r}, "service", "bureau", " rh") {
			services++
		}
	}
	if services > 1 {
		t.Errorf("addressee names %d services: %q", services, recipient)
	}
	want := "À " + Blank + ", le"
	if city := place(f.drawable()); city != "" {
		want = "À " + city + ", le"
	}
	if !strings.Contains(pdftext.Normalize(doc.Text()), pdftext.Normalize(want)) {
		t.Errorf("place line is not %q", want)
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
