package locales

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/BurntSushi/toml"
)

// rawMessages reads every locale file as plain TOML: lang -> id -> texts
// (one per plural form).
func rawMessages(t *testing.T) map[string]map[string][]string {
	t.Helper()
	names, _ := fsGlob()
	out := map[string]map[string][]string{}
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := toml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		parts := strings.Split(name, ".")
		lang := parts[len(parts)-2]
		if out[lang] == nil {
			out[lang] = map[string][]string{}
		}
		for id, v := range m {
			switch x := v.(type) {
			case string:
				out[lang][id] = []string{x}
			case map[string]any:
				forms := make([]string, 0, len(x))
				for f := range x {
					forms = append(forms, f)
				}
				sort.Strings(forms) // few, many, one, other…: comparable across languages
				for _, f := range forms {
					if s, ok := x[f].(string); ok {
						out[lang][id] = append(out[lang][id], s)
					}
				}
			}
		}
	}
	return out
}

func fsGlob() ([]string, error) {
	entries, err := files.ReadDir(".")
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".toml") && messageFile(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, err
}

var argRE = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func args(texts []string) string {
	set := map[string]bool{}
	for _, s := range texts {
		for _, m := range argRE.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
	}
	var out []string
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// Every language has every message of the reference, with the same
// template arguments, and no empty text; and nothing the reference lacks.
func TestEveryLanguageIsComplete(t *testing.T) {
	raw := rawMessages(t)
	ref := raw[Reference]
	if len(ref) == 0 {
		t.Fatal("no reference messages")
	}
	for _, l := range Languages {
		msgs := raw[l.Code]
		for id, texts := range ref {
			got, ok := msgs[id]
			if !ok {
				t.Errorf("%s: missing %s", l.Code, id)
				continue
			}
			for _, s := range got {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s: %s is empty", l.Code, id)
				}
			}
			if a, b := args(texts), args(got); a != b {
				t.Errorf("%s: %s uses arguments {%s}, the reference {%s}", l.Code, id, b, a)
			}
		}
		for id := range msgs {
			if _, ok := ref[id]; !ok {
				t.Errorf("%s: %s is not in the reference (%s)", l.Code, id, Reference)
			}
		}
	}
	listed := map[string]bool{}
	for _, l := range Languages {
		listed[l.Code] = true
	}
	for lang := range raw {
		if !listed[lang] && os.Getenv("ANEFBOT_DRAFT_LANG") != lang {
			t.Errorf("locale files for %q, which is not in Languages (see docs/translating.md)", lang)
		}
	}
}

func TestEveryMessageRendersWithinTelegramLimits(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("W", 200)
	sample := map[string]any{"Count": 12}
	for _, a := range []string{"Date", "Open", "Close", "Filed", "Until", "Reviewed", "Example"} {
		sample[a] = time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	}
	ref := rawMessages(t)[Reference]
	for _, l := range Languages {
		for _, id := range c.IDs(Reference) {
			data := map[string]any{}
			for k, v := range sample {
				data[k] = v
			}
			for _, a := range strings.Split(args(ref[id]), ",") {
				if _, ok := data[a]; !ok && a != "" {
					data[a] = long
				}
			}
			s, err := c.Text(l.Code, id, data)
			if err != nil {
				t.Errorf("%s/%s: %v", l.Code, id, err)
				continue
			}
			if strings.Contains(s, "<no value>") {
				t.Errorf("%s/%s renders a missing argument: %q", l.Code, id, s)
			}
			if n := len([]rune(s)); n > 4096 {
				t.Errorf("%s/%s is %d characters long", l.Code, id, n)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{
		"": "fr", "fr": "fr", "fr-CA": "fr", "en": "en", "en-US": "en", "en-GB": "en",
		"de": "fr", "xx": "fr", "not a tag!": "fr",
		"pt-br": "pt", "pt-PT": "pt", "fa-AF": "fa", "fa": "fa", "prs": "fa", "zh-hans": "zh",
		"zh-CN": "zh", "ar-MA": "ar", "ar-DZ": "ar", "ps": "ps", "es-419": "es", "es-ES": "es",
		"ru": "ru", "uk": "uk", "tr": "tr", "bn": "bn", "bn-IN": "bn", "ary": "ar", "pbt": "ps", "cmn": "zh",
	} {
		if got := c.Match(code); got != want {
			t.Errorf("Match(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestDatesAndRightToLeftArguments(t *testing.T) {
	fsys := fstest.MapFS{
		"x.fr.toml": {Data: []byte(`d = "le {{.Date}} à {{.Link}}"`)},
		"x.en.toml": {Data: []byte(`d = "قدّم « attestation de dépôt » في {{.Date}} على {{.Link}}"`)},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	args := map[string]any{"Date": time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), "Link": "https://example.org"}
	if got, _ := c.Text("fr", "d", args); got != "le 04/01/2027 à https://example.org" {
		t.Errorf("fr = %q", got)
	}
	c.rtl["en"] = true // as for Arabic, Persian, Pashto
	want := "قدّم « \u2068attestation de dépôt\u2069 » في \u206804/01/2027\u2069 على \u2068https://example.org\u2069"
	if got, _ := c.Text("en", "d", args); got != want {
		t.Errorf("rtl = %q\nwant  %q", got, want)
	}
	if _, err := c.Text("en", "missing", nil); err == nil {
		t.Error("missing message rendered without error")
	}
}

func TestIsolateLTR(t *testing.T) {
	for in, want := range map[string]string{
		// A pair is never split: the run stops before a half whose other
		// half lies beyond right-to-left text, and takes the other half
		// when only neutrals stand between.
		"« attestation » (API، شهادة)":          "« \u2068attestation\u2069 » (\u2068API\u2069، شهادة)",
		"OQTF (« obligation de quitter »، حكم)": "\u2068OQTF\u2069 (« \u2068obligation de quitter\u2069 »، حكم)",
		"(API) CCC نص":              "\u2068(API) CCC\u2069 نص",
		"(نص API) CCC":              "(نص \u2068API\u2069) \u2068CCC\u2069",
		"اتصل بـ CCC (API) الآن":    "اتصل بـ \u2068CCC (API)\u2069 الآن",
		"الرقم 0806 001 620 مجاني.": "الرقم \u20680806 001 620\u2069 مجاني.",
		"(préfecture) المحافظة":     "(\u2068préfecture\u2069) المحافظة",
		"\u2068déjà isolé\u2069 نص": "\u2068déjà isolé\u2069 نص",
		"سطر\nrécépissé\nسطر":       "سطر\n\u2068récépissé\u2069\nسطر",
		"اكتب /forget الآن":         "اكتب \u2068/forget\u2069 الآن",
		"بدون لاتينية":              "بدون لاتينية",
	} {
		if got := isolateLTR(in); got != want {
			t.Errorf("isolateLTR(%q) = %q, want %q", in, got, want)
		}
	}
}

var latinWords = regexp.MustCompile(`\p{Latin}{2,}(?:[\s'’-]+\p{Latin}{2,}){2,}`)

// A sentence of French or English copied unchanged into another language
// is caught (names, links, numbers and emoji aside).
func TestNoUntranslatedLeftovers(t *testing.T) {
	raw := rawMessages(t)
	for _, l := range Languages {
		if l.Code == Reference {
			continue
		}
		for id, texts := range raw[l.Code] {
			for _, src := range []string{Reference, "en"} {
				if src == l.Code {
					continue
				}
				for i, s := range texts {
					orig := raw[src][id]
					if i < len(orig) && s == orig[i] && latinWords.MatchString(argRE.ReplaceAllString(s, "")) {
						t.Errorf("%s: %s is the %s text unchanged: %q", l.Code, id, src, s)
					}
				}
			}
		}
	}
}

// Every plural message has every form its language needs for the numbers
// the bot shows (days, minutes, positions in a queue).
func TestPluralFormsCoverEveryCount(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	raw := rawMessages(t)
	for _, l := range Languages {
		for id, texts := range raw[Reference] {
			if len(texts) < 2 {
				continue // not a plural message
			}
			for n := 0; n <= 200; n++ {
				data := map[string]any{"Count": n}
				for _, a := range c.Args(id) {
					if a != "Count" {
						data[a] = "x"
					}
				}
				if _, err := c.Text(l.Code, id, data); err != nil {
					t.Errorf("%s/%s with Count=%d: %v", l.Code, id, n, err)
					break
				}
			}
		}
	}
}

// "Count" picks a plural form only in messages that have forms: a plain
// message that shows a number renders for every number in every language.
func TestCountInAPlainMessage(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"x.fr.toml": {Data: []byte("n = \"{{.Count}} cas\"\n[p]\none = \"{{.Count}} cas\"\nother = \"{{.Count}} cas\"\n")},
		"x.en.toml": {Data: []byte("n = \"{{.Count}} cases\"\n[p]\none = \"{{.Count}} case\"\nother = \"{{.Count}} cases\"\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 2, 5, 21} {
		if _, err := c.Text("en", "n", map[string]any{"Count": n}); err != nil {
			t.Errorf("plain message, Count=%d: %v", n, err)
		}
	}
	if got, _ := c.Text("en", "p", map[string]any{"Count": 1}); got != "1 case" {
		t.Errorf("plural one = %q", got)
	}
}

// Bidi by construction: in every message of every right-to-left language,
// rendered with sample arguments (left-to-right ones, and right-to-left
// ones as the reminder list and the summary pass), every isolate holds
// whole pairs of brackets and quotes, and no right-to-left text sits in an
// isolate that opens left to right.
func TestRightToLeftIsolatesHoldWholePairs(t *testing.T) {
	for _, sample := range []string{"https://example.org/F36206", "العربية"} {
		eachRightToLeft(t, sample, func(lang, id, s string) {
			for _, iso := range isolates(s) {
				if !balanced(iso) {
					t.Errorf("%s/%s: an isolate splits a pair: %q in %q", lang, id, iso, s)
				}
				if !firstStrongIsRTL(iso) && hasRTL(iso) {
					t.Errorf("%s/%s: right-to-left text in a left-to-right isolate: %q", lang, id, iso)
				}
			}
		})
	}
}

// eachRightToLeft renders every message of every right-to-left language
// with sample as each argument (a date and a count where those go).
func eachRightToLeft(t *testing.T, sample string, check func(lang, id, s string)) {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	date := time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	for _, l := range Languages {
		if !l.RTL {
			continue
		}
		for _, id := range c.IDs(Reference) {
			data := map[string]any{}
			for _, a := range c.Args(id) {
				data[a] = sample
			}
			data["Count"], data["Date"] = 3, date
			s, err := c.Text(l.Code, id, data)
			if err != nil {
				t.Errorf("%s/%s: %v", l.Code, id, err)
				continue
			}
			check(l.Code, id, s)
		}
	}
}

// isolates lists the outermost isolates of s, without their marks.
func isolates(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '\u2066', '\u2067', '\u2068':
			if depth == 0 {
				start = i + len(string(r))
			}
			depth++
		case '\u2069':
			depth--
			if depth == 0 {
				out = append(out, s[start:i])
			}
		}
	}
	return out
}

func balanced(s string) bool {
	var stack []rune
	closing := map[rune]rune{}
	for o, c := range pairedSigns {
		closing[c] = o
	}
	for _, r := range s {
		if _, ok := pairedSigns[r]; ok {
			stack = append(stack, r)
			continue
		}
		if o, ok := closing[r]; ok {
			if len(stack) == 0 || stack[len(stack)-1] != o {
				return false
			}
			stack = stack[:len(stack)-1]
		}
	}
	return len(stack) == 0
}

func hasRTL(s string) bool {
	for _, r := range s {
		if classify([]rune{r})[0] == strongR {
			return true
		}
	}
	return false
}

// In right-to-left languages, every left-to-right run of every message —
// French terms, dates, numbers, links — stands in directional isolates.
func TestRightToLeftMessagesIsolateEveryLatinRun(t *testing.T) {
	eachRightToLeft(t, "https://example.org/F36206", func(lang, id, s string) {
		if strings.Contains(s, "/\u2068") {
			t.Errorf("%s/%s: a command is cut by an isolate: %q", lang, id, s)
		}
		depth := 0
		for _, r := range s {
			switch {
			case r == '\u2068':
				depth++
			case r == '\u2069':
				depth--
			case depth == 0 && classify([]rune{r})[0] == strongL:
				t.Errorf("%s/%s: %q outside an isolate in %q", lang, id, r, s)
			}
			if depth < 0 {
				t.Errorf("%s/%s: unbalanced isolates in %q", lang, id, s)
				break
			}
		}
	})
}
