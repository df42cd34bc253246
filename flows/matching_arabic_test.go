package flows

import (
	"slices"
	"testing"
)

// People write the same Arabic-script word with or without vowel marks,
// hamza or madda, with tāʾ marbūṭa or hāʾ, with Arabic or Persian yāʾ and
// kāf: the keyword matching must see one word.
func TestNormalWordsFoldsArabicScriptSpellings(t *testing.T) {
	for _, pair := range [][2]string{
		{"أَطْلُبُ الإِقامَة", "اطلب الاقامه"},
		{"آخر مرة", "اخر مره"},
		{"على", "علي"},
		{"کارت ایرانی", "كارت ايراني"},
		{"الـبطاقة", "البطاقه"},
	} {
		a, b := normalWords(pair[0]), normalWords(pair[1])
		if !slices.Equal(a, b) {
			t.Errorf("normalWords(%q) = %q, normalWords(%q) = %q", pair[0], a, pair[1], b)
		}
	}
}
