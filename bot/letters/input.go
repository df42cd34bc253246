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
	ErrPhone      = errors.New("letters_invalid_tel")
	ErrEmail      = errors.New("letters_invalid_mail")
	ErrFuture     = errors.New("letters_invalid_future")
	ErrRegistered = errors.New("letters_invalid_rr")
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
		if f.Key == fSentOn && d.After(today(now)) {
			// The day a letter was posted cannot be ahead.
			return "", ErrFuture
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
	switch f.Key {
	case fNumber, fANEF:
		return number(text)
	case fPhone:
		return phone(text)
	case fEmail:
		return email(text)
	case fRegistered:
		return registered(text)
	}
	return text, nil
}

// phone checks a telephone number: digits with the usual separators and
// an optional leading "+", 6 to 15 digits (E.164's maximum).
func phone(s string) (string, error) {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '.', r == '-', r == '(', r == ')':
		default:
			return "", ErrPhone
		}
	}
	if digits < 6 || digits > 15 {
		return "", ErrPhone
	}
	return s, nil
}

// email checks the shape of an e-mail address only: one "@", a dot in
// the domain, no space.
func email(s string) (string, error) {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(s, " ,;") || strings.Contains(domain, "@") ||
		!strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", ErrEmail
	}
	return s, nil
}

// registered checks a registered-mail number (on La Poste's receipt):
// letters and digits, spaces dropped, 8 to 20 characters.
func registered(s string) (string, error) {
	v, err := number(s)
	if err != nil || len(v) < 8 || len(v) > 20 {
		return "", ErrRegistered
	}
	return v, nil
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
