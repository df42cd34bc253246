package flows

import "testing"

// anef.md §10.2: a court deadline is a délai franc (the day of notification
// and the end day do not count: same date N months or days later, plus
// one), and a last day on a Saturday, a Sunday or a public holiday moves
// to the next working day. Each row: the day before, of and after a
// boundary, month ends, 29 February, weekends and holidays.
func TestLastDayOfACourtDeadline(t *testing.T) {
	for _, tc := range []struct {
		name, kind, notified, want string
	}{
		// §10.2's own worked example: Monday 5 October 2026, 2 months ->
		// 5 December + 1 = Sunday 6 December -> Monday 7 December.
		{"brief example", DecisionRefusal, "2026-10-05", "2026-12-07"},
		{"day before: Friday end stays", DecisionRefusal, "2026-10-03", "2026-12-04"},
		{"Saturday end moves to Monday", DecisionRefusal, "2026-10-04", "2026-12-07"},
		{"day after: Monday end stays", DecisionRefusal, "2026-10-06", "2026-12-07"},
		{"Tuesday", DecisionRefusal, "2026-10-07", "2026-12-08"},
		// §10.2 holidays computed from Easter: Easter Sunday 5 April 2026
		// then Easter Monday 6 April: Tuesday 7 April.
		{"over Easter Monday", DecisionOQTF, "2026-03-05", "2026-04-07"},
		{"Ascension 2026 (Thursday 14 May)", DecisionOQTF, "2026-04-13", "2026-05-15"},
		{"Whit Monday 2027 (17 May)", DecisionOQTF, "2027-04-16", "2027-05-18"},
		{"1 May then 8 May are holidays", DecisionOQTF, "2026-04-07", "2026-05-11"}, // 8 May Friday, then the weekend
		{"14 July", DecisionOQTF, "2026-06-13", "2026-07-15"},
		{"11 November", DecisionRefusal, "2026-09-10", "2026-11-12"},
		{"1 November on a Sunday", DecisionOQTF, "2026-09-30", "2026-11-02"},
		// 31 October + 2 months = 31 December, + 1 = Friday 1 January
		// 2027, a holiday, then the weekend: Monday 4 January.
		{"1 January", DecisionRefusal, "2026-10-31", "2027-01-04"},
		// Month ends: 31 January + 1 month is 28 February (date à date),
		// + 1 = Monday 1 March 2027.
		{"31 January", DecisionOQTF, "2027-01-31", "2027-03-01"},
		{"29 February, leap year", DecisionOQTF, "2028-01-29", "2028-03-01"},
		{"from 29 February", DecisionRefusal, "2028-02-29", "2028-05-02"}, // 30 April Sunday, 1 May holiday
		// 7 days (house arrest, prison): day of notification + 8.
		{"7 days, plain", DecisionArrest, "2026-12-14", "2026-12-22"},
		{"7 days over Christmas", DecisionArrest, "2026-12-17", "2026-12-28"},
		{"7 days over New Year", DecisionArrest, "2026-12-24", "2027-01-04"}, // 1 Jan Friday, weekend
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			got, ok := CourtDeadline(day(tc.notified), tc.kind)
			if !ok || got.Format(isoDate) != want {
				t.Errorf("notified %s (%s): last day %s, want %s", tc.notified, tc.kind, got.Format(isoDate), want)
			}
			if !IsWorkingDay(got) {
				t.Errorf("last day %s is not a working day", got.Format(isoDate))
			}
		})
	}
}

func TestEasterAndItsHolidays(t *testing.T) {
	for year, want := range map[int]string{
		2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28",
		2028: "2028-04-16", 2038: "2038-04-25", 2285: "2285-03-22", // the earliest possible
	} {
		if got := Easter(year).Format(isoDate); got != want {
			t.Errorf("Easter(%d) = %s, want %s", year, got, want)
		}
	}
	holidays2026 := []string{"2026-01-01", "2026-04-06", "2026-05-01", "2026-05-08", "2026-05-14",
		"2026-05-25", "2026-07-14", "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-25"}
	count := 0
	for d := day("2026-01-01"); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		if IsPublicHoliday(d) {
			if count >= len(holidays2026) || d.Format(isoDate) != holidays2026[count] {
				t.Errorf("unexpected holiday %s", d.Format(isoDate))
			}
			count++
		}
	}
	if count != len(holidays2026) {
		t.Errorf("%d holidays in 2026, want %d", count, len(holidays2026))
	}
	// Easter Sunday and Good Friday are not among the brief's holidays
	// (Good Friday is a holiday only in Alsace-Moselle).
	for _, d := range []string{"2026-04-05", "2026-04-03", "2026-12-26"} {
		if IsPublicHoliday(day(d)) {
			t.Errorf("%s counted as a public holiday", d)
		}
	}
}

// §10.2: "ended" only once the last day is past; on it, "today".
func TestStateOfALastDay(t *testing.T) {
	last := day("2026-12-07")
	for today, want := range map[string]DeadlineState{
		"2026-12-06": Running, "2026-12-07": LastDay, "2026-12-08": Passed,
	} {
		if got := StateOf(day(today), last); got != want {
			t.Errorf("today %s: %v, want %v", today, got, want)
		}
	}
}
