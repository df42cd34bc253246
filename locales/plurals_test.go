package locales

import (
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// pluralCounts are the numbers every plural message is rendered with: they
// reach every CLDR category of the twelve languages (Arabic zero, two, few
// and many; Russian and Ukrainian one at 21 and 101; French and Persian
// "one" at 0).
var pluralCounts = []int{0, 1, 2, 3, 5, 11, 21, 100, 101}

// neverBelowOne are the plural messages the bot never shows with a count of
// 0 (their French "one" form, chosen for 0 and 1, names no number).
var neverBelowOne = map[string]string{
	"handoff_admin_stats_title": "Count is the statistics retention in days, at least 1",
}

// pluralForms reads the forms each language gives each plural message:
// lang -> id -> form -> text.
func pluralForms(t *testing.T) map[string]map[string]map[string]string {
	t.Helper()
	names, _ := fsGlob()
	out := map[string]map[string]map[string]string{}
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := toml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		lang := strings.Split(name, ".")[1]
		if out[lang] == nil {
			out[lang] = map[string]map[string]string{}
		}
		for id, v := range m {
			forms, ok := v.(map[string]any)
			if !ok {
				continue
			}
			out[lang][id] = map[string]string{}
			for f, s := range forms {
				out[lang][id][f], _ = s.(string)
			}
		}
	}
	return out
}

// category names the CLDR plural category of n in lang, as go-i18n and
// the message files name it.
func category(lang string, n int) string {
	switch plural.Cardinal.MatchPlural(language.MustParse(lang), n, 0, 0, 0, 0) {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

// Every message with a count, in every language, at 0, 1, 2, 3, 5, 11, 21,
// 100 and 101: the language's own file has the form CLDR picks (no French
// or fallback text), the text renders whole, the Arabic dual names no
// digit ("دقيقتين", not "2 دقيقتين"), and a form without the number is
// used only for 1 and 2, where the word itself says the number.
func TestPluralMessagesAtEveryCount(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	forms := pluralForms(t)
	for id := range forms[Reference] {
		for _, l := range Languages {
			own := forms[l.Code][id]
			if own == nil {
				t.Errorf("%s/%s: not a plural message in this language", l.Code, id)
				continue
			}
			if two, ok := own["two"]; ok && strings.Contains(two, "{{.Count}}") {
				t.Errorf("%s/%s: the dual form repeats the number: %q", l.Code, id, two)
			}
			for _, n := range pluralCounts {
				checkPluralAt(t, c, l.Code, id, own, n)
			}
		}
	}
}

func checkPluralAt(t *testing.T, c *Catalog, lang, id string, own map[string]string, n int) {
	t.Helper()
	cat := category(lang, n)
	if own[cat] == "" {
		t.Errorf("%s/%s: no %q form, needed for %d", lang, id, cat, n)
		return
	}
	data := map[string]any{"Count": n}
	for _, a := range c.Args(id) {
		if a != "Count" {
			data[a] = "x"
		}
	}
	got, err := c.Text(lang, id, data)
	if err != nil {
		t.Errorf("%s/%s at %d: %v", lang, id, n, err)
		return
	}
	if strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
		t.Errorf("%s/%s at %d: unrendered template: %q", lang, id, n, got)
	}
	if n == 2 && cat == "two" && strings.Contains(got, "2") {
		t.Errorf("%s/%s at 2: the dual names the digit: %q", lang, id, got)
	}
	if n == 1 || n == 2 || (n == 0 && neverBelowOne[id] != "") {
		return
	}
	if !strings.Contains(got, strconv.Itoa(n)) {
		t.Errorf("%s/%s at %d: the %q form does not say the number: %q", lang, id, n, cat, got)
	}
}
