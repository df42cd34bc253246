package main

import (
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/anefbot/anefbot/locales"
)

// messages runs `anefbot messages`: print the texts, list stale
// translations, write the review page, or record review status in
// locales/review/<lang>.toml (docs/translating.md).
func (m *Main) messages(args []string) error {
	fs := flag.NewFlagSet("messages", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	stale := fs.Bool("stale", false, "list translations whose French changed since they were made")
	page := fs.String("html", "", "write the review page of this language")
	out := fs.String("o", "", "file the review page is written to (default messages-<lang>.html)")
	stamp := fs.Bool("stamp", false, "record that these translations follow the French of today")
	stampNew := fs.Bool("stamp-new", false, "record the translations that have no status yet")
	reviewed := fs.Bool("reviewed", false, "mark these translations reviewed by a native speaker")
	dir := fs.String("dir", "locales", "the locales folder of the repository, for --stamp and --reviewed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	switch {
	case *page != "":
		return m.reviewPage(*page, *out)
	case *stale:
		return m.printStale(first(rest))
	case *stamp || *reviewed:
		if len(rest) < 2 {
			return errors.New("usage: anefbot messages --stamp|--reviewed LANG ID...")
		}
		return m.writeStatus(*dir, rest[0], rest[1:], *reviewed)
	case *stampNew:
		return m.stampNew(*dir, first(rest))
	}
	return m.printMessages(first(rest))
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// translated lists the languages other than the reference (one when lang
// is set), or an error for an unknown one.
func translated(lang string) ([]string, error) {
	var out []string
	for _, l := range locales.Languages {
		if l.Code != locales.Reference && (lang == "" || l.Code == lang) {
			out = append(out, l.Code)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no translated language %q; known: %s", lang, knownLanguages())
	}
	return out, nil
}

// catalogFor loads the messages and the translated languages to work on.
func catalogFor(lang string) (*locales.Catalog, []string, error) {
	langs, err := translated(lang)
	if err != nil {
		return nil, nil, err
	}
	c, err := locales.New()
	return c, langs, err
}

// printStale lists, per language, the translations to update.
func (m *Main) printStale(lang string) error {
	c, langs, err := catalogFor(lang)
	if err != nil {
		return err
	}
	for _, code := range langs {
		ids := c.Stale(code)
		fmt.Fprintf(m.Stdout, "# %s: %d stale\n", code, len(ids))
		for _, id := range ids {
			if st, ok := c.StatusOf(code, id); ok {
				fmt.Fprintf(m.Stdout, "%s\tFrench changed since the translation (from %s, now %s)\n", id, st.From, c.SourceHash(id))
			} else {
				fmt.Fprintf(m.Stdout, "%s\tno status recorded\n", id)
			}
		}
	}
	return nil
}

// writeStatus records ids of lang as following today's French, and
// reviewed when asked (a review is of the text as it is now).
func (m *Main) writeStatus(dir, lang string, ids []string, reviewed bool) error {
	c, err := locales.New()
	if err != nil {
		return err
	}
	if _, err := translated(lang); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, id := range ids {
		if c.SourceHash(id) == "" || !c.Has(lang, id) {
			return fmt.Errorf("%s has no message %q", lang, id)
		}
		want[id] = true
	}
	data := c.StatusFile(lang, func(id string, st locales.Status, ok bool) (locales.Status, bool) {
		if !want[id] {
			return st, ok
		}
		return locales.Status{From: c.SourceHash(id), Reviewed: reviewed}, true
	})
	return m.writeFile(filepath.Join(dir, "review", lang+".toml"), data)
}

// stampNew records, for messages that have no status yet, the French they
// were translated from: a new message is translated with its French.
func (m *Main) stampNew(dir, lang string) error {
	c, langs, err := catalogFor(lang)
	if err != nil {
		return err
	}
	for _, code := range langs {
		data := c.StatusFile(code, func(id string, st locales.Status, ok bool) (locales.Status, bool) {
			if ok {
				return st, ok
			}
			return locales.Status{From: c.SourceHash(id)}, true
		})
		if err := m.writeFile(filepath.Join(dir, "review", code+".toml"), data); err != nil {
			return err
		}
	}
	return nil
}

func (m *Main) writeFile(name string, data []byte) error {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s\n", name)
	return nil
}

// pluralCounts are the numbers every plural message is shown with.
var pluralCounts = []int{0, 1, 2, 3, 5, 11, 100}

// reviewPage writes one HTML page for a native speaker: every message,
// French and the translation side by side, every plural form, the
// translation laid out right to left where it applies, its status.
func (m *Main) reviewPage(lang, out string) error {
	c, err := locales.New()
	if err != nil {
		return err
	}
	var l locales.Language
	for _, x := range locales.Languages {
		if x.Code == lang {
			l = x
		}
	}
	if l.Code == "" || l.Code == locales.Reference {
		return fmt.Errorf("no translated language %q; known: %s", lang, knownLanguages())
	}
	if out == "" {
		out = "messages-" + lang + ".html"
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := writeReviewPage(f, c, l); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s\n", out)
	return nil
}

func writeReviewPage(w io.Writer, c *locales.Catalog, l locales.Language) error {
	dir := "ltr"
	if l.RTL {
		dir = "rtl"
	}
	stale := map[string]bool{}
	for _, id := range c.Stale(l.Code) {
		stale[id] = true
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html>
<html lang="%s"><head><meta charset="utf-8"><title>anefbot — %s (%s)</title>
<style>
body{font-family:system-ui,sans-serif;margin:1em}
table{border-collapse:collapse;width:100%%}
td,th{border:1px solid #ccc;padding:.4em;vertical-align:top;white-space:pre-wrap}
th{background:#eee}.id{font-family:monospace;font-size:.85em}
.stale{background:#fff1d6}.reviewed{background:#e8f6e8}
</style></head><body>
<h1>%s — French and the translation</h1>
<p>Yellow: the French changed since the translation (stale). Green: reviewed by a native speaker.
Dates and links are sample values. Glossary: locales/glossary.toml.</p>
<table><tr><th>message</th><th>français</th><th>%s</th></tr>
`, l.Code, l.Name, l.Code, html.EscapeString(l.Name), html.EscapeString(l.Name))
	for _, id := range c.IDs(locales.Reference) {
		class := ""
		if st, ok := c.StatusOf(l.Code, id); stale[id] {
			class = "stale"
		} else if ok && st.Reviewed {
			class = "reviewed"
		}
		for _, args := range sampleSets(c, id) {
			fr, err := c.Text(locales.Reference, id, args)
			if err != nil {
				return err
			}
			tr, err := c.Text(l.Code, id, args)
			if err != nil {
				return err
			}
			label := id
			if n, ok := args["Count"]; ok && c.Plural(id) {
				label = fmt.Sprintf("%s (Count=%v)", id, n)
			}
			fmt.Fprintf(&b, "<tr class=%q><td class=\"id\">%s</td><td dir=\"ltr\" lang=\"fr\">%s</td><td dir=%q lang=%q class=\"tr\">%s</td></tr>\n",
				class, html.EscapeString(label), html.EscapeString(fr), dir, l.Code, html.EscapeString(tr))
		}
	}
	b.WriteString("</table></body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// sampleSets gives the arguments a message is shown with: the common
// samples, and for a plural message one set per count of pluralCounts.
func sampleSets(c *locales.Catalog, id string) []map[string]any {
	base := map[string]any{}
	for _, a := range c.Args(id) {
		base[a] = "{" + a + "}"
		if v, ok := sampleArgs[a]; ok {
			base[a] = v
		}
	}
	if !c.Plural(id) {
		return []map[string]any{base}
	}
	var out []map[string]any
	for _, n := range pluralCounts {
		args := map[string]any{}
		for k, v := range base {
			args[k] = v
		}
		args["Count"] = n
		out = append(out, args)
	}
	return out
}
