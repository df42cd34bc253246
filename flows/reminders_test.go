package flows

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// list writes reminders as "kind@on>deadline" for compact comparisons.
func list(rs []Reminder) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, r.Kind+"@"+r.On.Format("2006-01-02")+">"+r.Deadline.Format("2006-01-02"))
	}
	return strings.Join(parts, " ")
}

func TestReminders(t *testing.T) {
	tests := []struct {
		name    string
		today   string
		answers map[string]string
		due     string
		close   string
	}{
		{
			name:    "nothing known, nothing to remind",
			today:   "2026-11-29",
			answers: map[string]string{KeyTitle: "etudiant"},
		},
		{
			// ANEF window: day 120 to day 60 before expiry (§3.1); the last
			// call (12/07) is a Monday and stays.
			name:    "renewal ANEF title",
			today:   "2026-11-29",
			answers: map[string]string{KeyExpiry: "2027-09-17", KeyOnANEF: "yes"},
			due:     "ren_open@2027-05-20>2027-07-19 ren_last@2027-07-12>2027-07-19",
		},
		{
			// Non-ANEF: the two months before expiry, month end clamped
			// (31/10 - 2 months = 31/08; last call 24/10 is a Sunday → 22/10).
			name:    "renewal non-ANEF title, month end, weekend",
			today:   "2026-11-29",
			answers: map[string]string{KeyExpiry: "2027-10-31", KeyOnANEF: "no"},
			due:     "ren_open@2027-08-31>2027-10-31 ren_last@2027-10-22>2027-10-31",
		},
		{
			name:    "unknown whether ANEF: the earlier ANEF window",
			today:   "2026-11-29",
			answers: map[string]string{KeyExpiry: "2027-09-17"},
			due:     "ren_open@2027-05-20>2027-07-19 ren_last@2027-07-12>2027-07-19",
		},
		{
			// Window already open: no reminder dated in the past, the
			// person is told at once that it is open; the last call comes.
			name:    "window open, last call to come",
			today:   "2026-11-29",
			answers: map[string]string{KeyExpiry: "2027-03-01"},
			due:     "ren_last@2026-12-24>2026-12-31",
			close:   "ren_open@2026-11-01>2026-12-31",
		},
		{
			// The last call day has passed but the window has not closed:
			// the person is told now.
			name:    "window closes in 3 days",
			today:   "2026-11-29",
			answers: map[string]string{KeyExpiry: "2027-01-31"},
			close:   "ren_open@2026-10-03>2026-12-02 ren_last@2026-11-25>2026-12-02",
		},
		{
			name:    "expiry today: nothing in the past, nothing dated",
			today:   "2026-11-29",
			answers: map[string]string{KeyExpiry: "2026-11-29"},
		},
		{
			// Filed: no renewal reminders; 4 months of silence (§3.4)
			// across a leap day: 31/10/2027 + 4 months = 29/02/2028; the
			// court's last day is 29/04 + 1 = Sunday 30/04, then 1 May:
			// Tuesday 2 May (délai franc, §10.2).
			name:    "filed, implicit refusal in a leap year",
			today:   "2027-11-02",
			answers: map[string]string{KeyExpiry: "2028-01-15", KeyFiled: "2027-10-31"},
			due:     "refusal@2028-02-29>2028-02-29 recourse@2028-04-25>2028-05-02",
		},
		{
			// 30/06/2027 + 4 months = 30/10/2027 (a Saturday, but that day
			// is a fact, not a warning: it does not move).
			name:    "implicit refusal on a Saturday stays",
			today:   "2027-07-01",
			answers: map[string]string{KeyFiled: "2027-06-30"},
			due:     "refusal@2027-10-30>2027-10-30 recourse@2027-12-24>2027-12-31",
		},
		{
			// A title with a shorter silence (§9.4): the earliest date,
			// 60 days, and the recourse counted from it.
			name:    "short silence title",
			today:   "2026-11-29",
			answers: map[string]string{KeyFiled: "2026-11-20", KeyTitle: "short"},
			due:     "refusal60@2027-01-19>2027-01-19 recourse@2027-03-15>2027-03-22",
		},
		{
			name:    "implicit refusal today is close, recourse still reminded",
			today:   "2027-03-20",
			answers: map[string]string{KeyFiled: "2026-11-20"},
			due:     "recourse@2027-05-14>2027-05-21",
			close:   "refusal@2027-03-20>2027-03-20",
		},
		{
			// API: 14 days before (a Saturday → Friday) and on the day.
			name:    "API end",
			today:   "2026-11-29",
			answers: map[string]string{KeyAPIEnd: "2027-02-27"},
			due:     "api_14@2027-02-12>2027-02-27 api_end@2027-02-27>2027-02-27",
		},
		{
			name:    "API ends in 10 days",
			today:   "2026-11-29",
			answers: map[string]string{KeyAPIEnd: "2026-12-09"},
			due:     "api_end@2026-12-09>2026-12-09",
			close:   "api_14@2026-11-25>2026-12-09",
		},
		{
			name:    "API ended yesterday: nothing",
			today:   "2026-11-29",
			answers: map[string]string{KeyAPIEnd: "2026-11-28"},
		},
		{
			name:    "ADF date printed on it",
			today:   "2026-11-29",
			answers: map[string]string{KeyADFEnd: "2027-01-20"},
			due:     "adf_14@2027-01-06>2027-01-20",
		},
		{
			// A decision replaces the implicit-refusal reminders: refusal
			// without OQTF, 2 months (§3.4): 27/01 + 1 = Thursday 28/01
			// (§10.2).
			name:    "refusal decision",
			today:   "2026-11-29",
			answers: map[string]string{KeyFiled: "2026-06-01", KeyDecision: "2026-11-27", KeyDecisionKind: DecisionRefusal},
			due:     "dec_court@2027-01-21>2027-01-28",
		},
		{
			name:    "OQTF: 1 month",
			today:   "2026-11-29",
			answers: map[string]string{KeyDecision: "2026-11-28", KeyDecisionKind: DecisionOQTF},
			due:     "dec_court@2026-12-22>2026-12-29",
		},
		{
			// 28/11 + 7 + 1 = Sunday 06/12 -> Monday 07/12 (§10.2).
			name:    "OQTF under house arrest: 7 days, said at once",
			today:   "2026-11-29",
			answers: map[string]string{KeyDecision: "2026-11-28", KeyDecisionKind: DecisionArrest},
			close:   "court@2026-11-28>2026-12-07",
		},
		{
			// Documents due on Monday 14/12: the reminder 3 days before
			// (a Friday) stays; due on Tuesday 12/01: Saturday → Friday.
			name:    "documents requested",
			today:   "2026-11-29",
			answers: map[string]string{KeyDocsDue: "2026-12-14"},
			due:     "docs@2026-12-11>2026-12-14",
		},
		{
			name:    "documents due on a Tuesday",
			today:   "2026-11-29",
			answers: map[string]string{KeyDocsDue: "2027-01-12"},
			due:     "docs@2027-01-08>2027-01-12",
		},
		{
			name:    "OQTF in rétention, past: nothing",
			today:   "2026-11-29",
			answers: map[string]string{KeyDecision: "2026-11-20", KeyDecisionKind: DecisionRetention},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Reminders(Facts{Answers: tt.answers, Today: day(tt.today)})
			if got := list(p.Due); got != tt.due {
				t.Errorf("due:\n got %s\nwant %s", got, tt.due)
			}
			if got := list(p.Close); got != tt.close {
				t.Errorf("close:\n got %s\nwant %s", got, tt.close)
			}
			for _, r := range p.Due {
				if !r.On.After(day(tt.today)) {
					t.Errorf("%s dated %s, not after today", r.ID, r.On)
				}
			}
		})
	}
}

// Reminders go out at 10:00 in Paris on their day, winter or summer,
// including the days the clocks change.
func TestSendAtDaylightSaving(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ on, utc string }{
		{"2027-01-15", "2027-01-15T09:00:00Z"},
		{"2027-03-28", "2027-03-28T08:00:00Z"}, // summer time starts at 02:00
		{"2027-07-01", "2027-07-01T08:00:00Z"},
		{"2027-10-31", "2027-10-31T09:00:00Z"}, // back to winter time at 03:00
	} {
		got := SendAt(day(tt.on), 10, paris).UTC().Format(time.RFC3339)
		if got != tt.utc {
			t.Errorf("%s: got %s, want %s", tt.on, got, tt.utc)
		}
	}
}

func TestReminderIDChangesWithDate(t *testing.T) {
	a := Reminders(Facts{Answers: map[string]string{KeyAPIEnd: "2027-02-27"}, Today: day("2026-11-29")})
	b := Reminders(Facts{Answers: map[string]string{KeyAPIEnd: "2027-05-27"}, Today: day("2026-11-29")})
	if a.Due[0].ID == b.Due[0].ID {
		t.Fatalf("a new API date kept the reminder ID %s", a.Due[0].ID)
	}
}

func TestInforms(t *testing.T) {
	f := Facts{Answers: map[string]string{KeyAPIEnd: "2027-02-27", KeySituation: "t4"}}
	for kind, want := range map[string]bool{RemAPISoon: true, RemAPIEnd: true, RemRenewOpen: false, RemRefusal: false, "unknown": false} {
		if got := f.Informs(kind); got != want {
			t.Errorf("%s: %v, want %v", kind, got, want)
		}
	}
}

// The court deadline of a decision and the one after an implicit refusal
// are told apart: the urgent branch says nothing about a filing, and a
// filing says nothing about a decision, so neither moves the other's
// reminder (anef.md §3.4).
func TestCourtDeadlinesAreInformedByTheirOwnFacts(t *testing.T) {
	oqtf := Facts{Answers: map[string]string{KeyDecision: "2026-11-20", KeyDecisionKind: DecisionOQTF}, Today: day("2026-11-29")}
	filed := Facts{Answers: map[string]string{KeyFiled: "2026-11-20", KeyExpiry: "2027-03-15"}, Today: day("2026-11-29")}
	if got := list(Reminders(oqtf).Due); got != "dec_court@2026-12-14>2026-12-21" {
		t.Errorf("OQTF: %s", got)
	}
	for _, tt := range []struct {
		f     Facts
		kind  string
		wants bool
	}{
		{oqtf, RemDecisionCourt, true}, {oqtf, RemRecourse, false}, {oqtf, RemRefusal, false},
		{filed, RemRecourse, true}, {filed, RemDecisionCourt, false}, {filed, RemCourtShort, false},
	} {
		if got := tt.f.Informs(tt.kind); got != tt.wants {
			t.Errorf("%v informs %s: %v, want %v", tt.f.Answers, tt.kind, got, tt.wants)
		}
	}
}
