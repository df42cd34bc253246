package letters

import (
	"fmt"
	"strings"
	"testing"
)

// Every département the bot accepts has its préfecture, with a name and a
// seat; Paris is the préfecture de police (anef.md §1.1).
func TestEveryDepartementHasItsPrefecture(t *testing.T) {
	var codes []string
	for n := 1; n <= 95; n++ {
		codes = append(codes, fmt.Sprintf("%02d", n))
	}
	codes = append(codes, "2A", "2B", "971", "972", "973", "974", "975", "976")
	accepted := 0
	for _, c := range codes {
		dep, ok := Departement(c)
		if !ok {
			continue
		}
		accepted++
		p, ok := PrefectureOf(dep)
		if !ok || !strings.HasPrefix(p.Name, "Préfecture ") || p.Seat == "" || strings.ContainsAny(p.Name+p.Seat, "\t") {
			t.Errorf("département %s: préfecture %+v", dep, p)
		}
	}
	if accepted != 101 || len(prefectures) != 101 {
		t.Errorf("%d départements accepted, %d préfectures listed; want 101 each", accepted, len(prefectures))
	}
	if p, _ := PrefectureOf("75"); p.Name != "Préfecture de police" {
		t.Errorf("Paris: %q", p.Name)
	}
	if p, _ := PrefectureOf("69"); p.Name != "Préfecture du Rhône" || p.Seat != "Lyon" {
		t.Errorf("Rhône: %+v", p)
	}
}

func TestCityOfAnAddress(t *testing.T) {
	for addr, want := range map[string]string{
		"12 rue de l’Église\n93200 Saint-Denis":          "Saint-Denis",
		"1 rue A, 75011 Paris":                           "Paris",
		"BP 12\n69401 Lyon Cedex 03":                     "Lyon",
		"Bât. B\n97400 Saint-Denis (La Réunion)":         "Saint-Denis",
		"3 place du 8 mai 1945\n13001 Marseille\nFrance": "Marseille",
		"somewhere without a postal code":                "",
		"":                                               "",
	} {
		if got := CityOf(addr); got != want {
			t.Errorf("CityOf(%q) = %q, want %q", addr, got, want)
		}
	}
}

// The person's own lines are kept, and the préfecture or the service is
// never written twice (issue: "Préfecture – département 69 / Service des
// étrangers / Préfecture du Rhône, Service de l'immigration…").
func TestRecipientNamesNothingTwice(t *testing.T) {
	f := Facts{Departement: "69", PrefectureAddress: "Préfecture du Rhône, Service de l’immigration et de l’intégration\n18 rue de Bonnel\n69003 Lyon"}
	want := []string{"Préfecture du Rhône, Service de l’immigration et de l’intégration", "18 rue de Bonnel", "69003 Lyon"}
	if got := prefectureLines(f); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("typed préfecture: %q, want %q", got, want)
	}
	f.PrefectureAddress = "18 rue de Bonnel\n69003 Lyon"
	want = []string{"Préfecture du Rhône", "Service des étrangers", "18 rue de Bonnel", "69003 Lyon"}
	if got := prefectureLines(f); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("typed street: %q, want %q", got, want)
	}
	f.PrefectureAddress = "Sous-préfecture de Villefranche-sur-Saône\n30 rue de Thizy\n69400 Villefranche-sur-Saône"
	if got := prefectureLines(f); got[0] != "Sous-préfecture de Villefranche-sur-Saône" || got[1] != "Service des étrangers" || strings.Contains(strings.Join(got, "|"), "Rhône|") {
		t.Errorf("sous-préfecture: %q", got)
	}
	e := Facts{Org: OrgEmployer, OrgAddress: "SARL Dupont, Service RH\n3 rue Neuve\n69002 Lyon"}
	if got := orgLines(e); strings.Contains(strings.Join(got, "|"), "ressources humaines") {
		t.Errorf("employer's service written twice: %q", got)
	}
	e.OrgAddress = "SARL Dupont\n3 rue Neuve\n69002 Lyon"
	if got := orgLines(e); got[0] != "SARL Dupont" || got[1] != "Service des ressources humaines" {
		t.Errorf("employer without a service: %q", got)
	}
	c := Facts{Org: OrgCAF, OrgAddress: "CAF du Rhône\n67 boulevard Vivier-Merle\n69003 Lyon"}
	if got := orgLines(c); got[0] != "CAF du Rhône" {
		t.Errorf("CAF named twice: %q", got)
	}
}
