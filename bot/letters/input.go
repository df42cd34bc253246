package letters

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/anefbot/anefbot/flows"
)

// Reasons an answer is refused; each is also the message ID that explains
// it to the person.
var (
	ErrEmpty      = errors.New("letters_invalid_empty")
	ErrTooLong    = errors.New("letters_invalid_long")
	ErrNotLatin   = errors.New("letters_invalid_latin")
	ErrNumber     = errors.New("letters_invalid_number")
	ErrDep        = errors.New("letters_invalid_dep")
	ErrDate       = errors.New("letters_invalid_date")
	ErrUseButtons = errors.New("letters_use_buttons")
)

// Accept checks a typed answer to field f and returns the value to keep.
// Bad input returns one of the errors above and nothing is kept.
func (f Field) Accept(text string, now time.Time) (string, error) {
	text = clean(text, f.Key == fAddress || f.Key == fPref || f.Key == fOrgAddr)
	if text == "" {
		return "", ErrEmpty
	}
	switch f.Kind {
	case ChoiceField:
		return "", ErrUseButtons
	case DateField:
		d, err := flows.ParseDate(text, now)
		if err != nil {
			return "", ErrDate
		}
		return d.Format(isoDate), nil
	case DepField:
		dep, ok := Departement(text)
		if !ok {
			return "", ErrDep
		}
		return dep, nil
	}
	if len([]rune(text)) > f.Max {
		return "", ErrTooLong
	}
	if !latinOnly(text) {
		return "", ErrNotLatin
	}
	if f.Key == fNumber {
		return number(text)
	}
	return text, nil
}

const isoDate = "2006-01-02"

// clean normalises typed text: NFC, no control characters, single spaces,
// at most five lines when multiline, else one.
func clean(s string, multiline bool) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.Join(strings.Fields(strings.Map(dropControl, l)), " ")
		if l != "" {
			out = append(out, l)
		}
	}
	if !multiline {
		return strings.Join(out, " ")
	}
	return strings.Join(out, "\n")
}

func dropControl(r rune) rune {
	if unicode.IsControl(r) || r == '\u200e' || r == '\u200f' || (r >= '\u2066' && r <= '\u2069') {
		return -1
	}
	return r
}

// number checks a numéro étranger: letters and digits only (spaces are
// dropped). Its exact format is not documented in anef.md, so only its
// shape is checked.
func number(s string) (string, error) {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 4 {
		return "", ErrNumber
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !(unicode.IsDigit(r) || unicode.IsLetter(r)) {
			return "", ErrNumber
		}
	}
	return strings.ToUpper(s), nil
}

// Departement reads a département number: 1 to 95 (not 20), 2A, 2B, 971
// to 976 (not 975). "1" is "01".
func Departement(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch s {
	case "2A", "2B", "971", "972", "973", "974", "976":
		return s, true
	}
	if len(s) == 0 || len(s) > 2 {
		return "", false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
		n = n*10 + int(r-'0')
	}
	if n < 1 || n > 95 || n == 20 {
		return "", false
	}
	if n < 10 {
		return "0" + string(rune('0'+n)), true
	}
	return s, true
}
