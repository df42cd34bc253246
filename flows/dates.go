package flows

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
)

const isoDate = "2006-01-02"

// ErrDate is returned by ParseDate for text that is not a real date.
var ErrDate = errors.New("not a date")

// monthNames maps lower-case month names and common abbreviations, in the
// languages people type them in, to months. French first: it is the
// language of the documents people copy dates from.
var monthNames = map[string]time.Month{}

func init() {
	lists := [][]string{
		{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		{"janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"},
		{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"},
		{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"},
	}
	for _, names := range lists {
		if len(names) == 12 {
			for i, n := range names {
				monthNames[n] = time.Month(i + 1)
			}
		}
	}
	// Unaccented French spellings people type on foreign keyboards.
	monthNames["fevrier"], monthNames["fevr"], monthNames["aout"] = 2, 2, 8
	monthNames["decembre"], monthNames["dec"] = 12, 12
	monthNames["sept"] = 9
}

// AddMonthNames registers more month names (lower case) for ParseDate;
// used by the language packs. It must be called before the engine runs.
func AddMonthNames(names []string) {
	for i, n := range names {
		if i < 12 && n != "" {
			monthNames[strings.ToLower(n)] = time.Month(i + 1)
		}
	}
}

// ParseDate reads a date typed freely: 12/03/2026, 12.3.26, 12-03-2026,
// 2026-03-12, "12 mars 2026", "March 12, 2026". Day comes before month, as
// on French documents. Arabic-Indic and Persian digits are accepted. Two-
// digit years are read in the century that puts them nearest to now.
func ParseDate(text string, now time.Time) (time.Time, error) {
	f := dateFields(text)
	if len(f) != 3 || !isNumber(f[2]) {
		return time.Time{}, ErrDate
	}
	var day, month, year int
	switch {
	case len(f[0]) == 4 && isNumber(f[0]) && isNumber(f[1]): // 2026-03-12
		year, month, day = atoi(f[0]), atoi(f[1]), atoi(f[2])
	case isNumber(f[0]): // 12/03/2026, 12 mars 2026
		day, month, year = atoi(f[0]), monthOf(f[1]), atoi(f[2])
		if len(f[2]) == 2 {
			year = nearestCentury(year, now.Year())
		}
	default: // March 12, 2026
		month, day, year = monthOf(f[0]), atoi(f[1]), atoi(f[2])
	}
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if day < 1 || month < 1 || month > 12 || d.Day() != day || int(d.Month()) != month {
		return time.Time{}, ErrDate // 31/02 and the like
	}
	return d, nil
}

// datePrecision says how much of a date was typed.
type datePrecision int

const (
	fullDate  datePrecision = iota
	monthOnly               // "mars 2027", "03/2027": the 1st of the month
	noYear                  // "12 mars", "12/03": the year is missing
)

// readDate reads a typed date as ParseDate does, and also a month with its
// year (the 1st of that month is returned) and a day with its month but no
// year (returned in the year 2000, a leap year, so that 29/02 is a day).
func readDate(text string, now time.Time) (time.Time, datePrecision, error) {
	if d, err := ParseDate(text, now); err == nil {
		return d, fullDate, nil
	}
	f := dateFields(text)
	if len(f) != 2 {
		return time.Time{}, 0, ErrDate
	}
	if year, month, ok := monthAndYear(f); ok {
		return time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC), monthOnly, nil
	}
	day, month := atoi(f[0]), monthOf(f[1])
	if !isNumber(f[0]) { // "March 12"
		day, month = atoi(f[1]), monthOf(f[0])
	}
	d := time.Date(2000, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if day < 1 || month < 1 || month > 12 || d.Day() != day || !(isNumber(f[0]) || isNumber(f[1])) {
		return time.Time{}, 0, ErrDate
	}
	return d, noYear, nil
}

// monthAndYear reads "03/2027", "mars 2027" or "2027-03".
func monthAndYear(f []string) (year, month int, ok bool) {
	switch {
	case len(f[1]) == 4 && isNumber(f[1]):
		year, month = atoi(f[1]), monthOf(f[0])
	case len(f[0]) == 4 && isNumber(f[0]):
		year, month = atoi(f[0]), monthOf(f[1])
	default:
		return 0, 0, false
	}
	return year, month, month >= 1 && month <= 12
}

// withYear gives a day and month (read without a year) in today's year,
// as the example of how to type it; 29/02 falls back to today.
func withYear(d, today time.Time) time.Time {
	out := time.Date(today.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	if out.Day() != d.Day() {
		return today
	}
	return out
}

// monthOf reads a month given as a number or a name; -1 when it is neither.
func monthOf(s string) int {
	if isNumber(s) {
		return atoi(s)
	}
	if m, ok := monthNames[s]; ok {
		return int(m)
	}
	return -1
}

// dateFields normalises digits and splits on anything that is neither a
// letter nor a digit, dropping ordinal suffixes such as "1er" or "3rd".
func dateFields(text string) []string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + (r - '٠'))
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + (r - '۰'))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	fields := strings.Fields(b.String())
	for i, f := range fields {
		if n := leadingDigits(f); n > 0 && n < len(f) && len(f)-n <= 2 {
			fields[i] = f[:n] // 1er, 2nd, 3rd, 4th
		}
	}
	return fields
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func isNumber(s string) bool { return s != "" && leadingDigits(s) == len(s) && len(s) <= 4 }

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func nearestCentury(yy, thisYear int) int {
	y := thisYear/100*100 + yy
	if y > thisYear+50 {
		y -= 100
	}
	return y
}

// today is the civil date of now (already in Europe/Paris) at midnight UTC,
// the form every date rule works on.
func today(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

func exampleDate(now time.Time) time.Time { return today(now) }

// plausibleDate refuses dates nobody could mean in an ANEF file: before
// 1950 or more than 20 years from today.
func plausibleDate(d, today time.Time) string {
	if d.Year() < 1950 || d.After(today.AddDate(20, 0, 0)) {
		return "date_implausible"
	}
	return ""
}
