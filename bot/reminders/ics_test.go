package reminders

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCalendarRFC5545(t *testing.T) {
	long := "Votre « attestation de prolongation d'instruction » (API) se termine le 27/02/2027 ; appelez le 0806 001 620, gardez une preuve.\nDeuxième ligne — ça s'écrit en UTF-8 : é è à ü ي"
	events := []Event{
		{UID: "api_14-20270212-abc@anefbot", Start: time.Date(2027, 2, 12, 10, 0, 0, 0, paris), Summary: "anefbot: fin de l'API, le 27/02", Description: long},
		{UID: "ren_open-20270520-abc@anefbot", Start: time.Date(2027, 5, 20, 10, 0, 0, 0, paris), Summary: "anefbot: renouvellement", Description: "x"},
	}
	stamp := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	raw := string(Calendar(events, stamp))

	if !strings.HasSuffix(raw, "\r\n") || strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
		t.Fatal("lines must end with CRLF, and only there")
	}
	physical := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
	for _, l := range physical {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("fold split a character: %q", l)
		}
	}
	// Unfold (RFC 5545 §3.1) and read the content lines.
	unfolded := strings.Split(strings.ReplaceAll(strings.TrimSuffix(raw, "\r\n"), "\r\n ", ""), "\r\n")
	if len(unfolded) >= len(physical) {
		t.Error("the long description was not folded")
	}
	count := func(line string) int {
		n := 0
		for _, l := range unfolded {
			if l == line || strings.HasPrefix(line, "^") && strings.HasPrefix(l, line[1:]) {
				n++
			}
		}
		return n
	}
	for line, want := range map[string]int{
		"BEGIN:VCALENDAR":          1,
		"VERSION:2.0":              1,
		"^PRODID:":                 1,
		"BEGIN:VTIMEZONE":          1,
		"TZID:Europe/Paris":        1,
		"BEGIN:VEVENT":             2,
		"END:VEVENT":               2,
		"BEGIN:VALARM":             2,
		"TRIGGER:PT0S":             2,
		"ACTION:DISPLAY":           2,
		"DTSTAMP:20261129T090000Z": 2,
		"DTSTART;TZID=Europe/Paris:20270212T100000": 1,
		"DTSTART;TZID=Europe/Paris:20270520T100000": 1,
		"UID:api_14-20270212-abc@anefbot":           1,
		"UID:ren_open-20270520-abc@anefbot":         1,
		"SUMMARY:anefbot: fin de l'API\\, le 27/02": 1,
		"END:VCALENDAR": 1,
	} {
		if got := count(line); got != want {
			t.Errorf("%q: %d times, want %d", line, got, want)
		}
	}
	desc := "DESCRIPTION:Votre « attestation de prolongation d'instruction » (API) se termine le 27/02/2027 \\; appelez le 0806 001 620\\, gardez une preuve.\\nDeuxième ligne — ça s'écrit en UTF-8 : é è à ü ي"
	if count(desc) != 1 {
		t.Errorf("description not escaped and folded back to itself:\n%s", raw)
	}
}

func TestFold(t *testing.T) {
	for _, n := range []int{0, 74, 75, 76, 150, 151, 400} {
		s := strings.Repeat("é", n/2) + strings.Repeat("a", n%2)
		got := fold(s)
		if strings.ReplaceAll(strings.TrimSuffix(got, "\r\n"), "\r\n ", "") != s {
			t.Errorf("%d: unfold(fold(s)) != s", n)
		}
		for _, l := range strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n") {
			if len(l) > 75 || !utf8.ValidString(l) {
				t.Errorf("%d: bad line %q", n, l)
			}
		}
	}
}
