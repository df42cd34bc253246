package handoff

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Hours are when volunteers usually answer, in Paris time: outside them a
// person is told honestly that nobody may answer before the next opening.
// The zero value means "any time".
type Hours struct {
	spans []span
	text  string
}

type span struct {
	from, to   time.Weekday // inclusive, from <= to
	start, end int          // minutes after midnight, start < end
}

var weekdays = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
}

// ErrHours is returned for a malformed hours setting.
var ErrHours = errors.New(`want spans like "mon-fri 09:00-18:00; sat 10:00-12:00"`)

// ParseHours reads "mon-fri 09:00-18:00; sat 10:00-12:00"; empty means
// any time.
func ParseHours(s string) (Hours, error) {
	h := Hours{text: strings.TrimSpace(s)}
	for _, item := range strings.Split(s, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		sp, err := parseSpan(item)
		if err != nil {
			return Hours{}, fmt.Errorf("%q: %w", item, ErrHours)
		}
		h.spans = append(h.spans, sp)
	}
	return h, nil
}

func parseSpan(item string) (span, error) {
	days, times, ok := strings.Cut(item, " ")
	if !ok {
		return span{}, ErrHours
	}
	d1, d2, found := strings.Cut(strings.ToLower(days), "-")
	if !found {
		d2 = d1
	}
	from, ok1 := weekdays[d1]
	to, ok2 := weekdays[d2]
	t1, t2, found := strings.Cut(strings.TrimSpace(times), "-")
	start, err1 := clock(t1)
	end, err2 := clock(t2)
	if !ok1 || !ok2 || !found || err1 != nil || err2 != nil || start >= end || rank(to) < rank(from) {
		return span{}, ErrHours
	}
	return span{from: from, to: to, start: start, end: end}, nil
}

func clock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Open reports whether t (in Paris time) is within the hours.
func (h Hours) Open(t time.Time) bool {
	if len(h.spans) == 0 {
		return true
	}
	m := t.Hour()*60 + t.Minute()
	for _, sp := range h.spans {
		if sp.has(t.Weekday()) && m >= sp.start && m < sp.end {
			return true
		}
	}
	return false
}

// has treats Sunday as the last day of the week ("mon-sun").
func (sp span) has(d time.Weekday) bool {
	return rank(d) >= rank(sp.from) && rank(d) <= rank(sp.to)
}

// String returns the hours as the operator wrote them ("" for any time).
func (h Hours) String() string { return h.text }

// rank numbers days from Monday (0) to Sunday (6).
func rank(w time.Weekday) int { return (int(w) + 6) % 7 }
