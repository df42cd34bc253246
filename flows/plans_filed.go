package flows

// urgencyT3: a card expired without API, or a silence already turned into
// a refusal, is urgent (anef.md §8 T3 handoff); a card ending within 60
// days is soon.
func urgencyT3(f Facts) string {
	expiry, _ := f.Date(KeyExpiry)
	refusal, _ := refusalDay(f)
	switch {
	case !expiry.After(f.Today) || !refusal.After(f.Today):
		return Urgent
	case Within(f.Today, expiry, 60):
		return Soon
	}
	return Normal
}

// writeT3: filed, only an attestation de dépôt, no API (anef.md §8 T3).
func writeT3(w *planWriter) {
	expiry, _ := w.f.Date(KeyExpiry)
	filed, _ := w.f.Date(KeyFiled)
	open, closes := RenewalWindow(expiry, true) // filed on ANEF: §3.1
	w.add("t3_plan_title", nil)
	window := Args{"Open": open, "Close": closes, "Filed": filed}
	switch {
	case FiledLate(filed, expiry, true):
		// §3.2: the API obligation covers only requests filed within the
		// R431-5 window; §9.2: the €180 fee applies from day 60.
		w.add("t3_filed_late", window)
	case filed.Before(open):
		// anef.md says nothing of an early filing: no claim, a check.
		w.add("t3_filed_early", window)
	default:
		w.add("t3_filed_on_time", window)
	}
	w.add("t3_explain", Args{"Link": LinkAttestations}) // §3.2
	if w.answer(KeyDocs) != "no" {
		w.step("t3_docs_first", nil) // §2.2 F, §8 T6
	}
	w.stepCCC("t3_ccc_ask")
	w.step("t3_step_letter", Args{"Link": LinkGISTIModels}) // §8 T3, §2.3
	w.stepDDD()
	w.step("t3_step_court", Args{"Link": LinkCourt}) // §3.5
	w.silence()
	w.add("t3_proof", nil)
}

// urgencyT4: an API expired leaves no proof of stay; with a job or benefits
// at risk, or a silence already a refusal, it is urgent (anef.md §8 T4).
func urgencyT4(f Facts) string {
	if f.Answers[KeyAtRisk] == "yes" {
		return Urgent
	}
	if refusal, ok := refusalDay(f); ok && !refusal.After(f.Today) {
		return Urgent
	}
	if end, ok := f.Date(KeyAPIEnd); ok && end.After(f.Today.AddDate(0, 0, 30)) {
		return Normal
	}
	return Soon
}

// writeT4: the API expired and was not renewed (anef.md §8 T4, §2.2 D;
// R431-15-1: renewed for as long as the préfet has not decided, §3.2).
func writeT4(w *planWriter) {
	w.add("t4_title", nil)
	if end, ok := w.f.Date(KeyAPIEnd); ok {
		if end.After(w.f.Today) {
			w.add("t4_api_running", Args{"Date": end})
		} else {
			w.add("t4_api_ended", Args{"Date": end})
		}
	}
	w.add("t4_explain", Args{"Link": LinkAttestations})
	if w.answer(KeyAtRisk) == "yes" {
		w.step("step_volunteer_now", nil) // §8 T4: handoff quickly if employment is affected
	}
	w.stepCCC("t4_ccc_ask")
	w.step("t4_step_letter", Args{"Link": LinkGISTIModels})
	w.stepDDD()
	w.step("t4_step_court", Args{"Link": LinkCourt}) // §2.2 D
	w.silence()
	w.add("t4_proof", nil)
}

// urgencyT5: at the day silence becomes a refusal, always a human (anef.md
// §8 T5 handoff): past it urgent, within 30 days soon.
func urgencyT5(f Facts) string {
	refusal, ok := refusalDay(f)
	if !ok {
		return Normal
	}
	return dateUrgency(f.Today, refusal, 30)
}

// writeT5: "en cours d'instruction" for a long time (anef.md §8 T5, §2.2 E).
func writeT5(w *planWriter) {
	w.add("t5_title", nil)
	w.add("t5_explain", nil) // CE 6 May 2025: APIs do not stop the refusal
	if w.answer(KeyDocs) != "no" {
		w.add("t5_incomplete", nil) // CE 10 Oct 2024: refusal to register
	}
	w.silence()
	w.stepCCC("t5_ccc_ask")
	w.step("t5_step_letter", Args{"Link": LinkGISTIModels})
	refusal, _ := refusalDay(w.f)
	w.step("t5_step_reasons", Args{"Date": refusal, "Link": LinkRecoursGracieux}) // L232-4 CRPA
	w.step("t5_step_court", Args{"Link": LinkSuspension})                         // §3.5, §2.2 E
	w.add("t5_czabaj", nil)                                                       // §8 T5: 1 year, human check
	w.add("t5_proof", nil)
}

// urgencyT6: a document deadline within 7 days is a T-URGENT trigger
// (anef.md §8 T-URGENT), within 30 days soon; any closure of a renewal
// file needs a human now (§8 T6 handoff).
func urgencyT6(f Facts) string {
	if f.Answers[KeyIssue] == "closed" {
		if f.Answers[KeyProcedure] == "renewal" {
			return Urgent
		}
		return Soon
	}
	due, ok := f.Date(KeyDocsDue)
	if !ok {
		return Soon
	}
	if !due.After(f.Today.AddDate(0, 0, 7)) {
		return Urgent
	}
	return dateUrgency(f.Today, due, 30)
}

// writeT6: documents requested or rejected, or the file closed (anef.md
// §8 T6, §2.2 F).
func writeT6(w *planWriter) {
	if w.answer(KeyIssue) == "closed" {
		w.add("t6_closed_title", nil)
		w.renewal()
		w.stepCCC("t6_closed_ccc_ask")
		w.stepLetter("t6_closed_letter_ask")
		w.step("t6_closed_human", nil) // completeness decides the remedy: a human
		w.stepDDD()
		w.add("t6_proof", nil)
		return
	}
	w.add("t6_title", nil)
	if due, ok := w.f.Date(KeyDocsDue); ok {
		if due.Before(w.f.Today) {
			w.add("t6_due_past", Args{"Date": due})
		} else {
			w.add("t6_due", Args{"Date": due})
		}
	}
	if w.answer(KeyIssue) == "rejected" {
		w.step("t6_step_rejected", nil)
	}
	w.step("t6_step_upload", nil)
	w.step("t6_step_missing", nil)
	w.stepCCC("t6_ccc_ask")
	w.step("t6_step_closed_then", nil)
	w.add("t6_proof", nil)
}
