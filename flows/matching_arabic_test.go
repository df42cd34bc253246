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
		{"نه پوهېږم", "نه پوهیږم"},
		{"لاګین", "لاگین"},
		{"şifremi unuttum, İZİN", "sifremi unuttum izin"},
	} {
		a, b := normalWords(pair[0]), normalWords(pair[1])
		if !slices.Equal(a, b) {
			t.Errorf("normalWords(%q) = %q, normalWords(%q) = %q", pair[0], a, pair[1], b)
		}
	}
}

// Chinese is written without spaces: a keyword phrase must be found
// inside a sentence, not only at its start.
func TestMatchingFindsChinesePhrasesInsideSentences(t *testing.T) {
	g := testGraph(t, 1, nil)
	m := newMatcher(g, map[string]map[string]string{"zh": {
		KeywordID("menu", "dated"): "居留证过期 | 过期",
		KeywordID("menu", "plain"): "入籍",
	}})
	for text, want := range map[string]string{
		"我的居留证过期了":     "dated",
		"请问入籍申请卡住了怎么办": "plain",
	} {
		if got, ok := m.match("menu", text); !ok || got != want {
			t.Errorf("match(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
	if got, ok := m.match("menu", "你好"); ok {
		t.Errorf("match(你好) = %q", got)
	}
}

// Prefixes are counted in letters, not bytes: in Cyrillic a two-letter
// keyword must not match the start of a longer word; Arabic three-letter
// roots match their longer forms; ё is е.
func TestMatchingPrefixesCountLetters(t *testing.T) {
	g := testGraph(t, 1, nil)
	m := newMatcher(g, map[string]map[string]string{"x": {
		KeywordID("menu", "dated"): "не | истек",
		KeywordID("menu", "plain"): "رفض",
	}})
	for text, want := range map[string]string{
		"вид на жительство истёк": "dated",
		"قرار رفضت المحافظة":      "plain",
	} {
		if got, ok := m.match("menu", text); !ok || got != want {
			t.Errorf("match(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
	if got, ok := m.match("menu", "нет ответа"); ok {
		t.Errorf("«не» matched «нет»: %q", got)
	}
}

// Bengali vowel signs are spacing marks: they must not split words.
func TestNormalWordsKeepsBengaliWordsWhole(t *testing.T) {
	if got := normalWords("আমার কার্ডের মেয়াদ শেষ"); len(got) != 4 {
		t.Errorf("normalWords = %q, want 4 words", got)
	}
}
