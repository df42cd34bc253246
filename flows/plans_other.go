package flows

// urgencyT9: a dismissal notice or benefits already stopped need a human
// now (anef.md §8 T9 handoff); any refusal is soon.
func urgencyT9(f Facts) string {
	if f.Answers[KeyAtRisk] == "yes" {
		return Urgent
	}
	return Soon
}

// writeT9: an employer, the CAF, the CPAM, France Travail, a bank or a
// landlord refuses the ANEF attestation (anef.md §8 T9, §2.2 I, §9.5).
func writeT9(w *planWriter) {
	w.add("t9_title", nil)
	if w.answer(KeyHeld) == "adf" {
		w.add("t9_explain_adf", nil) // §2.2 G
	} else {
		w.add("t9_explain_api", nil) // R431-15-1, §3.2
	}
	if w.answer(KeyAtRisk) == "yes" {
		w.step("step_volunteer_now", nil)
	}
	w.step("t9_step_show", Args{"Link": LinkAttestations, "Memento": LinkMemento})
	switch w.answer(KeyOrg) {
	case "employer":
		w.add("t9_employer", nil) // §3.2: R431-15-2, per a legal publisher
	case "caf":
		w.add("t9_caf", nil) // §9.5: CNAF instruction as reported
	case "cpam":
		w.add("t9_cpam", Args{"Link": LinkSocialSecurity}) // §9.5: F13842, a reading
	case "ft":
		w.add("t9_ft", nil) // §9.5: nothing found; §2.2 G: one refusal reported
	default:
		w.add("t9_other", nil)
	}
	w.step("t9_step_written", nil)
	if w.answer(KeyOrg) == "employer" || w.answer(KeyOrg) == "other" {
		w.step("t9_step_help", nil) // §8 T9 (4): employment law needs a human
	} else {
		w.stepDDD() // §2.2 I: competent for CAF, CPAM, France Travail
	}
	w.add("t9_proof", nil)
}

// urgencyT10: a naturalisation refusal has deadlines this guide does not
// cover (anef.md §8 T10 [verify]): a human now. Long silence: soon.
func urgencyT10(f Facts) string {
	switch f.Answers[KeyIssue] {
	case "refused":
		return Urgent
	case "stuck":
		return Soon
	}
	return Normal
}

// writeT10: naturalisation blocked on ANEF / NATALI (anef.md §8 T10; paper
// route only when the impossibility is proven, §1.3).
func writeT10(w *planWriter) {
	w.add("t10_title", Args{"Link": LinkNaturalisation})
	switch w.answer(KeyIssue) {
	case "refused":
		w.add("t10_refused", nil)
		w.step("step_volunteer_now", nil)
		w.add("t10_proof", nil)
		return
	case "stuck":
		w.add("t10_stuck", nil)
	}
	w.stepCCC("t10_ccc_ask")
	w.stepPAN()
	if w.answer(KeyIssue) == "cannot_file" {
		w.step("t10_step_paper", nil)
	}
	w.stepDDD()
	w.add("t10_proof", nil)
}

// writeT11: travel while waiting (anef.md §8 T11, §2.2 K, §9.5): what each
// document is known to allow, and never travel advice on an API or ADF
// without a human reading the attestation.
func writeT11(w *planWriter) {
	w.add("t11_title", nil)
	switch w.answer(KeyHeld) {
	case "recepisse_renewal":
		w.add("t11_recepisse_renewal", Args{"Link": LinkTravel})
	case "recepisse_first":
		w.add("t11_recepisse_first", Args{"Link": LinkTravel})
	case "depot":
		w.add("t11_depot", nil)
	default:
		w.add("t11_attestation", nil)
	}
	w.step("t11_step_human", nil) // §8 T11: always a human if travel is planned
	w.step("t11_step_prefecture", nil)
	w.add("t11_proof", nil)
}

// writeGeneral: "something else": the general escalation ladder (anef.md
// §2.3), and a volunteer with what was answered.
func writeGeneral(w *planWriter) {
	w.add("general_title", nil)
	w.step("general_step_proof", nil)
	w.stepCCC("")
	w.stepPAN()
	w.stepSubstitution()
	w.stepLetter("")
	w.stepDDD()
	w.stepCourt()
	w.add("general_deadlines_warning", nil)
	w.add("general_volunteer", nil)
}
