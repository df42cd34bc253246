package flows

import "time"

// The deadline rules. Each is a small function over civil dates (midnight
// UTC) with the section of anef.md it comes from. The plans show the dates
// these return, never the rules themselves.

// AddMonths adds n calendar months to d, "de date à date": when the target
// month is shorter, the result is its last day (31 Oct + 4 months is the
// end of February, not 3 March as time.AddDate would say).
func AddMonths(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// RenewalWindow is when a renewal must be filed. For a title on the ANEF
// list: between the 120th and the 60th day before expiry; for other titles:
// during the two months before expiry. (R431-5 CESEDA, anef.md §3.1, §9.2.)
func RenewalWindow(expiry time.Time, onANEF bool) (open, close time.Time) {
	if onANEF {
		return expiry.AddDate(0, 0, -120), expiry.AddDate(0, 0, -60)
	}
	return AddMonths(expiry, -2), expiry
}

// RenewalPhase is where a day stands against a card's renewal window.
type RenewalPhase int

// Renewal phases, from the earliest day to the latest.
const (
	BeforeWindow RenewalPhase = iota // the window has not opened
	InWindow                         // open: file now
	WindowMissed                     // closed, the card still valid (§9.2: €180 fee)
	ExpiredCard                      // the card has expired
)

// PhaseOf says where today stands against the R431-5 window of a card
// expiring on expiry (anef.md §3.1, §9.2).
func PhaseOf(expiry, today time.Time, onANEF bool) RenewalPhase {
	open, closes := RenewalWindow(expiry, onANEF)
	switch {
	case !expiry.After(today):
		return ExpiredCard
	case today.After(closes):
		return WindowMissed
	case !today.Before(open):
		return InWindow
	}
	return BeforeWindow
}

// ImplicitRefusal is the day silence on a complete request becomes an
// implicit refusal: 4 months after filing (R432-1, R432-2; anef.md §3.4).
// Some titles have 60 or 90 days (anef.md §9.4): plans say so with caution.
func ImplicitRefusal(filed time.Time) time.Time { return AddMonths(filed, 4) }

// RecourseEnd is the last day to challenge a refusal without OQTF (or an
// implicit refusal) before the tribunal administratif: 2 months, counted
// as a délai franc (anef.md §3.4, §3.7, §10.2).
func RecourseEnd(from time.Time) time.Time { return LastDayMonths(from, 2) }

// APIEnd is the latest end of an attestation de prolongation d'instruction
// issued on a day: 3 months at most (R431-15-1; anef.md §3.2, §9.3).
func APIEnd(issued time.Time) time.Time { return AddMonths(issued, 3) }

// DaysUntil counts whole days from today to d (negative when d is past).
func DaysUntil(today, d time.Time) int { return int(d.Sub(today).Hours() / 24) }

// ImplicitRefusalShort gives the two earlier days silence may become an
// implicit refusal for some titles: 60 days (the title of R421-26) and 90
// days (the titles of R421-43, R421-47 and others). Which commercial title
// matches which article is not settled (anef.md §9.4): plans only say
// "possibly from" the 60-day date and send the person to a human.
func ImplicitRefusalShort(filed time.Time) (day60, day90 time.Time) {
	return filed.AddDate(0, 0, 60), filed.AddDate(0, 0, 90)
}

// FiledLate reports whether a renewal filed on filed missed the R431-5
// window of a title expiring on expiry: from that day on, the €180 "droit
// de visa de régularisation" may be charged (anef.md §3.1, §9.2), and the
// API is no longer guaranteed (§2.2 H, §3.2).
func FiledLate(filed, expiry time.Time, onANEF bool) bool {
	_, closes := RenewalWindow(expiry, onANEF)
	return filed.After(closes)
}
