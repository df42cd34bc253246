package flows_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

var urlRE = regexp.MustCompile(`https?://[^\s)»]+`)

// anef.md §10.6: https everywhere; an association's page labelled as an
// association's, a préfecture's page as that préfecture's; no link the
// bot does not know the kind of. Checked on every plan of the review
// scenarios, in French and in English.
func TestLinksAreLabelledForWhatTheyAre(t *testing.T) {
	for link := range flows.Sources {
		if !strings.HasPrefix(link, "https://") {
			t.Errorf("%s is not https", link)
		}
	}
	g, err := flows.Diagnosis()
	if err != nil {
		t.Fatal(err)
	}
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]map[flows.LinkKind][]string{
		"fr": {flows.Association: {"association", "associatif"}, flows.Prefecture: {"préfecture de l'Hérault", "préfecture du Nord"}},
		"en": {flows.Association: {"association"}, flows.Prefecture: {"préfecture de l'Hérault", "préfecture du Nord"}},
	}
	used := map[string]bool{}
	for _, lang := range []string{"fr", "en"} {
		for _, sc := range reviewScenarios() {
			out, err := bot.Render(c, lang, 1, flows.Reply{Parts: g.Step(sc.plan).Build(flows.Facts{Answers: sc.answers, Today: urgencyToday})})
			if err != nil {
				t.Fatal(err)
			}
			for _, para := range strings.Split(out.Text, "\n\n") {
				for _, link := range urlRE.FindAllString(para, -1) {
					link = strings.TrimRight(link, ".,;:")
					used[link] = true
					kind, known := flows.Sources[link]
					if !known {
						t.Errorf("%s %s: unknown link %s", lang, sc.plan, link)
						continue
					}
					if want := labels[lang][kind]; want != nil && !containsAny(para, want) {
						t.Errorf("%s %s: %s is not labelled as %v:\n%s", lang, sc.plan, link, want, para)
					}
				}
			}
		}
	}
	for link := range flows.Sources {
		if !used[link] {
			t.Errorf("%s is declared but no plan shows it", link)
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
