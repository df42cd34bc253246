package letters

import (
	_ "embed"
	"regexp"
	"strings"
)

// Prefecture is the préfecture of a département: its name as written on an
// envelope and the town where it sits.
type Prefecture struct {
	Dep, Name, Seat string
}

//go:embed prefectures.tsv
var prefecturesTSV string

// prefectures are the 101 préfectures by département code, read once from
// prefectures.tsv (its header gives the source).
var prefectures = parsePrefectures(prefecturesTSV)

func parsePrefectures(tsv string) map[string]Prefecture {
	out := map[string]Prefecture{}
	for _, l := range strings.Split(tsv, "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		cols := strings.Split(l, "\t")
		if len(cols) != 3 {
			continue // the completeness test names the broken line
		}
		out[cols[0]] = Prefecture{Dep: cols[0], Name: cols[1], Seat: cols[2]}
	}
	return out
}

// PrefectureOf returns the préfecture of département dep ("93", "2A").
func PrefectureOf(dep string) (Prefecture, bool) {
	p, ok := prefectures[dep]
	return p, ok
}

// postalCity finds "93200 Saint-Denis" at the end of an address line.
var postalCity = regexp.MustCompile(`(?:^|[\s,])\d{5}\s+([^\d,][^,]*)$`)

// CityOf is the town of a French postal address: what follows the postal
// code on its last line that has one ("93200 Saint-Denis" → "Saint-Denis"),
// without "Cedex" or a note in brackets. Empty when no line has a postal
// code: the letter then asks for the town, or leaves a dotted line.
func CityOf(address string) string {
	ls := lines(address)
	for i := len(ls) - 1; i >= 0; i-- {
		m := postalCity.FindStringSubmatch(ls[i])
		if m == nil {
			continue
		}
		city := m[1]
		if j := strings.Index(city, "("); j > 0 {
			city = city[:j]
		}
		if j := strings.Index(strings.ToLower(city), " cedex"); j > 0 {
			city = city[:j]
		}
		return strings.TrimSpace(city)
	}
	return ""
}

// place is the town of the place line: the one the person typed, else the
// one of their address, else "" (a dotted line).
func place(f Facts) string {
	if f.City != "" {
		return f.City
	}
	return CityOf(f.Address)
}

// fold lowercases s and drops the accents a typed address may or may not
// carry, to compare lines.
var foldReplacer = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "É", "e", "ô", "o", "’", "'")

func fold(s string) string { return foldReplacer.Replace(strings.ToLower(s)) }

func mentions(ls []string, words ...string) bool {
	for _, l := range ls {
		f := " " + fold(l) + " "
		for _, w := range words {
			if strings.Contains(f, w) {
				return true
			}
		}
	}
	return false
}

// prefectureLines is the addressee block of a letter to the préfecture
// (anef.md §1.1: the préfecture or sous-préfecture; in Paris the
// préfecture de police). The person's own lines come first when they name
// a préfecture or a sous-préfecture; the "Service des étrangers" line is
// added only when their lines name no service, so no service is written
// twice; without a typed address the seat is known and the street and
// postal code are left to fill in by hand.
func prefectureLines(f Facts) []string {
	typed := lines(f.PrefectureAddress)
	var out []string
	if len(typed) > 0 && strings.HasPrefix(fold(typed[0]), "sous-prefecture") || len(typed) > 0 && strings.HasPrefix(fold(typed[0]), "prefecture") {
		out = append(out, typed[0])
		typed = typed[1:]
	} else if p, ok := PrefectureOf(f.Departement); ok {
		out = append(out, p.Name)
	} else {
		out = append(out, "Préfecture")
	}
	if !mentions(append([]string{out[0]}, typed...), "service", "etrangers", "immigration", "bureau", "direction") {
		out = append(out, "Service des étrangers")
	}
	if len(typed) > 0 {
		return append(out, typed...)
	}
	if p, ok := PrefectureOf(f.Departement); ok && strings.HasPrefix(out[0], "Préfecture") {
		return append(out, Blank, "……… "+p.Seat)
	}
	return append(out, Blank, Blank)
}

// orgLines is the addressee block of the complaint to an organisation: the
// name and address the person typed, with the organisation's name or the
// human-resources service only when their lines do not already say it.
func orgLines(f Facts) []string {
	typed := lines(f.OrgAddress)
	if len(typed) == 0 {
		return []string{orgName(f.Org), Blank, Blank}
	}
	switch f.Org {
	case OrgEmployer:
		// The employer's name is the person's first line; the service
		// goes under it unless they named one.
		if mentions(typed, " rh ", "rh,", "ressources humaines", "service", "direction", " drh") {
			return typed
		}
		return append([]string{typed[0], orgName(f.Org)}, typed[1:]...)
	case OrgCAF:
		if mentions(typed, "caf", "allocations familiales") {
			return typed
		}
	case OrgCPAM:
		if mentions(typed, "cpam", "assurance maladie") {
			return typed
		}
	case OrgFranceTrav:
		if mentions(typed, "france travail", "pole emploi") {
			return typed
		}
	}
	return append([]string{orgName(f.Org)}, typed...)
}
