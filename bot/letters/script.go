package letters

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Drawable reports whether the PDF font draws r. The embedded DejaVu Serif
// covers Latin (with Latin Extended-A and -B: Turkish, Polish, Romanian,
// Vietnamese…), Greek and Cyrillic; the letters keep to the
// Latin part and the typographic signs French needs. The font test checks
// this list against the font's own character map.
func Drawable(r rune) bool {
	switch {
	case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0x24f:
		return true
	case r >= 0x1e00 && r <= 0x1eff: // Latin Extended Additional (Vietnamese)
		return !notInFont[r]
	}
	switch r {
	case '\n', '\u2013', '\u2014', '\u2018', '\u2019', '\u201c', '\u201d',
		'\u201e', '\u2026', '\u202f', '\u20ac':
		return true
	}
	return false
}

// notInFont are the Latin Extended Additional letters DejaVu Serif lacks.
var notInFont = map[rune]bool{0x1efc: true, 0x1efd: true, 0x1efe: true, 0x1eff: true}

// DrawableText reports whether every character of s (in NFC) is Drawable.
func DrawableText(s string) bool {
	for _, r := range norm.NFC.String(s) {
		if !Drawable(r) {
			return false
		}
	}
	return true
}

// latinOnly reports whether s's letters are all Latin, so a name can be
// written on a French letter as on the titre de séjour. A name in Arabic,
// Cyrillic or Chinese script is refused with an explanation, not mangled.
func latinOnly(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return DrawableText(s)
}
