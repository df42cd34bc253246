package locales

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Every reply renders a dozen messages (paragraphs and button labels);
// through go-i18n and text/template each costs a template execution and
// a dozen allocations. Two shortcuts give the same text for the common
// cases, and leave the rest (plural forms, fallbacks, templates with more
// than {{.Name}}) to go-i18n:
//   - plain: every message rendered once without arguments, at load;
//   - simple: messages whose only actions are {{.Name}}, split into
//     literal text and argument names, filled in without text/template.
// Behaviour is the same as go-i18n's (fast_bench_test.go compares them
// over every message of every language).

// simpleTemplate is a message text split around its {{.Name}} actions:
// lits has one more element than names.
type simpleTemplate struct {
	lits  []string
	names []string
}

var simpleAction = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// addSimple records message m of lang (a tag as in the file names) when
// it has no plural forms and only {{.Name}} actions.
func (c *Catalog) addSimple(lang string, m *i18n.Message) {
	if m.One != "" || m.Few != "" || m.Many != "" || m.Two != "" || m.Zero != "" ||
		(m.LeftDelim != "" && m.LeftDelim != "{{") || (m.RightDelim != "" && m.RightDelim != "}}") {
		return
	}
	var t simpleTemplate
	rest := m.Other
	for {
		loc := simpleAction.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		t.lits = append(t.lits, rest[:loc[0]])
		t.names = append(t.names, rest[loc[2]:loc[3]])
		rest = rest[loc[1]:]
	}
	if strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return
	}
	for _, l := range t.lits {
		if strings.Contains(l, "{{") || strings.Contains(l, "}}") {
			return
		}
	}
	t.lits = append(t.lits, rest)
	if c.simple == nil {
		c.simple = map[string]map[string]simpleTemplate{}
	}
	if c.simple[lang] == nil {
		c.simple[lang] = map[string]simpleTemplate{}
	}
	c.simple[lang][m.ID] = t
}

// prerender renders every message without arguments, and files the
// simple templates under the language codes Text is called with.
func (c *Catalog) prerender() {
	byTag := c.simple
	c.simple = make(map[string]map[string]simpleTemplate, len(Languages))
	c.plain = make(map[string]map[string]string, len(Languages))
	for _, l := range Languages {
		c.simple[l.Code] = byTag[language.MustParse(l.Code).String()]
		texts := make(map[string]string, len(c.ids[Reference]))
		for id := range c.ids[Reference] {
			if s, err := c.render(l.Code, id, nil); err == nil {
				texts[id] = s
			}
		}
		c.plain[l.Code] = texts
	}
}

// fast renders through a shortcut; false when none applies.
func (c *Catalog) fast(lang, id string, args map[string]any) (string, bool) {
	if len(args) == 0 {
		s, ok := c.plain[lang][id]
		return s, ok
	}
	if c.plural[id] {
		return "", false
	}
	t, ok := c.simple[lang][id]
	if !ok {
		return "", false
	}
	var b strings.Builder
	n := 0
	for _, l := range t.lits {
		n += len(l)
	}
	b.Grow(n + 32*len(t.names))
	for i, name := range t.names {
		b.WriteString(t.lits[i])
		v, ok := args[name]
		if ok && v == nil {
			return "", false // text/template's own nil rules apply
		}
		if !ok {
			b.WriteString("<no value>") // as text/template writes it
			continue
		}
		b.WriteString(c.argText(lang, v))
	}
	b.WriteString(t.lits[len(t.lits)-1])
	if c.rtl[lang] {
		return isolateLTR(b.String()), true
	}
	return b.String(), true
}

// argText is format's result as text/template prints it.
func (c *Catalog) argText(lang string, v any) string { return fmt.Sprint(c.format(lang, v)) }
