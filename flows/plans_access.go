package flows

// urgencyT1: blocked from one's account, the renewal window decides
// (anef.md §8 T1 deadline logic, calibrated by §10.3: an account problem
// with the window open for more than 7 days is not red).
func urgencyT1(f Facts) string { return renewalUrgency(f) }

// writeT1: cannot create an account, log in, or change e-mail or phone
// (anef.md §8 T1, §2.2 A).
func writeT1(w *planWriter) {
	w.add("t1_title", nil)
	w.assumed()
	w.civic()
	w.renewal()
	switch w.answer(KeyIssue) {
	case "login":
		w.step("t1_step_identifier", Args{"Link": LinkLoginHelp}) // §1.2
		w.step("t1_step_password", nil)                           // §2.2 A
	case "contact":
		w.step("t1_step_contact", nil) // §9.6: no official procedure known
	default:
		w.step("t1_step_identifier", Args{"Link": LinkLoginHelp}) // §1.2
	}
	w.stepCCC("t1_ccc_ask")
	w.stepPAN()
	w.stepSubstitution()
	w.stepDDD()
	if handoffT1(w.f) {
		w.stepCourt() // §8 T1 handoff: référé mesures utiles assessment
	}
	w.add("t1_proof", nil)
}

// handoffT1: the card expires within 60 days (or has expired) and the
// person is still blocked (anef.md §8 T1 handoff).
func handoffT1(f Facts) bool {
	expiry, ok := f.Date(KeyExpiry)
	return ok && f.Answers[KeyProcedure] == "renewal" && !expiry.After(f.Today.AddDate(0, 0, 60))
}

// urgencyT2: as T1. A status bug or a wrong procedure filed needs a human
// (the plan says so, anef.md §8 T2 handoff) but is not a deadline: its
// level is the renewal window's (§10.3).
func urgencyT2(f Facts) string { return renewalUrgency(f) }

// writeT2: cannot file, wrong status recognised, previous card "not handed
// over", wrong procedure (anef.md §8 T2, §2.2 B, §2.1).
func writeT2(w *planWriter) {
	w.add("t2_title", nil)
	w.assumed()
	w.civic()
	w.renewal()
	switch w.answer(KeyIssue) {
	case "status":
		w.add("t2_status", nil)
	case "card":
		w.add("t2_card", nil)
	case "wrong":
		w.add("t2_wrong", nil)
	default:
		w.add("t2_bug", nil)
	}
	w.step("step_screenshot", nil)
	w.stepCCC("t2_ccc_ask")
	w.stepPAN()
	w.stepSubstitution()
	w.stepDDD()
	w.stepCourt()
	w.add("t1_proof", nil)
}
