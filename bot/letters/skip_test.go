package letters

import (
	"strings"
	"testing"

	"github.com/anefbot/anefbot/locales"
)

// The skip button's word of each of the twelve languages, typed in any
// case, with or without its emoji or its bracket, is the skip word; a
// value that merely contains it is not.
func TestSkipWordsOfEveryLanguage(t *testing.T) {
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	var w skipWords
	for _, l := range locales.Languages {
		label, err := cat.Text(l.Code, "letters_btn_skip", nil)
		if err != nil {
			t.Fatal(err)
		}
		head := label
		for _, open := range []string{"(", "（"} {
			head, _, _ = strings.Cut(head, open)
		}
		head = strings.TrimSpace(strings.TrimPrefix(head, "⏭"))
		for _, typed := range []string{head, strings.ToUpper(head), " " + head + ". ", label, strings.TrimPrefix(label, "⏭ ")} {
			if !w.is(cat, typed) {
				t.Errorf("%s: %q is not taken as skip", l.Code, typed)
			}
		}
	}
	for _, v := range []string{"passerelle", "Paris", "skipper", "7501234567", "Pas", ""} {
		if w.is(cat, v) {
			t.Errorf("%q is taken as skip", v)
		}
	}
}
