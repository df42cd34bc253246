package flows

import "time"

// DiagnosisVersion is the version of the diagnosis graph. Bump it when a
// step's meaning changes, and declare in diagnosisMigrations where the
// sessions standing on old steps should go.
const DiagnosisVersion = 1

// diagnosisMigrations maps steps of older versions to their replacement.
var diagnosisMigrations = map[string]string{}

// Diagnosis returns the compiled diagnosis graph (anef.md §8).
func Diagnosis() (*Graph, error) {
	return NewGraph(DiagnosisVersion, "situation", diagnosisSteps(), diagnosisMigrations)
}

func diagnosisSteps() []Step {
	return []Step{
		{
			// The top of the triage (anef.md §8.0): urgent situations first,
			// then each blockage of §8, then "something else".
			ID: "situation", Kind: Ask, Prompt: "sit_prompt", Save: KeySituation,
			Options: []Option{
				{ID: "urgent", Label: "sit_urgent", Next: "plan_urgent"},
				{ID: "t1", Label: "sit_t1", Next: "plan_general"},
				{ID: "t2", Label: "sit_t2", Next: "plan_general"},
				{ID: "t3", Label: "sit_t3", Next: "t3_expiry"},
				{ID: "t4", Label: "sit_t4", Next: "plan_general"},
				{ID: "t5", Label: "sit_t5", Next: "plan_general"},
				{ID: "t6", Label: "sit_t6", Next: "plan_general"},
				{ID: "t7", Label: "sit_t7", Next: "plan_general"},
				{ID: "t8", Label: "sit_t8", Next: "plan_general"},
				{ID: "t9", Label: "sit_t9", Next: "plan_general"},
				{ID: "t10", Label: "sit_t10", Next: "plan_general"},
				{ID: "t11", Label: "sit_t11", Next: "plan_general"},
				{ID: "other", Label: "sit_other", Next: "plan_general"},
			},
			Sources: []string{"§8.0", "§8"},
		},
		{
			ID: "t3_expiry", Kind: AskDate, Prompt: "t3_expiry_prompt", Save: KeyExpiry, Next: "t3_filed",
			Sources: []string{"§8 T3"},
		},
		{
			ID: "t3_filed", Kind: AskDate, Prompt: "t3_filed_prompt", Save: KeyFiled, Next: "t3_docs",
			Check:   notInFuture,
			Sources: []string{"§8 T3", "§3.1"},
		},
		{
			ID: "t3_docs", Kind: Ask, Prompt: "t3_docs_prompt", Save: KeyDocs,
			Options: []Option{
				{ID: "no", Label: "t3_docs_no", Next: "plan_t3"},
				{ID: "yes", Label: "t3_docs_yes", Next: "plan_t3"},
				{ID: "unsure", Label: "t3_docs_unsure", Next: "plan_t3"},
			},
			Sources: []string{"§8 T3", "§2.2 F"},
		},
		{ID: "plan_t3", Kind: Plan, Build: planT3, Sources: []string{"§3.1", "§3.2", "§3.4", "§3.5", "§8 T3", "§9.1", "§9.2", "§9.4"}},
		{ID: "plan_urgent", Kind: Plan, Build: planUrgent, Sources: []string{"§3.4", "§3.7", "§8 T-URGENT"}},
		{ID: "plan_general", Kind: Plan, Build: planGeneral, Sources: []string{"§2.3", "§1.4", "§9.1"}},
	}
}

// notInFuture refuses a filing date after today.
func notInFuture(d time.Time, f Facts) string {
	if d.After(f.Today) {
		return "date_future"
	}
	return ""
}

// Urgency levels of a plan (issue: urgent cases are offered a human first).
const (
	Urgent = "urgent"
	Soon   = "soon"
	Normal = "normal"
)

func urgencyPart(level string) Part { return part("urgency_"+level, nil) }

func footer() Part {
	reviewed, _ := time.Parse(isoDate, ContentReviewed)
	return part("plan_footer", Args{"Reviewed": reviewed})
}

// planT3: filed, only an attestation de dépôt, no API (anef.md §8 T3).
func planT3(f Facts) []Part {
	expiry, _ := f.Date(KeyExpiry)
	filed, _ := f.Date(KeyFiled)
	open, close := RenewalWindow(expiry, true) // filed on ANEF: §3.1
	refusal := ImplicitRefusal(filed)          // §3.4
	recourse := RecourseEnd(refusal)           // §3.4

	level := Normal
	switch {
	case !expiry.After(f.Today) || !refusal.After(f.Today):
		level = Urgent // §8 T3: card expired without API → human now
	case DaysUntil(f.Today, expiry) <= 60:
		level = Soon
	}
	parts := []Part{urgencyPart(level), part("t3_plan_title", nil)}
	window := Args{"Open": open, "Close": close, "Filed": filed}
	switch {
	case filed.After(close):
		// §3.2: the API obligation covers only requests filed within the
		// R431-5 window; §9.2: the €180 fee applies from day 60.
		parts = append(parts, part("t3_filed_late", window))
	case filed.Before(open):
		// anef.md says nothing of an early filing: no claim, a check.
		parts = append(parts, part("t3_filed_early", window))
	default:
		parts = append(parts, part("t3_filed_on_time", window))
	}
	parts = append(parts, part("t3_explain", Args{"Link": LinkAttestations}))
	if f.Answers[KeyDocs] != "no" {
		parts = append(parts, part("t3_docs_first", nil)) // §2.2 F, §8 T6
	}
	parts = append(parts,
		part("t3_step_ccc", Args{"Phone": PhoneCCC, "Link": LinkANEF}), // §1.4, §9.1
		part("t3_step_letter", nil),                                    // §8 T3, §2.3
		part("t3_step_ddd", Args{"Link": LinkDDD}),                     // §2.3
		part("t3_step_court", nil),                                     // §3.5
	)
	if refusal.After(f.Today) {
		parts = append(parts, part("t3_refusal_future", Args{"Date": refusal, "Until": recourse}))
	} else {
		parts = append(parts, part("t3_refusal_past", Args{"Date": refusal, "Until": recourse}))
	}
	return append(parts, part("t3_refusal_caution", nil), part("t3_proof", nil), footer())
}

// planUrgent: a decision was received or the person is detained (anef.md
// §8 T-URGENT, deadlines of §3.4 and §3.7).
func planUrgent(f Facts) []Part {
	return []Part{
		urgencyPart(Urgent),
		part("urgent_title", nil),
		part("urgent_deadlines", Args{"Link": LinkOQTF}),
		part("urgent_legal_aid", nil),
		part("urgent_act_now", nil),
		footer(),
	}
}

// planGeneral: the general escalation ladder (anef.md §2.3).
func planGeneral(f Facts) []Part {
	return []Part{
		urgencyPart(Normal),
		part("general_title", nil),
		part("general_step_proof", nil),
		part("general_step_ccc", Args{"Phone": PhoneCCC, "Link": LinkANEF}),
		part("general_step_pan", nil),
		part("general_step_substitution", nil),
		part("general_step_letter", Args{"Link": LinkGISTIModels}),
		part("general_step_ddd", Args{"Link": LinkDDD}),
		part("general_step_court", nil),
		part("general_deadlines_warning", nil),
		footer(),
	}
}
