package letters

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/anefbot/anefbot/flows"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// ErrUnknownLetter is returned for a letter ID that is not in Letters.
var ErrUnknownLetter = errors.New("unknown letter")

// Facts are what a letter is written from. Empty strings and zero dates
// are unknown: the letter leaves a dotted line to fill in by hand.
type Facts struct {
	Name, Address, Number string
	Departement           string
	PrefectureAddress     string
	Org, OrgAddress       string
	Reason                string // why a renewal is late, in the person's words
	// City is the town of the place line when the address does not give
	// it (CityOf).
	City         string
	Phone, Email string
	// ANEF is the ANEF application number (numéro de demande).
	ANEF string
	// CCC and Shots are "yes", "no" or "" (not answered): whether the
	// person contacted the Centre de contact citoyen, on CCCDate when
	// known, and kept dated screenshots (anef.md §2.3 steps 1-2).
	CCC, Shots     string
	CCCDate        time.Time
	Situation      string // flows.KeySituation's value
	Expiry, Filed  time.Time
	APIEnd, ADFEnd time.Time
	Since, Sent    time.Time
	Today          time.Time
	// LinkAttestations is service-public sheet F36206 (anef.md §9.7).
	LinkAttestations string
}

// ForeignerNo is the numéro étranger, as the templates call it.
func (f Facts) ForeignerNo() string { return f.Number }

// templates are parsed once; Compose clones them to bind today's date.
var templates = template.Must(template.New("letters").Funcs(funcs(time.Time{})).ParseFS(templateFS, "templates/*.tmpl"))

// Blank is the dotted space left to fill in by hand.
const Blank = "……………………………"

func funcs(today time.Time) template.FuncMap {
	return template.FuncMap{
		"blank":      func() string { return Blank },
		"date":       longDate,
		"past":       func(d time.Time) bool { return !d.IsZero() && !d.After(today) },
		"onTime":     onTime,
		"lines":      lines,
		"recipient":  prefectureLines,
		"orgLines":   orgLines,
		"place":      place,
		"orgName":    orgName,
		"orgSubject": orgSubject,
		// clause is the person's words inside a sentence of the letter:
		// their own final full stop would double the letter's.
		"clause": func(s string) string { return strings.TrimRight(strings.TrimSpace(s), ".!;, ") },
	}
}

// Compose fills letter id's template with f and returns its blocks.
// Fields the PDF font cannot draw are blanked first (see Drawable).
func Compose(id string, f Facts) (Document, error) {
	if _, ok := ByID(id); !ok {
		return Document{}, fmt.Errorf("%w: %q", ErrUnknownLetter, id)
	}
	t, err := templates.Clone()
	if err != nil {
		return Document{}, fmt.Errorf("clone templates: %w", err)
	}
	f = f.drawable()
	var buf bytes.Buffer
	if err := t.Funcs(funcs(f.Today)).ExecuteTemplate(&buf, id+".tmpl", f); err != nil {
		return Document{}, fmt.Errorf("letter %s: %w", id, err)
	}
	return Document{Blocks: parseBlocks(buf.String())}, nil
}

// drawable blanks every field that holds a character the PDF font cannot
// draw (a name in Arabic script, an emoji): the person writes it by hand
// rather than receiving a letter with empty boxes.
func (f Facts) drawable() Facts {
	for _, p := range []*string{&f.Name, &f.Address, &f.Number, &f.Departement, &f.PrefectureAddress, &f.OrgAddress, &f.Reason, &f.City, &f.Phone, &f.Email, &f.ANEF} {
		if !DrawableText(*p) {
			*p = ""
		}
	}
	return f
}

var monthsFR = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// longDate writes a date as a French letter does: "1er mars 2027",
// "20 novembre 2026"; a zero date is a dotted space.
func longDate(d time.Time) string {
	if d.IsZero() {
		return "……/……/…………"
	}
	day := fmt.Sprint(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	return day + " " + monthsFR[d.Month()-1] + " " + fmt.Sprint(d.Year())
}

// onTime reports whether the renewal was filed within the R431-5 window
// for ANEF titles (anef.md §3.1, §9.2); false when a date is unknown, so
// the letter claims nothing it cannot show.
func onTime(f Facts) bool {
	if f.Filed.IsZero() || f.Expiry.IsZero() {
		return false
	}
	open, close := flows.RenewalWindow(f.Expiry, true)
	return !f.Filed.Before(open) && !f.Filed.After(close)
}

// lines splits a typed address into its non-empty lines (at most five).
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && len(out) < 5 {
			out = append(out, l)
		}
	}
	return out
}

func orgName(org string) string {
	switch org {
	case OrgEmployer:
		return "Service des ressources humaines"
	case OrgCAF:
		return "Caisse d’allocations familiales (CAF)"
	case OrgCPAM:
		return "Caisse primaire d’assurance maladie (CPAM)"
	case OrgFranceTrav:
		return "France Travail"
	}
	return Blank
}

func orgSubject(org string) string {
	switch org {
	case OrgEmployer:
		return "Mon employeur"
	case OrgCAF:
		return "La caisse d’allocations familiales (CAF)"
	case OrgCPAM:
		return "La caisse primaire d’assurance maladie (CPAM)"
	case OrgFranceTrav:
		return "France Travail"
	}
	return "L’organisme"
}
