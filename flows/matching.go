package flows

import (
	"strings"
	"unicode"
)

// Free-text matching: a person who describes their problem in their own
// words instead of pressing a button is offered the branch that matches
// ("It sounds like: … Is that it?"), or the list again. No external
// service: keyword and phrase lists per language, kept as translatable
// message texts.
//
// The keyword list of option O of step S is the message "kw_<S>_<O>"; its
// text holds phrases separated by "|". A phrase matches when each of its
// words begins a word of the person's text (so "expir" matches "expired"
// and "expirée"; words of up to three letters must match whole, so "no"
// does not match "not"); case and accents are ignored. The longest matching phrase
// wins; a tie between two options proposes nothing.

// KeywordID is the message ID holding the keyword list of an option.
func KeywordID(step, option string) string { return "kw_" + step + "_" + option }

// KeywordDateUnknown holds the phrases that mean "I don't know" at a date
// question ("je ne sais pas", "I don't know"…), in every language.
const KeywordDateUnknown = "kw_date_unknown"

// dateStep is the matcher's entry for the phrases of KeywordDateUnknown.
const dateStep = "@date"

// KeywordIDs lists the keyword message IDs the shell should load: one per
// option of every question step, and the "I don't know" of date questions.
func KeywordIDs(g *Graph) []string {
	out := []string{KeywordDateUnknown}
	for _, st := range g.Steps() {
		if st.Kind != Ask {
			continue
		}
		for _, o := range st.Options {
			out = append(out, KeywordID(st.ID, o.ID))
		}
	}
	return out
}

// matcher holds the compiled phrases of each step's options.
type matcher struct {
	// steps maps a step to its phrases indexed by their first word, so
	// that a text is checked only against the phrases it may match.
	steps map[string]map[string][]phrase
}

type phrase struct {
	option string
	words  []string
	weight int // letters in the phrase: longer phrases are more specific
}

// newMatcher compiles keyword texts (language -> message ID -> "a|b c").
// Phrases of every language are used for every person: people often type
// in another language than their Telegram client's.
func newMatcher(g *Graph, keywords map[string]map[string]string) *matcher {
	m := &matcher{steps: map[string]map[string][]phrase{}}
	for _, st := range g.Steps() {
		if st.Kind != Ask {
			continue
		}
		for _, o := range st.Options {
			for _, texts := range keywords {
				for _, p := range phrases(o.ID, texts[KeywordID(st.ID, o.ID)]) {
					if m.steps[st.ID] == nil {
						m.steps[st.ID] = map[string][]phrase{}
					}
					m.steps[st.ID][p.words[0]] = append(m.steps[st.ID][p.words[0]], p)
				}
			}
		}
	}
	for _, texts := range keywords {
		for _, p := range phrases(Unknown, texts[KeywordDateUnknown]) {
			if m.steps[dateStep] == nil {
				m.steps[dateStep] = map[string][]phrase{}
			}
			m.steps[dateStep][p.words[0]] = append(m.steps[dateStep][p.words[0]], p)
		}
	}
	return m
}

// dontKnow reports whether a text typed at a date question says that the
// person does not know the date.
func (m *matcher) dontKnow(text string) bool {
	_, ok := m.match(dateStep, text)
	return ok
}

func phrases(option, text string) []phrase {
	var out []phrase
	for _, p := range strings.Split(text, "|") {
		words := normalWords(p)
		if len(words) == 0 {
			continue
		}
		n := 0
		for _, w := range words {
			n += len([]rune(w))
		}
		out = append(out, phrase{option: option, words: words, weight: n})
	}
	return out
}

// has reports whether a step has any keywords at all.
func (m *matcher) has(step string) bool { return m != nil && len(m.steps[step]) > 0 }

// match returns the option of step whose phrase best matches text.
func (m *matcher) match(step, text string) (string, bool) {
	if m == nil {
		return "", false
	}
	index := m.steps[step]
	keys, set := wordsAndPrefixes(normalWords(text))
	best := map[string]int{}
	for _, k := range keys {
		for _, p := range index[k] {
			if p.weight > best[p.option] && containsAll(set, p.words[1:]) {
				best[p.option] = p.weight
			}
		}
	}
	top, second, winner := 0, 0, ""
	for opt, w := range best {
		switch {
		case w > top:
			top, second, winner = w, top, opt
		case w > second:
			second = w
		}
	}
	if top == 0 || top == second {
		return "", false
	}
	return winner, true
}

// wordsAndPrefixes is the set of the text's words and of their prefixes
// of four letters or more (three in Arabic script, where roots have
// three letters): a phrase word matches when it is in the set, so short
// words ("no", "api", "не") must match whole.
func wordsAndPrefixes(words []string) ([]string, map[string]bool) {
	set := make(map[string]bool, len(words)*4)
	keys := make([]string, 0, len(words)*4)
	add := func(k string) {
		if !set[k] {
			set[k] = true
			keys = append(keys, k)
		}
	}
	for _, w := range words {
		add(w)
		n, min := 0, minPrefix(w)
		for i := range w { // i walks rune boundaries
			if n >= min {
				add(w[:i])
			}
			n++
		}
	}
	return keys, set
}

func minPrefix(w string) int {
	for _, r := range w {
		if unicode.Is(unicode.Arabic, r) {
			return 3
		}
		break
	}
	return 4
}

func containsAll(text map[string]bool, words []string) bool {
	for _, w := range words {
		if !text[w] {
			return false
		}
	}
	return true
}

// normalWords lower-cases, strips Latin accents and splits on anything
// that is neither a letter nor a digit.
func normalWords(s string) []string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'œ':
			b.WriteString("oe")
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			// Scripts written without spaces: each character is a word,
			// so a phrase matches when all its characters are in the text.
			b.WriteRune(' ')
			b.WriteRune(r)
			b.WriteRune(' ')
		case unicode.Is(unicode.Mc, r):
			// Spacing vowel signs of Bengali and other Indic scripts are
			// part of the word.
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r) || r == 'ـ':
			// Arabic-script vowel marks and tatweel, combining accents:
			// dropped, so that they never split a word.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(fold(r))
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Fields(b.String())
}

// fold maps accented Latin letters to their base letter.
func fold(r rune) rune {
	if r < 0xC0 {
		return r
	}
	if b, ok := folded[r]; ok {
		return b
	}
	return r
}

// Turkish ş, ğ, ı fold to s, g, i and Russian ё to е, as people type
// them on other keyboards. The Arabic-script pairs fold the spellings people use interchangeably:
// alif with or without hamza or madda, tāʾ marbūṭa and hāʾ, alif maqṣūra
// and yāʾ, the Arabic and Persian forms of yāʾ and kāf, and the Pashto
// letters people type with a Persian keyboard (ې, ۍ as ي; ګ as گ).
var folded = func() map[rune]rune {
	from := []rune("àáâãäåçèéêëìíîïñòóôõöùúûüýÿ" + "şğı" + "ё" + "أإآٱةىیکۀ" + "ېۍګ")
	to := []rune("aaaaaaceeeeiiiinooooouuuuyy" + "sgi" + "е" + "ااااهييكه" + "ييگ")
	m := make(map[rune]rune, len(from))
	for i, r := range from {
		m[r] = to[i]
	}
	return m
}()

// suggest answers typed text on a question step that has keyword lists:
// the matching option, offered for confirmation, or (unless quiet) the
// list again. Under a plan, text that describes another problem offers to
// start that branch (the plan stays if nothing matches). It reports
// whether it dealt with the input.
func (t *turn) suggest(quiet bool) bool {
	st := t.current()
	step := st
	if st.Kind == Plan {
		step, quiet = t.e.graph.Step(t.e.graph.Start), true
	}
	if step.Kind != Ask || !t.e.match.has(step.ID) {
		return false
	}
	opt, ok := t.e.match.match(step.ID, t.in.Data)
	if !ok {
		if quiet {
			return false
		}
		t.add(say("match_none", nil))
		t.show()
		return true
	}
	var label string
	for _, o := range step.Options {
		if o.ID == opt {
			label = o.Label
		}
	}
	no := "match_no"
	if st.Kind == Plan {
		no = "match_no_plan"
	}
	t.s.Pending = opt
	t.changed = true
	t.add(Reply{
		Parts: []Part{part("match_suggest", nil), part(label, nil), part("match_confirm", nil)},
		Choices: []Choice{
			{Data: pressData(t.s.Seq, optYes), Label: "match_yes"},
			{Data: pressData(t.s.Seq, optNo), Label: no},
		},
	})
	return true
}

// confirmSuggestion takes Yes or No under a suggestion: Yes chooses the
// suggested option (from the start when the person stood on a plan), No
// shows the current step again.
func (t *turn) confirmSuggestion(yes bool) {
	opt := t.s.Pending
	if opt == "" {
		t.add(say("stale_button", nil))
		t.show()
		return
	}
	t.s.Pending = ""
	t.changed = true
	if !yes {
		t.show()
		return
	}
	if t.current().Kind == Plan {
		t.reset() // a new problem: a new diagnosis, answers cleared
	}
	t.choose(opt)
}
