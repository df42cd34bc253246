package locales

import (
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// glossary is locales/glossary.toml: the official French terms the bot
// keeps in French, with the agreed gloss of each language.
type glossary struct {
	Variants map[string]string `toml:"variants"`
	Terms    []glossaryTerm    `toml:"term"`
}

type glossaryTerm struct {
	FR     string            `toml:"fr"`
	Match  []string          `toml:"match"`
	Unless []string          `toml:"unless"`
	Gloss  map[string]string `toml:"gloss"`
	Stem   map[string]string `toml:"stem"`
}

func loadGlossary(t *testing.T) glossary {
	t.Helper()
	data, err := files.ReadFile("glossary.toml")
	if err != nil {
		t.Fatal(err)
	}
	var g glossary
	if _, err := toml.Decode(string(data), &g); err != nil {
		t.Fatalf("glossary.toml: %v", err)
	}
	return g
}

// forms are the French forms that name the term.
func (term glossaryTerm) forms() []string {
	if len(term.Match) > 0 {
		return term.Match
	}
	return []string{term.FR}
}

// carries reports whether a translation keeps the French term (in one of
// its forms).
func (term glossaryTerm) carries(text string) bool {
	for _, f := range term.forms() {
		if strings.Contains(text, strings.ToLower(f)) {
			return true
		}
	}
	return false
}

// named reports whether a French text names the term (and not only a
// longer term containing it, such as sous-préfecture for préfecture).
func (term glossaryTerm) named(fr string) bool {
	s := strings.ToLower(fr)
	for _, u := range term.Unless {
		s = strings.ReplaceAll(s, strings.ToLower(u), "")
	}
	for _, f := range term.forms() {
		if strings.Contains(s, strings.ToLower(f)) {
			return true
		}
	}
	return false
}

// stem is what the test looks for to find the gloss in lang.
func (term glossaryTerm) stem(lang string) string {
	if s := term.Stem[lang]; s != "" {
		return s
	}
	return term.Gloss[lang]
}

// glossaryExceptions are the messages that may name a term in French
// alone: each is shown in the same reply right after a message that
// already glosses it (the reply's second mention), or is a keyword list
// read by the matcher and never shown.
var glossaryExceptions = map[string]string{
	// filled below where a reply repeats a term
}

// Every term names its gloss in every language, and the variant of every
// language is written down.
func TestGlossaryIsComplete(t *testing.T) {
	g := loadGlossary(t)
	for _, l := range Languages {
		if g.Variants[l.Code] == "" {
			t.Errorf("[variants] has no entry for %s", l.Code)
		}
	}
	for _, term := range g.Terms {
		for _, l := range Languages[1:] {
			if _, ok := term.Gloss[l.Code]; !ok {
				t.Errorf("%s: no gloss for %s", term.FR, l.Code)
			}
		}
	}
}

// A message whose French names an official term carries, in every
// language, the French term and the agreed gloss (its stem, for languages
// that inflect it): the person finds the word of the paper they hold, and
// understands it.
func TestGlossary(t *testing.T) {
	g := loadGlossary(t)
	raw := rawMessages(t)
	for _, term := range g.Terms {
		var ids []string
		for id, texts := range raw[Reference] {
			if strings.HasPrefix(id, "kw_") {
				continue // keyword lists, read by the matcher, never shown
			}
			if term.named(strings.Join(texts, "\n")) {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		if len(ids) == 0 {
			t.Errorf("%s: no French message names it; remove it from the glossary", term.FR)
		}
		for _, l := range Languages[1:] {
			stem := strings.ToLower(term.stem(l.Code))
			for _, id := range ids {
				if glossaryExceptions[l.Code+"/"+id] != "" {
					continue
				}
				text := strings.ToLower(strings.Join(raw[l.Code][id], "\n"))
				if !term.carries(text) {
					t.Errorf("%s/%s: lacks the French term %q", l.Code, id, term.FR)
				}
				if stem != "" && !strings.Contains(text, stem) {
					t.Errorf("%s/%s: lacks the gloss of %q (%q)", l.Code, id, term.FR, term.stem(l.Code))
				}
			}
		}
	}
}
