package flows

// urgencyT9: an attestation refused with income at risk (a dismissal
// notice, benefits stopped) is orange (anef.md §10.3), and the plan sends
// the person to a human (§8 T9 handoff); otherwise green.
func urgencyT9(f Facts) string {
	if f.Answers[KeyAtRisk] == "yes" {
		return Soon
	}
	return Normal
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

// urgencyT10: a refusal is a decision received (anef.md §10.3), and its
// deadlines are not covered by this guide (§8 T10 [verify]): red, a human
// now. A long silence or a filing problem has no known deadline: green.
func urgencyT10(f Facts) string {
	if f.Answers[KeyIssue] == "refused" {
		return Urgent
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
	if w.answer(KeyIssue) == "cannot_file" {
		// §10.1: B2 and the examen civique, before filing, since 2026.
		w.add("civic_naturalisation", nil)
		w.add("civic_exam", Args{"Link": LinkCivic})
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
	w.assumed()
	w.civic()   // §10.1: a first multi-year or resident card
	w.renewal() // §10.4: a renewal, by phase
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

// writeLost: a lost or stolen card, récépissé or attestation. anef.md
// §1.2 lists the duplicate of a lost or stolen card among the ANEF
// procedures; nothing more is sourced (how to declare the loss, what
// replaces an attestation), so the plan says only that, then the ladder
// of §2.3 and a person.
func writeLost(w *planWriter) {
	w.add("lost_title", nil)
	w.step("lost_step_card", Args{"Link": LinkANEF})
	w.step("lost_step_other", nil)
	w.stepCCC("lost_ccc_ask")
	w.step("lost_step_human", nil)
	w.add("lost_proof", nil)
}
