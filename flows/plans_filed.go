package flows

// urgencyT3: a request is filed but no API came (anef.md §8 T3). §10.3:
// the card ending within 30 days, or already ended, is orange (a request
// is filed, so not the red trigger of a card expired with nothing filed);
// the implicit refusal and its court deadline as silenceUrgency says; an
// expiry date the person does not know is orange.
func urgencyT3(f Facts) string {
	level := silenceUrgency(f)
	if expiry, ok := f.Date(KeyExpiry); ok {
		return most(level, documentLevel(f.Today, expiry))
	}
	if f.Unknown(KeyExpiry) {
		return most(level, Soon)
	}
	return level
}

// writeT3: filed, only an attestation de dépôt, no API (anef.md §8 T3).
func writeT3(w *planWriter) {
	w.add("t3_plan_title", nil)
	w.assumed()
	expiry, knownExpiry := w.f.Date(KeyExpiry)
	filed, knownFiled := w.f.Date(KeyFiled)
	switch {
	case w.assumedDay(KeyFiled) || w.assumedDay(KeyExpiry):
		// A month given alone: the 1st is the safe side for deadlines,
		// not for saying whether the filing was early, on time or late.
		// Nothing is said of the window.
	case knownExpiry && knownFiled:
		open, closes := RenewalWindow(expiry, true) // filed on ANEF: §3.1
		window := Args{"Open": open, "Close": closes, "Filed": filed}
		switch {
		case FiledLate(filed, expiry, true):
			// §3.2: the API obligation covers only requests filed within
			// the R431-5 window; §9.2: the €180 fee applies from day 60.
			w.add("t3_filed_late", window)
		case filed.Before(open):
			// anef.md says nothing of an early filing: no claim, a check.
			w.add("t3_filed_early", window)
		default:
			w.add("t3_filed_on_time", window)
		}
	default:
		w.add("t3_window_unknown", nil) // §3.1, §3.2: without both dates, no claim
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

// urgencyT4: an API ended or ending within 30 days leaves the person
// without proof of stay: orange (§10.3, a document's end); a job or
// benefits at risk too (§10.3: income at risk); the implicit refusal as
// silenceUrgency says. A request is filed: never the red trigger of a
// card expired with nothing filed.
func urgencyT4(f Facts) string {
	level := silenceUrgency(f)
	if f.Answers[KeyAtRisk] == "yes" {
		level = most(level, Soon)
	}
	if end, ok := f.Date(KeyAPIEnd); ok {
		return most(level, documentLevel(f.Today, end))
	}
	if f.Unknown(KeyAPIEnd) {
		return most(level, Soon)
	}
	return level
}

// writeT4: the API expired and was not renewed (anef.md §8 T4, §2.2 D;
// R431-15-1: renewed for as long as the préfet has not decided, §3.2).
func writeT4(w *planWriter) {
	w.add("t4_title", nil)
	w.assumed()
	if end, ok := w.f.Date(KeyAPIEnd); ok {
		if end.Before(w.f.Today) {
			w.add("t4_api_ended", Args{"Date": end})
		} else {
			w.add("t4_api_running", Args{"Date": end})
		}
	} else if w.f.Unknown(KeyAPIEnd) {
		w.add("t4_api_unknown", nil)
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

// urgencyT5: the implicit refusal and its court deadline (anef.md §8 T5,
// §10.3): see silenceUrgency.
func urgencyT5(f Facts) string { return silenceUrgency(f) }

// writeT5: "en cours d'instruction" for a long time (anef.md §8 T5, §2.2 E).
func writeT5(w *planWriter) {
	w.add("t5_title", nil)
	w.assumed()
	w.add("t5_explain", nil) // CE 6 May 2025: APIs do not stop the refusal
	w.silence()              // with the incomplete-file caveat (§10.4)
	w.stepCCC("t5_ccc_ask")
	w.step("t5_step_letter", Args{"Link": LinkGISTIModels})
	// L232-4 CRPA, explained rather than linked to the recours gracieux
	// sheet (§3.4, §10.6).
	switch refusal, ok := refusalDay(w.f); {
	case !ok:
		w.step("t5_step_reasons_unknown", nil)
	case refusal.After(w.f.Today):
		w.step("t5_step_reasons", Args{"Date": refusal})
	default:
		w.step("t5_step_reasons_now", nil)
	}
	w.step("t5_step_court", Args{"Link": LinkSuspension}) // §3.5, §2.2 E
	w.add("t5_czabaj", nil)                               // §8 T5: 1 year, human check
	w.add("t5_proof", nil)
}

// urgencyT6: the date an ANEF request for documents gives is a deadline
// to act: 7 days or less, or passed (the file may be closed any day), is
// red; 30 days or less orange; not known, orange (anef.md §8 T6, §10.3).
// A closed renewal file needs a human soon, and the renewal window
// decides whether it is red (§8 T6 handoff, §10.3).
func urgencyT6(f Facts) string {
	if f.Answers[KeyIssue] == "closed" {
		if f.Answers[KeyProcedure] == "renewal" {
			return most(Soon, renewalUrgency(f))
		}
		return Normal
	}
	due, ok := f.Date(KeyDocsDue)
	if !ok {
		return Soon
	}
	if !due.After(f.Today.AddDate(0, 0, 7)) {
		return Urgent
	}
	return legalLevel(f.Today, due)
}

// writeT6: documents requested or rejected, or the file closed (anef.md
// §8 T6, §2.2 F).
func writeT6(w *planWriter) {
	if w.answer(KeyIssue) == "closed" {
		w.add("t6_closed_title", nil)
		w.assumed()
		w.civic()
		w.renewal()
		w.stepCCC("t6_closed_ccc_ask")
		w.stepLetter("t6_closed_letter_ask")
		w.step("t6_closed_human", nil) // completeness decides the remedy: a human
		w.stepDDD()
		w.add("t6_proof", nil)
		return
	}
	w.add("t6_title", nil)
	w.assumed()
	if due, ok := w.f.Date(KeyDocsDue); ok {
		switch StateOf(w.f.Today, due) {
		case Running:
			w.add("t6_due", Args{"Date": due})
		case LastDay:
			w.add("t6_due_today", Args{"Date": due})
		default:
			w.add("t6_due_past", Args{"Date": due})
		}
	} else if w.f.Unknown(KeyDocsDue) {
		w.add("t6_due_unknown", nil)
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
