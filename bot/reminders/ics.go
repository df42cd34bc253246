package reminders

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one calendar entry.
type Event struct {
	UID         string
	Start       time.Time // a wall-clock time in Europe/Paris
	Summary     string
	Description string
}

// parisTZ describes Europe/Paris for calendars that do not know it: CET,
// and CEST from the last Sunday of March to the last Sunday of October
// (the EU rule in force since 1996).
const parisTZ = "BEGIN:VTIMEZONE\r\n" +
	"TZID:Europe/Paris\r\n" +
	"BEGIN:DAYLIGHT\r\n" +
	"TZOFFSETFROM:+0100\r\n" +
	"TZOFFSETTO:+0200\r\n" +
	"TZNAME:CEST\r\n" +
	"DTSTART:19700329T020000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" +
	"END:DAYLIGHT\r\n" +
	"BEGIN:STANDARD\r\n" +
	"TZOFFSETFROM:+0200\r\n" +
	"TZOFFSETTO:+0100\r\n" +
	"TZNAME:CET\r\n" +
	"DTSTART:19701025T030000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" +
	"END:STANDARD\r\n" +
	"END:VTIMEZONE\r\n"

// Calendar writes events as an iCalendar file (RFC 5545): CRLF line
// ends, lines folded at 75 octets, times in Europe/Paris with its
// VTIMEZONE, each event with an alarm at its start.
func Calendar(events []Event, stamp time.Time) []byte {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//anefbot//reminders//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	b.WriteString(parisTZ)
	dtstamp := stamp.UTC().Format("20060102T150405Z")
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + escape(e.UID))
		line("DTSTAMP:" + dtstamp)
		line("DTSTART;TZID=Europe/Paris:" + e.Start.Format("20060102T150405"))
		line("DURATION:PT30M")
		line("SUMMARY:" + escape(e.Summary))
		line("DESCRIPTION:" + escape(e.Description))
		line("BEGIN:VALARM")
		line("ACTION:DISPLAY")
		line("DESCRIPTION:" + escape(e.Summary))
		line("TRIGGER:PT0S")
		line("END:VALARM")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

// escape writes TEXT values (RFC 5545 §3.3.11).
func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// fold splits a content line into lines of at most 75 octets, never inside
// a UTF-8 sequence, continuation lines starting with a space (RFC 5545
// §3.1), and ends it with CRLF.
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
