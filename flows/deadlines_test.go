package flows

import (
	"testing"
	"time"
)

func TestAddMonthsIsDateToDate(t *testing.T) {
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-20", 4, "2027-03-20"},
		{"2026-10-31", 4, "2027-02-28"}, // shorter month: its last day
		{"2027-10-31", 4, "2028-02-29"}, // leap year
		{"2026-12-31", 2, "2027-02-28"},
		{"2027-03-31", -1, "2027-02-28"},
		{"2027-01-15", -2, "2026-11-15"}, // across a year backwards
	} {
		if got := AddMonths(day(tc.from), tc.n).Format(isoDate); got != tc.want {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

// anef.md §3.1: day 120 to day 60 before expiry on ANEF; the two months
// before expiry otherwise.
func TestRenewalWindow(t *testing.T) {
	for _, tc := range []struct {
		expiry      string
		onANEF      bool
		open, close string
	}{
		{"2027-03-15", true, "2026-11-15", "2027-01-14"},
		{"2027-03-15", false, "2027-01-15", "2027-03-15"},
		{"2028-04-30", true, "2028-01-01", "2028-03-01"}, // across a leap February
	} {
		open, closes := RenewalWindow(day(tc.expiry), tc.onANEF)
		if open.Format(isoDate) != tc.open || closes.Format(isoDate) != tc.close {
			t.Errorf("RenewalWindow(%s, %v) = %s..%s, want %s..%s", tc.expiry, tc.onANEF,
				open.Format(isoDate), closes.Format(isoDate), tc.open, tc.close)
		}
	}
}

// Where a day stands against the window (§3.1, §9.2): the first and last
// days of the window are in it; the expiry day itself counts as expired.
func TestPhaseOf(t *testing.T) {
	expiry := day("2027-03-15") // ANEF window 15/11/2026..14/01/2027
	for _, tc := range []struct {
		today  string
		onANEF bool
		want   RenewalPhase
	}{
		{"2026-11-14", true, BeforeWindow},
		{"2026-11-15", true, InWindow},
		{"2027-01-14", true, InWindow},
		{"2027-01-15", true, WindowMissed},
		{"2027-03-14", true, WindowMissed},
		{"2027-03-15", true, ExpiredCard},
		{"2027-03-14", false, InWindow},
		{"2027-03-15", false, ExpiredCard},
	} {
		if got := PhaseOf(expiry, day(tc.today), tc.onANEF); got != tc.want {
			t.Errorf("PhaseOf(15/03/2027, %s, ANEF %v) = %d, want %d", tc.today, tc.onANEF, got, tc.want)
		}
	}
}

// anef.md §9.2: the €180 fee and the lost API guarantee start the day
// after the window closes, card still valid or not.
func TestFiledLate(t *testing.T) {
	expiry := day("2027-03-15") // ANEF window closes 14/01/2027
	for _, tc := range []struct {
		filed  string
		onANEF bool
		want   bool
	}{
		{"2027-01-14", true, false},
		{"2027-01-15", true, true},
		{"2027-03-10", true, true}, // card still valid: late all the same
		{"2027-03-10", false, false},
		{"2027-03-16", false, true},
	} {
		if got := FiledLate(day(tc.filed), expiry, tc.onANEF); got != tc.want {
			t.Errorf("FiledLate(%s, ANEF %v) = %v, want %v", tc.filed, tc.onANEF, got, tc.want)
		}
	}
}

// anef.md §3.4: 4 months of silence, then 2 months to go to court; §9.4:
// 60 or 90 days for some titles.
func TestSilenceDeadlines(t *testing.T) {
	filed := day("2026-10-31")
	if got := ImplicitRefusal(filed).Format(isoDate); got != "2027-02-28" {
		t.Errorf("ImplicitRefusal = %s", got)
	}
	// 28 April + 1 = Thursday 29 April 2027, a working day (§10.2).
	if got := RecourseEnd(day("2027-02-28")).Format(isoDate); got != "2027-04-29" {
		t.Errorf("RecourseEnd = %s", got)
	}
	d60, d90 := ImplicitRefusalShort(filed)
	if d60.Format(isoDate) != "2026-12-30" || d90.Format(isoDate) != "2027-01-29" {
		t.Errorf("ImplicitRefusalShort = %s, %s", d60.Format(isoDate), d90.Format(isoDate))
	}
	if got := APIEnd(day("2026-11-30")).Format(isoDate); got != "2027-02-28" {
		t.Errorf("APIEnd = %s", got)
	}
}

// anef.md §3.4, §3.7, §10.2: the person's own court deadline, a délai
// franc moved past weekends and holidays. Notified Friday 20 November 2026.
func TestCourtDeadlineByDecision(t *testing.T) {
	notified := day("2026-11-20")
	for kind, want := range map[string]string{
		DecisionOQTF:    "2026-12-21", // 20 Dec + 1 = Monday 21
		DecisionArrest:  "2026-11-30", // 20 + 7 + 1 = Saturday 28 -> Monday 30
		DecisionRefusal: "2027-01-21", // 20 Jan + 1 = Thursday 21
	} {
		got, ok := CourtDeadline(notified, kind)
		if !ok || got.Format(isoDate) != want {
			t.Errorf("CourtDeadline(%s) = %s %v, want %s", kind, got.Format(isoDate), ok, want)
		}
	}
	// §10.2: the 48 hours of rétention are counted in hours, not days.
	if _, ok := CourtDeadline(notified, DecisionRetention); ok {
		t.Error("the 48-hour delay was given as a day")
	}
	if _, ok := CourtDeadline(notified, "expired"); ok {
		t.Error("a kind without a court deadline gave one")
	}
}

func TestDaysUntil(t *testing.T) {
	// Across the October clock change: still whole days.
	if got := DaysUntil(day("2026-10-20"), day("2026-11-01")); got != 12 {
		t.Errorf("DaysUntil = %d", got)
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ in, want string }{
		{"12/03/2026", "2026-03-12"},
		{"12.3.26", "2026-03-12"},
		{"1-3-2027", "2027-03-01"},
		{"2026-03-12", "2026-03-12"},
		{"12 mars 2026", "2026-03-12"},
		{"1er février 2027", "2027-02-01"},
		{"3 fevrier 27", "2027-02-03"},
		{"March 12, 2026", "2026-03-12"},
		{"12 Dec 2026", "2026-12-12"},
		{"١٢/٠٣/٢٠٢٦", "2026-03-12"}, // Arabic-Indic digits
		{"15/03/80", "1980-03-15"},   // nearest century
		{"31/02/2027", ""},
		{"13/13/2026", ""},
		{"demain", ""},
		{"12/2026", ""},
	} {
		d, err := ParseDate(tc.in, now)
		got := ""
		if err == nil {
			got = d.Format(isoDate)
		}
		if got != tc.want {
			t.Errorf("ParseDate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
