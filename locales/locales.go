// Package locales holds anefbot's message files (go-i18n TOML, one file per
// feature and language, named <feature>.<lang>.toml), embeds them, matches a
// Telegram language_code to a supported language and renders a message ID
// with its arguments in a language.
//
// French is the reference text; every other language must have every
// message French has (see locales_test.go).
package locales

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/bidi"
)

//go:embed *.toml review/*.toml
var files embed.FS

// Reference is the language every other is checked against.
const Reference = "fr"

// Language is one supported language.
type Language struct {
	Code string // BCP 47 code, as in the file names
	Name string // its own name, in its own script
	RTL  bool   // written right to left
}

// Languages are the languages anefbot speaks, the reference first (it is
// also the fallback for an unknown language_code).
var Languages = []Language{
	{Code: "fr", Name: "Français"},
	{Code: "en", Name: "English"},
	{Code: "ar", Name: "العربية", RTL: true},
	{Code: "fa", Name: "فارسی / دری", RTL: true},
	{Code: "ps", Name: "پښتو", RTL: true},
	{Code: "zh", Name: "中文（简体）"},
	{Code: "es", Name: "Español"},
	{Code: "pt", Name: "Português"},
	{Code: "ru", Name: "Русский"},
	{Code: "uk", Name: "Українська"},
	{Code: "tr", Name: "Türkçe"},
	{Code: "bn", Name: "বাংলা"},
}

// ErrNoMessage is returned by Text for an ID no file defines.
var ErrNoMessage = errors.New("no such message")

// Catalog renders messages. It is safe for concurrent use.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	rtl        map[string]bool
	matcher    language.Matcher
	tags       []language.Tag
	ids        map[string]map[string]bool // lang -> message IDs
	// source holds the text of each reference message (every form), the
	// text a translation is made from; status the review status of each
	// translated message, by language (see status.go).
	source map[string]string
	status map[string]map[string]Status
	// args holds the template arguments of each reference message.
	args map[string][]string
	// plural holds the messages with plural forms: only those take
	// "Count" as the number that picks a form.
	plural map[string]bool
	// plain and simple make the common renders cheap (see fast.go).
	plain  map[string]map[string]string
	simple map[string]map[string]simpleTemplate
}

// New loads the embedded message files.
func New() (*Catalog, error) {
	return Load(files)
}

// Load reads every *.toml file at the root of fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{
		bundle:     i18n.NewBundle(language.French),
		localizers: map[string]*i18n.Localizer{},
		rtl:        map[string]bool{},
		ids:        map[string]map[string]bool{},
		source:     map[string]string{},
		status:     map[string]map[string]Status{},
		args:       map[string][]string{},
		plural:     map[string]bool{},
	}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	names, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if !messageFile(name) {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mf, err := c.bundle.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("locale %s: %w", name, err)
		}
		lang := mf.Tag.String()
		if c.ids[lang] == nil {
			c.ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			if c.ids[lang][m.ID] {
				return nil, fmt.Errorf("locale %s: message %q defined twice", name, m.ID)
			}
			c.ids[lang][m.ID] = true
			c.addSimple(lang, m)
			if lang == Reference {
				c.args[m.ID] = templateArgs(m.Other, m.One, m.Few, m.Many, m.Two, m.Zero)
				c.plural[m.ID] = m.One+m.Few+m.Many+m.Two+m.Zero != ""
				c.source[m.ID] = strings.Join([]string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other}, "\x00")
			}
		}
	}
	for _, l := range Languages {
		tag := language.MustParse(l.Code)
		c.tags = append(c.tags, tag)
		c.localizers[l.Code] = i18n.NewLocalizer(c.bundle, l.Code)
		c.rtl[l.Code] = l.RTL
	}
	c.matcher = language.NewMatcher(c.tags)
	if err := c.loadStatus(fsys); err != nil {
		return nil, err
	}
	c.prerender()
	return c, nil
}

// messageFile reports whether name is a message file, <feature>.<lang>.toml
// (glossary.toml, next to them, is not).
func messageFile(name string) bool { return strings.Count(name, ".") == 2 }

// Match returns the supported language closest to a client's language code
// ("pt-br", "fa-AF", "zh-hans"), or the reference when nothing is close.
func (c *Catalog) Match(code string) string {
	if code == "" {
		return Reference
	}
	tag, err := language.Parse(code)
	if err != nil {
		return Reference
	}
	if base, _ := tag.Base(); aliases[base.String()] != "" {
		tag = language.Make(aliases[base.String()])
	}
	_, i, conf := c.matcher.Match(tag)
	if conf == language.No {
		return Reference
	}
	return Languages[i].Code
}

// aliases maps the codes of varieties to the language whose texts serve
// them: Dari and Iranian Persian, the Pashto varieties, Maghrebi and other
// spoken Arabics, Mandarin.
var aliases = map[string]string{
	"prs": "fa", "pes": "fa",
	"pbu": "ps", "pbt": "ps", "pst": "ps",
	"arb": "ar", "ary": "ar", "arq": "ar", "aeb": "ar", "apc": "ar", "arz": "ar",
	"cmn": "zh",
}

// IDs returns the message IDs defined for a language, sorted.
func (c *Catalog) IDs(lang string) []string {
	out := make([]string, 0, len(c.ids[lang]))
	for id := range c.ids[lang] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Has reports whether lang defines id itself (not through the fallback).
func (c *Catalog) Has(lang, id string) bool { return c.ids[lang][id] }

// Args returns the template arguments a reference message uses, sorted.
func (c *Catalog) Args(id string) []string { return c.args[id] }

var argPattern = regexp.MustCompile(`\{\{\s*\.(\w+)`)

func templateArgs(texts ...string) []string {
	set := map[string]bool{}
	for _, t := range texts {
		for _, m := range argPattern.FindAllStringSubmatch(t, -1) {
			set[m[1]] = true
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// RTL reports whether a language is written right to left.
func (c *Catalog) RTL(lang string) bool { return c.rtl[lang] }

// Text renders message id in lang with args. Dates (time.Time) are written
// dd/mm/yyyy, as on French documents; in a right-to-left language every
// argument is wrapped in Unicode directional isolates so that French terms,
// dates, numbers and links keep their order. "Count" selects the plural
// form. A message missing in lang falls back to the reference text.
func (c *Catalog) Text(lang, id string, args map[string]any) (string, error) {
	if s, ok := c.fast(lang, id, args); ok {
		return s, nil
	}
	return c.render(lang, id, args)
}

// render is Text without the cache.
func (c *Catalog) render(lang, id string, args map[string]any) (string, error) {
	loc, ok := c.localizers[lang]
	if !ok {
		loc = c.localizers[Reference]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args))
		for k, v := range args {
			data[k] = c.format(lang, v)
		}
		cfg.TemplateData = data
		if n, ok := args["Count"]; ok && c.plural[id] {
			cfg.PluralCount = n
		}
	}
	s, err := loc.Localize(cfg)
	if err != nil {
		var missing *i18n.MessageNotFoundErr
		if !errors.As(err, &missing) || s == "" {
			return "", fmt.Errorf("%w: %s/%s: %v", ErrNoMessage, lang, id, err)
		}
		// rendered in the fallback language
	}
	if c.rtl[lang] {
		s = isolateLTR(s)
	}
	return s, nil
}

// Directional isolates (Unicode TR9): FSI ... PDI.
const (
	fsi = "\u2068"
	pdi = "\u2069"
)

func (c *Catalog) format(lang string, v any) any {
	var s string
	switch x := v.(type) {
	case time.Time:
		s = FormatDate(x)
	case time.Weekday:
		s = c.weekday(lang, x)
	case string:
		s = x
	default:
		if !c.rtl[lang] {
			return v
		}
		s = fmt.Sprint(v)
	}
	if c.rtl[lang] && s != "" && !strings.HasPrefix(s, fsi) && !firstStrongIsRTL(s) {
		return fsi + s + pdi
	}
	return s
}

// weekday names a day of the week in lang: the messages weekday_0
// (Sunday) to weekday_6 (Saturday), as time.Weekday numbers them.
func (c *Catalog) weekday(lang string, d time.Weekday) string {
	id := "weekday_" + strconv.Itoa(int(d))
	if s, ok := c.plain[lang][id]; ok {
		return s
	}
	s, _ := c.render(lang, id, nil)
	return s
}

// isolateLTR wraps every left-to-right run of a right-to-left text (a
// French term, a date, a number, a link) in a first-strong isolate, so
// that Telegram clients keep its words and digits in order. Runs are
// decided with the Unicode bidi classes (golang.org/x/text/unicode/bidi):
// a run starts at a strong left-to-right character (class L, or a
// European digit) and ends at the last one before a strong right-to-left
// character (R, AL); the neutrals between (spaces, punctuation) go with it.
// A pair of brackets or quotes is never split: a run that holds one half
// takes the other half too when only neutrals stand between them, or
// gives its half back to the right-to-left text. Text already inside an
// isolate (an argument) is left as it is. A command ("/forget") opens its
// run with its slash, so that Telegram still sees one clickable command.
func isolateLTR(s string) string {
	runes := []rune(s)
	cls := classify(runes)
	var pairs map[int]int
	var b strings.Builder
	at := 0
	for i := 0; i < len(runes); {
		if cls[i] != strongL {
			i++
			continue
		}
		if pairs == nil {
			pairs = bracketPairs(runes, cls)
			b.Grow(len(s) + 16)
		}
		r, next := keepPairs(run{i, runEnd(runes, cls, i)}, pairs, cls)
		i = next
		r.start = max(r.start, at) // never back over what is written
		if r.end < r.start {
			continue
		}
		if r.start > at && runes[r.start-1] == '/' {
			r.start--
		}
		b.WriteString(string(runes[at:r.start]))
		b.WriteString(fsi)
		b.WriteString(string(runes[r.start : r.end+1]))
		b.WriteString(pdi)
		at = r.end + 1
	}
	if pairs == nil {
		return s
	}
	b.WriteString(string(runes[at:]))
	return b.String()
}

// runeClass is what a rune does to the direction of its line.
type runeClass uint8

const (
	neutral  runeClass = iota
	strongL            // Latin letters, European digits
	strongR            // Arabic, Hebrew letters
	isolated           // inside an isolate already (an argument)
)

func classify(runes []rune) []runeClass {
	cls := make([]runeClass, len(runes))
	depth := 0
	for i, r := range runes {
		switch r {
		case '\u2066', '\u2067', '\u2068': // LRI, RLI, FSI
			depth++
			cls[i] = isolated
			continue
		case '\u2069': // PDI
			if depth > 0 {
				depth--
			}
			cls[i] = isolated
			continue
		}
		if depth > 0 {
			cls[i] = isolated
			continue
		}
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L, bidi.EN:
			cls[i] = strongL
		case bidi.R, bidi.AL:
			cls[i] = strongR
		}
	}
	return cls
}

// run is a left-to-right run, start and end included.
type run struct{ start, end int }

// runEnd is the last strong left-to-right rune of the run starting at i:
// the last one before the next strong right-to-left rune, isolate or line
// break.
func runEnd(runes []rune, cls []runeClass, i int) int {
	end := i
	for j := i + 1; j < len(runes) && cls[j] != strongR && cls[j] != isolated && runes[j] != '\n'; j++ {
		if cls[j] == strongL {
			end = j
		}
	}
	return end
}

// pairedSigns are the brackets and quotes a run must not split.
var pairedSigns = map[rune]rune{'(': ')', '[': ']', '{': '}', '«': '»', '‹': '›', '“': '”', '（': '）', '「': '」', '《': '》'}

// bracketPairs matches each opening sign with its closing sign, outside
// isolates; unmatched signs are ignored. It maps each half to the other.
func bracketPairs(runes []rune, cls []runeClass) map[int]int {
	pairs := map[int]int{}
	var stack []int
	for i, r := range runes {
		if cls[i] == isolated {
			continue
		}
		if _, open := pairedSigns[r]; open {
			stack = append(stack, i)
			continue
		}
		for k := len(stack) - 1; k >= 0; k-- {
			if pairedSigns[runes[stack[k]]] == r {
				pairs[stack[k]], pairs[i] = i, stack[k]
				stack = stack[:k]
				break
			}
		}
	}
	return pairs
}

// keepPairs makes sure no pair has one half inside the run and the other
// outside: the run reaches the other half when only neutrals stand between
// them (and every sign it crosses is closed inside), or it is cut just
// before its half, which stays in the right-to-left text. It returns the
// run and where scanning goes on.
func keepPairs(r run, pairs map[int]int, cls []runeClass) (run, int) {
	next := -1
	for changed := true; changed && r.end >= r.start; {
		changed = false
		for k := r.start; k <= r.end; k++ {
			other, paired := pairs[k]
			if !paired || (other >= r.start && other <= r.end) {
				continue
			}
			changed = true
			switch {
			case other > r.end && reachable(pairs, cls, r.start, r.end+1, other):
				r.end = other
			case other < r.start && reachable(pairs, cls, other, other, r.end):
				r.start = other
			default:
				r.end = lastStrong(cls, r.start, k-1)
				if next < 0 || k+1 < next {
					next = k + 1
				}
			}
			break
		}
	}
	return r, max(next, r.end+1)
}

// reachable reports whether a run [lo, hi] may take in [from, to]: only
// neutrals there, and every sign there has its other half inside [lo, hi].
func reachable(pairs map[int]int, cls []runeClass, lo, from, to int) bool {
	hi := max(to, from)
	if !onlyNeutral(cls, from, to) {
		return false
	}
	for k := from; k < to; k++ {
		if other, ok := pairs[k]; ok && (other < lo || other > hi) {
			return false
		}
	}
	return true
}

func onlyNeutral(cls []runeClass, from, to int) bool {
	for i := from; i < to; i++ {
		if cls[i] == strongR || cls[i] == isolated {
			return false
		}
	}
	return true
}

// lastStrong is the last strong left-to-right rune in [from, to], or
// from-1 when there is none (an empty run).
func lastStrong(cls []runeClass, from, to int) int {
	for i := to; i >= from; i-- {
		if cls[i] == strongL {
			return i
		}
	}
	return from - 1
}

// firstStrongIsRTL reports whether a text's first strong character is
// right to left: such an argument keeps its own direction and is not
// put in an isolate (a left-to-right one would lay it out backwards).
func firstStrongIsRTL(s string) bool {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L, bidi.EN:
			return false
		case bidi.R, bidi.AL:
			return true
		}
	}
	return false
}

// FormatDate writes a date as on French documents: dd/mm/yyyy.
func FormatDate(t time.Time) string { return t.Format("02/01/2006") }
