package flows

import (
	"strings"
	"testing"
	"time"
)

// planIDs builds a plan for the answers on a day and lists its message IDs.
func planIDs(t *testing.T, plan, today string, answers map[string]string) []string {
	t.Helper()
	for _, p := range plans() {
		if p.id != plan {
			continue
		}
		var out []string
		for _, part := range p.render(Facts{Answers: answers, Today: day(today)}) {
			out = append(out, part.ID)
		}
		return out
	}
	t.Fatalf("no plan %s", plan)
	return nil
}

// Each rule at its boundaries: the day before, the day of, the day after;
// what the plan must say and must never say there (anef.md §10).
func TestPlansAtTheBoundaries(t *testing.T) {
	// A card expiring on Monday 12 April 2027 (ANEF): the window opens on
	// day 120, Sunday 13 December 2026, and closes on day 60, Thursday
	// 11 February 2027 (§3.1, §10.4).
	renewal := map[string]string{KeyExpiry: "2027-04-12", KeyOnANEF: "yes"}
	late := []string{"t8_step_explain", "t8_fee", "t8_step_file_anef_now"}
	tests := []struct {
		name, section, plan, today string
		answers                    map[string]string
		must, never                []string
	}{
		{"T8 the day before the window opens", "§10.4", "plan_t8", "2026-12-12", renewal,
			[]string{"t8_title_prepare", "t8_early", "t8_step_prepare", "t8_step_file_anef_from"}, append(late, "t8_step_file_anef_by")},
		{"T8 the day the window opens", "§10.4", "plan_t8", "2026-12-13", renewal,
			[]string{"t8_on_time", "t8_step_file_anef_by"}, append(late, "t8_early")},
		{"T8 day 60, the last day", "§10.2, §10.4", "plan_t8", "2027-02-11", renewal,
			[]string{"t8_last_day", "t8_step_file_anef_by"}, late},
		{"T8 the day after day 60", "§9.2, §10.4", "plan_t8", "2027-02-12", renewal,
			append([]string{"t8_title_late", "t8_late_valid"}, late...), []string{"t8_on_time"}},
		{"T8 the card's last day", "§10.4", "plan_t8", "2027-04-11", renewal,
			[]string{"t8_late_valid"}, []string{"t8_expired"}},
		{"T8 the day the card expires", "§8 T8, §10.4", "plan_t8", "2027-04-12", renewal,
			append([]string{"t8_expired"}, late...), []string{"l433_covered"}},
		{"T8 expired, a resident card: L433-3", "§3.2, §10.4", "plan_t8", "2027-04-12",
			map[string]string{KeyExpiry: "2027-04-12", KeyCard: "resident"}, []string{"t8_expired", "l433_covered"}, nil},
		{"T8 L433-3's last day (12 July)", "§3.2", "plan_t8", "2027-07-12",
			map[string]string{KeyExpiry: "2027-04-12", KeyCard: "pluri4"}, []string{"l433_covered"}, nil},
		{"T8 the day after L433-3", "§3.2", "plan_t8", "2027-07-13",
			map[string]string{KeyExpiry: "2027-04-12", KeyCard: "pluri4"}, []string{"t8_expired"}, []string{"l433_covered", "l433_maybe"}},
		{"T8 a paper title: the préfecture, no ANEF words", "§3.1, §3.3", "plan_t8", "2027-04-13",
			map[string]string{KeyExpiry: "2027-04-12", KeyOnANEF: "no"},
			[]string{"t8_expired_paper", "t8_step_file_prefecture_now"}, []string{"t8_expired", "t8_step_file_anef_now"}},
		{"T8 a paper title before its two months", "§3.1", "plan_t8", "2027-02-11",
			map[string]string{KeyExpiry: "2027-04-12", KeyOnANEF: "no"}, []string{"t8_early", "t8_step_file_prefecture_from"}, late},
		{"T8 expiry not known: the conservative path", "§10.3", "plan_t8", "2027-02-11",
			map[string]string{KeyExpiry: Unknown}, []string{"t8_unknown", "t8_step_explain_if_late"}, []string{"t8_step_explain"}},
		{"T1 renewal before the window: no lateness", "§10.4", "plan_t1", "2026-12-12",
			map[string]string{KeyProcedure: "renewal", KeyExpiry: "2027-04-12"}, []string{"renew_later"}, []string{"renew_missed", "renew_open"}},
		{"T1 renewal on day 60", "§10.4", "plan_t1", "2027-02-11",
			map[string]string{KeyProcedure: "renewal", KeyExpiry: "2027-04-12"}, []string{"renew_last_day"}, []string{"renew_missed"}},
		{"T1 renewal the day after day 60", "§10.4", "plan_t1", "2027-02-12",
			map[string]string{KeyProcedure: "renewal", KeyExpiry: "2027-04-12"}, []string{"renew_missed"}, nil},
		{"T1 a renewal is never told of the 2026 exam", "§10.1", "plan_t1", "2027-02-12",
			map[string]string{KeyProcedure: "renewal", KeyExpiry: "2027-04-12"}, nil, []string{"civic_multi", "civic_resident", "civic_unknown", "civic_exam"}},
		{"T1 a first multi-year card: A2 and the exam", "§10.1", "plan_t1", "2027-02-12",
			map[string]string{KeyProcedure: "first", KeyFirst: "multi"}, []string{"civic_multi", "civic_exam"}, nil},
		{"T2 a first resident card: B1 and the exam", "§10.1", "plan_t2", "2027-02-12",
			map[string]string{KeyProcedure: "first", KeyFirst: "resident"}, []string{"civic_resident", "civic_exam"}, nil},
		{"T2 a first temporary card: not concerned", "§10.1", "plan_t2", "2027-02-12",
			map[string]string{KeyProcedure: "first", KeyFirst: "temp"}, []string{"civic_temp"}, []string{"civic_exam"}},
		{"T10 naturalisation to file: B2 and the exam", "§10.1", "plan_t10", "2027-02-12",
			map[string]string{KeyIssue: "cannot_file"}, []string{"civic_naturalisation", "civic_exam"}, nil},
		{"general, a first card: the exam", "§10.1", "plan_general", "2027-02-12",
			map[string]string{KeyProcedure: "first", KeyFirst: "unknown"}, []string{"civic_unknown", "civic_exam"}, nil},
		{"general, a renewal: by phase", "§10.4", "plan_general", "2027-02-12",
			map[string]string{KeyProcedure: "renewal", KeyExpiry: "2027-04-12"}, []string{"renew_missed"}, []string{"civic_exam"}},
		// OQTF notified Thursday 5 November 2026: 5 December + 1 = Sunday
		// 6, so the last day is Monday 7 December (§10.2).
		{"OQTF the day before the last day", "§10.2", "plan_urgent", "2026-12-06",
			map[string]string{KeyDecisionKind: DecisionOQTF, KeyDecision: "2026-11-05"}, []string{"urgent_deadline", "urgent_legal_aid"}, []string{"urgent_deadline_today", "urgent_deadline_past"}},
		{"OQTF on the last day: today", "§10.2", "plan_urgent", "2026-12-07",
			map[string]string{KeyDecisionKind: DecisionOQTF, KeyDecision: "2026-11-05"}, []string{"urgent_deadline_today"}, []string{"urgent_deadline", "urgent_deadline_past"}},
		{"OQTF the day after: seems passed", "§10.2", "plan_urgent", "2026-12-08",
			map[string]string{KeyDecisionKind: DecisionOQTF, KeyDecision: "2026-11-05"}, []string{"urgent_deadline_past"}, []string{"urgent_deadline", "urgent_deadline_today"}},
		{"rétention: 48 hours, no day", "§10.2", "plan_urgent", "2026-12-08",
			map[string]string{KeyDecisionKind: DecisionRetention}, []string{"urgent_retention"}, []string{"urgent_deadline", "urgent_legal_aid"}},
		// Filed Friday 5 June 2026: refusal 5 October; + 2 months + 1 =
		// Sunday 6 December: last day Monday 7 December (§10.2).
		{"silence: the court's last day", "§10.2, §10.4", "plan_t5", "2026-12-07",
			map[string]string{KeyFiled: "2026-06-05"}, []string{"silence_recourse_today", "silence_incomplete"}, []string{"silence_recourse_past"}},
		{"silence: the day after", "§10.2", "plan_t5", "2026-12-08",
			map[string]string{KeyFiled: "2026-06-05"}, []string{"silence_recourse_past", "t5_step_reasons_now"}, []string{"silence_recourse_today"}},
		{"silence: a refusal to come carries the caveat", "§10.4", "plan_t3", "2026-12-07",
			map[string]string{KeyExpiry: "2027-06-01", KeyFiled: "2026-11-20", KeyDocs: "no"}, []string{"t3_refusal_future", "silence_incomplete"}, nil},
		{"silence: filing date not known", "§10.3", "plan_t4", "2026-12-07",
			map[string]string{KeyFiled: Unknown, KeyAPIEnd: Unknown}, []string{"silence_unknown", "silence_incomplete", "t4_api_unknown"}, nil},
		{"documents due today", "§10.2", "plan_t6", "2026-12-07",
			map[string]string{KeyIssue: "requested", KeyDocsDue: "2026-12-07"}, []string{"t6_due_today"}, []string{"t6_due", "t6_due_past"}},
		{"ADF ends today", "§9.3", "plan_t7", "2026-12-07",
			map[string]string{KeyADFDated: "yes", KeyADFEnd: "2026-12-07"}, []string{"t7_running_today"}, []string{"t7_running", "t7_ended"}},
		{"T3 a filing month only: no verdict on the window", "§3.1", "plan_t3", "2026-12-07",
			map[string]string{KeyExpiry: "2027-03-15", KeyFiled: "2026-11-01", KeyAssumed: KeyFiled},
			[]string{"date_assumed", "t3_refusal_future"}, []string{"t3_filed_early", "t3_filed_on_time", "t3_filed_late", "t3_window_unknown"}},
		{"a month only: the day assumed is said", "§10.2", "plan_t8", "2026-12-07",
			map[string]string{KeyExpiry: "2027-04-01", KeyAssumed: KeyExpiry}, []string{"date_assumed"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := planIDs(t, tc.plan, tc.today, tc.answers)
			have := map[string]bool{}
			for _, id := range got {
				have[id] = true
			}
			for _, id := range tc.must {
				if !have[id] {
					t.Errorf("%s (%s): %s missing from %s", tc.name, tc.section, id, strings.Join(got, " "))
				}
			}
			for _, id := range tc.never {
				if have[id] {
					t.Errorf("%s (%s): %s must not be said: %s", tc.name, tc.section, id, strings.Join(got, " "))
				}
			}
		})
	}
}

// No plan shows a past date as a target: every "by", "before", "until"
// argument is today or later, whatever the day (anef.md §10.2, §10.4).
func TestNoPastDateIsATarget(t *testing.T) {
	targets := map[string][]string{ // message ID -> arguments that are targets
		"renew_open": {"Close"}, "renew_later": {"Open", "Close"}, "renew_last_day": {"Close"},
		"t8_on_time": {"Close"}, "t8_early": {"Open", "Close"}, "t8_last_day": {"Close"},
		"t8_step_file_anef_by": {"Close"}, "t8_step_file_prefecture_by": {"Close"},
		"t8_step_file_anef_from": {"Open"}, "t8_step_file_prefecture_from": {"Open"},
		"urgent_deadline": {"Date"}, "urgent_deadline_today": {"Date"}, "t3_refusal_future": {"Date", "Until"},
		"t3_refusal_past": {"Until"}, "silence_recourse_today": {"Until"}, "silence_short": {"Until"},
		"t6_due": {"Date"}, "t6_due_today": {"Date"}, "t7_running": {"Date"}, "t7_running_today": {"Date"},
		"t4_api_running": {"Date"}, "l433_covered": {"Until"}, "l433_maybe": {"Until"}, "t5_step_reasons": {"Date"},
	}
	answers := []map[string]string{
		{KeyProcedure: "renewal", KeyExpiry: "2027-04-12"},
		{KeyExpiry: "2027-04-12", KeyCard: "unknown"},
		{KeyExpiry: "2027-04-12", KeyOnANEF: "no"},
		{KeyDecisionKind: DecisionOQTF, KeyDecision: "2027-01-05"},
		{KeyDecisionKind: DecisionArrest, KeyDecision: "2027-01-05"},
		{KeyDecisionKind: DecisionRefusal, KeyDecision: "2027-01-05"},
		{KeyFiled: "2026-11-05", KeyExpiry: "2027-01-10", KeyAPIEnd: "2027-02-01", KeyTitle: "short"},
		{KeyFiled: "2026-11-05", KeyIssue: "requested", KeyDocsDue: "2027-02-01", KeyADFDated: "yes", KeyADFEnd: "2027-03-01"},
	}
	for d := day("2026-12-01"); d.Before(day("2027-08-01")); d = d.AddDate(0, 0, 1) {
		for _, a := range answers {
			for _, p := range plans() {
				for _, part := range p.render(Facts{Answers: a, Today: d}) {
					for _, arg := range targets[part.ID] {
						if v, ok := part.Args[arg].(time.Time); ok && v.Before(d) {
							t.Fatalf("%s on %s: %s shows %s=%s, a past date", p.id, d.Format(isoDate), part.ID, arg, v.Format(isoDate))
						}
					}
				}
			}
		}
	}
}
