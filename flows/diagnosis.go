package flows

import (
	"strings"
	"time"
)

// DiagnosisVersion is the version of the diagnosis graph. Bump it when a
// step's meaning changes, and declare in diagnosisMigrations where the
// sessions standing on old steps should go.
const DiagnosisVersion = 2

// diagnosisMigrations maps steps of older versions to their replacement.
// Version 1 had the triage, the T3 questions and two short plans. Steps
// kept with the same meaning map to themselves (answers kept); the old
// short urgent plan moves to the first urgent question, so the person gets
// their own deadline; the old general plan is not mapped: those sessions
// restart with the "questions have changed" message, since their branch
// now asks questions the old session never did.
var diagnosisMigrations = map[string]string{
	"situation":   "situation",
	"t3_expiry":   "t3_expiry",
	"t3_filed":    "t3_filed",
	"t3_docs":     "t3_docs",
	"plan_t3":     "plan_t3",
	"plan_urgent": "u_kind",
}

// Diagnosis returns the compiled diagnosis graph (anef.md §8).
func Diagnosis() (*Graph, error) {
	return NewGraph(DiagnosisVersion, "situation", diagnosisSteps(), diagnosisMigrations)
}

// diagnosisSteps is the whole tree of anef.md §8 as data: the triage, then
// per branch only the questions whose answer changes the plan (issue 3).
func diagnosisSteps() []Step {
	var steps []Step
	for _, part := range [][]Step{triageSteps(), urgentSteps(), accessSteps(), filedSteps(), decisionSteps(), otherSteps(), sharedSteps(), planSteps()} {
		steps = append(steps, part...)
	}
	return steps
}

func triageSteps() []Step {
	return []Step{{
		// The top of the triage (anef.md §8.0): urgent situations first,
		// then each blockage of §8, then "something else". Option IDs are
		// stored under KeySituation and read by other features.
		ID: "situation", Kind: Ask, Prompt: "sit_prompt", Save: KeySituation,
		Options: []Option{
			{ID: "urgent", Label: "sit_urgent", Next: "u_kind"},
			{ID: "t1", Label: "sit_t1", Next: "t1_issue"},
			{ID: "t2", Label: "sit_t2", Next: "t2_issue"},
			{ID: "t3", Label: "sit_t3", Next: "t3_expiry"},
			{ID: "t4", Label: "sit_t4", Next: "t4_filed"},
			{ID: "t5", Label: "sit_t5", Next: "t5_filed"},
			{ID: "t6", Label: "sit_t6", Next: "t6_kind"},
			{ID: "t7", Label: "sit_t7", Next: "t7_adf"},
			{ID: "t8", Label: "sit_t8", Next: "t8_expiry"},
			{ID: "t9", Label: "sit_t9", Next: "t9_org"},
			{ID: "t10", Label: "sit_t10", Next: "t10_kind"},
			{ID: "t11", Label: "sit_t11", Next: "t11_doc"},
			// A lost or stolen card, récépissé or attestation (§1.2: the
			// duplicate of a lost or stolen card is an ANEF procedure).
			{ID: "lost", Label: "sit_lost", Next: "plan_lost"},
			// Something else still asks first request or renewal: the
			// 2026 requirements and the renewal window depend on it
			// (§10.1, §10.4).
			{ID: "other", Label: "sit_other", Next: "other_proc"},
		},
		Sources: []string{"§8.0", "§8"},
	}}
}

// urgentSteps: T-URGENT (anef.md §8 T-URGENT, §3.4, §3.7).
func urgentSteps() []Step {
	return []Step{
		{
			ID: "u_kind", Kind: Ask, Prompt: "u_kind_prompt", Save: KeyDecisionKind,
			Options: []Option{
				{ID: DecisionOQTF, Label: "u_kind_oqtf", Next: "u_notified"},
				{ID: DecisionArrest, Label: "u_kind_arrest", Next: "u_notified"},
				// 48 hours: no date question, act now (§3.4).
				{ID: DecisionRetention, Label: "u_kind_retention", Next: "plan_urgent"},
				{ID: DecisionRefusal, Label: "u_kind_refusal", Next: "u_notified"},
				// Card expired with nothing filed is a T-URGENT trigger
				// whose plan is the late renewal (§8 T8).
				{ID: "expired", Label: "u_kind_expired", Next: "t8_expiry"},
				{ID: "other", Label: "u_kind_other", Next: "plan_urgent"},
			},
			Sources: []string{"§8 T-URGENT", "§3.4"},
		},
		{
			ID: "u_notified", Kind: AskDate, Prompt: "u_notified_prompt", Save: KeyDecision, Next: "plan_urgent",
			Check: notInFuture, Sources: []string{"§3.4", "§3.7"},
		},
	}
}

// accessSteps: T1 (account) and T2 (cannot file) (anef.md §8 T1, T2).
func accessSteps() []Step {
	return []Step{
		{
			ID: "t1_issue", Kind: Ask, Prompt: "t1_issue_prompt", Save: KeyIssue,
			Options: []Option{
				{ID: "create", Label: "t1_issue_create", Next: "t1_proc"},
				{ID: "login", Label: "t1_issue_login", Next: "t1_proc"},
				{ID: "contact", Label: "t1_issue_contact", Next: "t1_proc"},
			},
			Sources: []string{"§8 T1", "§2.2 A", "§9.6"},
		},
		{
			ID: "t2_issue", Kind: Ask, Prompt: "t2_issue_prompt", Save: KeyIssue,
			Options: []Option{
				{ID: "bug", Label: "t2_issue_bug", Next: "t2_proc"},
				{ID: "status", Label: "t2_issue_status", Next: "t2_proc"},
				{ID: "card", Label: "t2_issue_card", Next: "t2_proc"},
				{ID: "wrong", Label: "t2_issue_wrong", Next: "t2_proc"},
			},
			Sources: []string{"§8 T2", "§2.2 B"},
		},
	}
}

// filedSteps: T3 (no API), T4 (API expired), T5 (stuck), T6 (documents,
// closure) (anef.md §8 T3-T6).
func filedSteps() []Step {
	return []Step{
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
			Options: docsOptions("plan_t3"),
			Sources: []string{"§8 T3", "§2.2 F"},
		},
		{
			ID: "t4_filed", Kind: AskDate, Prompt: "t4_filed_prompt", Save: KeyFiled, Next: "t4_api",
			Check: notInFuture, Sources: []string{"§8 T4", "§3.4"},
		},
		{
			ID: "t4_api", Kind: AskDate, Prompt: "t4_api_prompt", Save: KeyAPIEnd, Next: "t4_risk",
			Sources: []string{"§8 T4", "§3.2", "§9.3"},
		},
		{
			ID: "t5_filed", Kind: AskDate, Prompt: "t5_filed_prompt", Save: KeyFiled, Next: "t5_title",
			Check: notInFuture, Sources: []string{"§8 T5", "§3.4"},
		},
		{
			// Only the titles with a shorter silence period matter here
			// (anef.md §9.4).
			ID: "t5_title", Kind: Ask, Prompt: "t5_title_prompt", Save: KeyTitle,
			Options: []Option{
				{ID: "short", Label: "t5_title_short", Next: "t5_docs"},
				{ID: "other", Label: "t5_title_other", Next: "t5_docs"},
				{ID: "unknown", Label: "t5_title_unknown", Next: "t5_docs"},
			},
			Sources: []string{"§9.4"},
		},
		{
			ID: "t5_docs", Kind: Ask, Prompt: "t5_docs_prompt", Save: KeyDocs,
			Options: docsOptions("plan_t5"),
			Sources: []string{"§2.2 E", "§2.2 F"},
		},
		{
			ID: "t6_kind", Kind: Ask, Prompt: "t6_kind_prompt", Save: KeyIssue,
			Options: []Option{
				{ID: "requested", Label: "t6_kind_requested", Next: "t6_due"},
				{ID: "rejected", Label: "t6_kind_rejected", Next: "t6_due"},
				{ID: "closed", Label: "t6_kind_closed", Next: "t6_proc"},
			},
			Sources: []string{"§8 T6", "§2.2 F"},
		},
		{
			ID: "t6_due", Kind: AskDate, Prompt: "t6_due_prompt", Save: KeyDocsDue, Next: "plan_t6",
			Sources: []string{"§8 T6"},
		},
	}
}

func docsOptions(next string) []Option {
	return []Option{
		{ID: "no", Label: "t3_docs_no", Next: next},
		{ID: "yes", Label: "t3_docs_yes", Next: next},
		{ID: "unsure", Label: "t3_docs_unsure", Next: next},
	}
}

// decisionSteps: T7 (ADF, no card) and T8 (late renewal) (anef.md §8 T7,
// T8).
func decisionSteps() []Step {
	return []Step{
		{
			// The ADF's duration is not settled: read the date printed on
			// it, never assume 3 months (anef.md §9.3).
			ID: "t7_adf", Kind: Ask, Prompt: "t7_adf_prompt", Save: KeyADFDated,
			Options: []Option{
				{ID: "yes", Label: "t7_adf_yes", Next: "t7_adf_end"},
				{ID: "no", Label: "t7_adf_no", Next: "t7_risk"},
			},
			Sources: []string{"§8 T7", "§9.3"},
		},
		{
			ID: "t7_adf_end", Kind: AskDate, Prompt: "t7_adf_end_prompt", Save: KeyADFEnd, Next: "t7_risk",
			Sources: []string{"§9.3"},
		},
		{
			ID: "t8_expiry", Kind: AskDate, Prompt: "t8_expiry_prompt", Save: KeyExpiry, Next: "t8_anef",
			Sources: []string{"§8 T8", "§3.1"},
		},
		{
			// Which card expired matters only while L433-3 may cover the
			// person: see cardRoute.
			ID: "t8_anef", Kind: Ask, Prompt: "t8_anef_prompt", Save: KeyOnANEF,
			Options: []Option{
				{ID: "yes", Label: "t8_anef_yes"},
				{ID: "no", Label: "t8_anef_no"},
				{ID: "unsure", Label: "t8_anef_unsure"},
			},
			Route: cardRoute("t8_card", "plan_t8"), Targets: []string{"t8_card", "plan_t8"},
			Sources: []string{"§1.3", "§3.1"},
		},
		cardStep("t8_card", "plan_t8"),
	}
}

// cardRoute asks which card expired only when the answer changes the plan
// (anef.md §10.4): the card has expired, and not more than 3 months ago,
// so that L433-3 may still cover the person (§3.2).
func cardRoute(card, plan string) func(Facts) string {
	return func(f Facts) string {
		expiry, ok := f.Date(KeyExpiry)
		if ok && !expiry.After(f.Today) && !AddMonths(expiry, 3).Before(f.Today) {
			return card
		}
		return plan
	}
}

// cardStep asks which card expired: holders of a 4-year multi-year card,
// a resident card or a treaty title of more than one year keep the right
// to stay and work for 3 months after expiry (L433-3, anef.md §3.2, §10.4).
func cardStep(id, plan string) Step {
	return Step{
		ID: id, Kind: Ask, Prompt: "card_prompt", Save: KeyCard,
		Options: []Option{
			{ID: "pluri4", Label: "card_pluri4", Next: plan},
			{ID: "resident", Label: "card_resident", Next: plan},
			{ID: "treaty", Label: "card_treaty", Next: plan},
			{ID: "other", Label: "card_other", Next: plan},
			{ID: "unknown", Label: "card_unknown", Next: plan},
		},
		Sources: []string{"§3.2", "§10.4"},
	}
}

// otherSteps: T9 (attestation refused), T10 (naturalisation), T11 (travel)
// (anef.md §8 T9-T11).
func otherSteps() []Step {
	return []Step{
		{
			ID: "t9_org", Kind: Ask, Prompt: "t9_org_prompt", Save: KeyOrg,
			Options: []Option{
				{ID: "employer", Label: "t9_org_employer", Next: "t9_doc"},
				{ID: "caf", Label: "t9_org_caf", Next: "t9_doc"},
				{ID: "cpam", Label: "t9_org_cpam", Next: "t9_doc"},
				{ID: "ft", Label: "t9_org_ft", Next: "t9_doc"},
				{ID: "other", Label: "t9_org_other", Next: "t9_doc"},
			},
			Sources: []string{"§8 T9"},
		},
		{
			// Without a valid attestation the problem is the attestation:
			// back to T3, T4 or T8 (anef.md §8 T9 handoff line).
			ID: "t9_doc", Kind: Ask, Prompt: "t9_doc_prompt", Save: KeyHeld,
			Options: []Option{
				{ID: "api", Label: "t9_doc_api", Next: "t9_severe"},
				{ID: "adf", Label: "t9_doc_adf", Next: "t9_severe"},
				{ID: "api_expired", Label: "t9_doc_api_expired", Next: "t4_filed"},
				{ID: "depot", Label: "t9_doc_depot", Next: "t3_expiry"},
				{ID: "none", Label: "t9_doc_none", Next: "t8_expiry"},
			},
			Sources: []string{"§8 T9", "§3.2"},
		},
		{
			ID: "t9_severe", Kind: Ask, Prompt: "t9_severe_prompt", Save: KeyAtRisk,
			Options: []Option{
				{ID: "yes", Label: "t9_severe_yes", Next: "plan_t9"},
				{ID: "no", Label: "t9_severe_no", Next: "plan_t9"},
			},
			Sources: []string{"§8 T9"},
		},
		{
			ID: "t10_kind", Kind: Ask, Prompt: "t10_kind_prompt", Save: KeyIssue,
			Options: []Option{
				{ID: "cannot_file", Label: "t10_kind_cannot_file", Next: "plan_t10"},
				{ID: "stuck", Label: "t10_kind_stuck", Next: "plan_t10"},
				{ID: "refused", Label: "t10_kind_refused", Next: "plan_t10"},
			},
			Sources: []string{"§8 T10"},
		},
		{
			ID: "t11_doc", Kind: Ask, Prompt: "t11_doc_prompt", Save: KeyHeld,
			Options: []Option{
				{ID: "recepisse_renewal", Label: "t11_doc_recepisse_renewal", Next: "plan_t11"},
				{ID: "recepisse_first", Label: "t11_doc_recepisse_first", Next: "plan_t11"},
				{ID: "api", Label: "t11_doc_api", Next: "plan_t11"},
				{ID: "adf", Label: "t11_doc_adf", Next: "plan_t11"},
				{ID: "depot", Label: "t11_doc_depot", Next: "plan_t11"},
			},
			Sources: []string{"§8 T11", "§2.2 K", "§9.5"},
		},
	}
}

// sharedSteps are the questions several branches ask, declared once per
// branch (same texts, own step IDs) so that each branch of the graph
// leads only to its own plan.
func sharedSteps() []Step {
	var out []Step
	for _, b := range []string{"t1", "t2", "t6"} {
		out = append(out, procSteps(b, "plan_"+b)...)
	}
	out = append(out, procSteps("other", "plan_general")...)
	return append(out, riskStep("t4"), riskStep("t7"))
}

// procSteps ask the procedure (anef.md §8.0 q2); for a renewal, the card's
// expiry, which sets the R431-5 window and the urgency (§3.1, §10.4), and
// which card expired when L433-3 may apply; for a first request, which
// card, since a first multi-year or resident card needs the French level
// and the examen civique before filing (§10.1).
func procSteps(branch, plan string) []Step {
	return []Step{
		{
			ID: branch + "_proc", Kind: Ask, Prompt: "proc_prompt", Save: KeyProcedure,
			Options: []Option{
				{ID: "renewal", Label: "proc_renewal", Next: branch + "_expiry"},
				{ID: "first", Label: "proc_first", Next: branch + "_first"},
				{ID: "other", Label: "proc_other", Next: plan},
			},
			Sources: []string{"§8.0", "§10.1"},
		},
		{
			ID: branch + "_expiry", Kind: AskDate, Prompt: "expiry_prompt", Save: KeyExpiry,
			Route: cardRoute(branch+"_card", plan), Targets: []string{branch + "_card", plan},
			Sources: []string{"§8.0", "§3.1"},
		},
		cardStep(branch+"_card", plan),
		{
			ID: branch + "_first", Kind: Ask, Prompt: "first_prompt", Save: KeyFirst,
			Options: []Option{
				{ID: "temp", Label: "first_temp", Next: plan},
				{ID: "multi", Label: "first_multi", Next: plan},
				{ID: "resident", Label: "first_resident", Next: plan},
				{ID: "unknown", Label: "first_unknown", Next: plan},
			},
			Sources: []string{"§10.1"},
		},
	}
}

// riskStep asks whether a job, a contract, a benefit or housing is at
// immediate risk (anef.md §8.0 q6), which makes T4 and T7 urgent.
func riskStep(branch string) Step {
	plan := "plan_" + branch
	return Step{
		ID: branch + "_risk", Kind: Ask, Prompt: "risk_prompt", Save: KeyAtRisk,
		Options: []Option{
			{ID: "yes", Label: "risk_yes", Next: plan},
			{ID: "no", Label: "risk_no", Next: plan},
		},
		Sources: []string{"§8.0", "§8 " + strings.ToUpper(branch)},
	}
}

// notInFuture refuses a filing or notification date after today.
func notInFuture(d time.Time, f Facts) string {
	if d.After(f.Today) {
		return "date_future"
	}
	return ""
}
