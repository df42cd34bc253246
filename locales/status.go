package locales

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Review status, per message: review/<lang>.toml records, for every
// translated message, the hash of the French text it was translated from
// and whether a native speaker has reviewed it:
//
//	t8_title = { from = "3f2a9c1e", reviewed = false }
//
// A translation whose French changed since (another hash), or that has no
// record, is stale: `anefbot messages --stale` lists them, and the
// language is not reviewed. See docs/translating.md for the workflow.

// Status is the review status of one translated message.
type Status struct {
	// From is SourceHash of the French text the translation was made from.
	From string `toml:"from"`
	// Reviewed is true once a native speaker has checked the translation
	// of that French text.
	Reviewed bool `toml:"reviewed"`
}

// SourceHash is a short hash of the French text of a message, every
// plural form included; "" for an unknown message.
func (c *Catalog) SourceHash(id string) string {
	src, ok := c.source[id]
	if !ok {
		return ""
	}
	sum := sha256.Sum256([]byte(src))
	return hex.EncodeToString(sum[:4])
}

// StatusOf returns the recorded status of a translated message.
func (c *Catalog) StatusOf(lang, id string) (Status, bool) {
	st, ok := c.status[lang][id]
	return st, ok
}

// Stale lists, sorted, the messages of lang whose French text changed
// since they were translated, or that were never recorded. The reference
// language is never stale.
func (c *Catalog) Stale(lang string) []string {
	if lang == Reference {
		return nil
	}
	var out []string
	for id := range c.ids[Reference] {
		if st, ok := c.status[lang][id]; !ok || st.From != c.SourceHash(id) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Reviewed reports whether every message of lang has been reviewed by a
// native speaker, from the French text it has now. The reference is.
func (c *Catalog) Reviewed(lang string) bool {
	if lang == Reference {
		return true
	}
	for id := range c.ids[Reference] {
		st, ok := c.status[lang][id]
		if !ok || !st.Reviewed || st.From != c.SourceHash(id) {
			return false
		}
	}
	return len(c.ids[Reference]) > 0
}

// loadStatus reads review/<lang>.toml.
func (c *Catalog) loadStatus(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "review/*.toml")
	if err != nil {
		return err
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		var m map[string]Status
		if err := toml.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("review status %s: %w", name, err)
		}
		c.status[strings.TrimSuffix(path.Base(name), ".toml")] = m
	}
	return nil
}

// StatusFile renders the review file of lang after applying change to
// each message's status (nil keeps it); messages without a record get
// none unless change gives one. The file is sorted by ID.
func (c *Catalog) StatusFile(lang string, change func(id string, st Status, ok bool) (Status, bool)) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Review status of the %s translations: for each message, the hash of the\n", lang)
	b.WriteString("# French text it was translated from, and whether a native speaker reviewed it.\n")
	b.WriteString("# Written by `anefbot messages --stamp` and `--reviewed`; see docs/translating.md.\n\n")
	for _, id := range c.IDs(Reference) {
		st, ok := c.status[lang][id]
		if change != nil {
			st, ok = change(id, st, ok)
		}
		if ok && c.Has(lang, id) {
			fmt.Fprintf(&b, "%s = { from = %q, reviewed = %t }\n", id, st.From, st.Reviewed)
		}
	}
	return b.Bytes()
}

// Plural reports whether a message has plural forms (chosen by "Count").
func (c *Catalog) Plural(id string) bool { return c.plural[id] }
