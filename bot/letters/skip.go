package letters

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/anefbot/anefbot/locales"
)

// skipWords are the typed forms of the skip button in every language:
// its label without emoji, and its first words before the bracket
// ("Passer", "Skip", "Пропустить"…), folded by foldSkip. A person who
// types the word the question offers means the button, never the value
// (issue: "Numéro étranger : PASSER").
type skipWords struct {
	once  sync.Once
	words map[string]bool
}

// is reports whether text is the skip word of a supported language.
func (w *skipWords) is(cat *locales.Catalog, text string) bool {
	w.once.Do(func() {
		w.words = map[string]bool{}
		for _, l := range locales.Languages {
			label, err := cat.Text(l.Code, "letters_btn_skip", nil)
			if err != nil {
				continue
			}
			w.words[foldSkip(label)] = true
			for _, open := range []string{"(", "（"} {
				if head, _, ok := strings.Cut(label, open); ok {
					w.words[foldSkip(head)] = true
				}
			}
		}
		delete(w.words, "")
	})
	return w.words[foldSkip(text)]
}

// foldSkip keeps letters, digits and single spaces, lowercased, without
// combining marks (accents, Arabic vowel signs): "⏭ Passer" and "passer"
// fold alike.
func foldSkip(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return norm.NFC.String(b.String())
}
