package flows

import "time"

// How the law counts a court deadline (anef.md §10.2). A period of days or
// months is a "délai franc": the day of notification does not count, nor
// does the day the period ends, so the last day to act is the same date N
// months (or N days) later plus one day; a last day that falls on a
// Saturday, a Sunday or a French public holiday moves to the next working
// day. The 48-hour delay of rétention is counted in hours, not here.

// LastDayMonths is the last day to act on a délai franc of n months from
// the day of notification (anef.md §10.2). Months are counted "de date à
// date" (AddMonths): 31 January + 1 month is the end of February.
// Example (§10.2): notified Monday 5 October 2026, 2 months: 5 December +
// 1 = Sunday 6 December, so the last day is Monday 7 December 2026.
func LastDayMonths(notified time.Time, n int) time.Time {
	return NextWorkingDay(AddMonths(notified, n).AddDate(0, 0, 1))
}

// LastDayDays is the last day to act on a délai franc of n days from the
// day of notification (anef.md §10.2; the 7-day OQTF delay: CAA Toulouse,
// 3 July 2025, n° 24TL02643).
func LastDayDays(notified time.Time, n int) time.Time {
	return NextWorkingDay(notified.AddDate(0, 0, n+1))
}

// NextWorkingDay returns d, or the first day after it that is neither a
// Saturday, a Sunday nor a French public holiday (anef.md §10.2).
func NextWorkingDay(d time.Time) time.Time {
	for !IsWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// IsWorkingDay reports whether d is a weekday that is not a public holiday.
func IsWorkingDay(d time.Time) bool {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !IsPublicHoliday(d)
}

// IsPublicHoliday reports whether d is one of the eleven French public
// holidays listed in anef.md §10.2: 1 January, Easter Monday, 1 May,
// 8 May, Ascension, Whit Monday, 14 July, 15 August, 1 November,
// 11 November, 25 December. They are computed for any year, the movable
// ones from Easter. The two extra days of Alsace-Moselle (Good Friday,
// 26 December) are not in the brief: without them the bot can only show
// a day earlier than the real last day there, never a later one.
func IsPublicHoliday(d time.Time) bool {
	switch d.Month() {
	case time.January:
		if d.Day() == 1 {
			return true
		}
	case time.May:
		if d.Day() == 1 || d.Day() == 8 {
			return true
		}
	case time.July:
		if d.Day() == 14 {
			return true
		}
	case time.August:
		if d.Day() == 15 {
			return true
		}
	case time.November:
		if d.Day() == 1 || d.Day() == 11 {
			return true
		}
	case time.December:
		if d.Day() == 25 {
			return true
		}
	}
	easter := Easter(d.Year())
	for _, offset := range []int{1, 39, 50} { // Easter Monday, Ascension, Whit Monday
		if sameDay(d, easter.AddDate(0, 0, offset)) {
			return true
		}
	}
	return false
}

// Easter returns Easter Sunday of a Gregorian year (the anonymous
// Gregorian algorithm, also known as Meeus/Jones/Butcher).
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.Month() == b.Month() && a.Day() == b.Day()
}

// DeadlineState is where today stands against the last day of a period.
type DeadlineState int

// Deadline states (anef.md §10.2: "ended" only once the last day is past).
const (
	Running DeadlineState = iota // the last day is after today
	LastDay                      // today is the last day
	Passed                       // the last day is past
)

// StateOf says whether a period whose last day is last is running, ends
// today, or has ended (anef.md §10.2).
func StateOf(today, last time.Time) DeadlineState {
	switch {
	case last.After(today):
		return Running
	case sameDay(last, today):
		return LastDay
	}
	return Passed
}
