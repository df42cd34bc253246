package flows

import "time"

// urgencyT7: an ADF is a document: its printed end within 30 days, or
// passed, is orange; no date printed (or not known) is orange too, since
// nothing says how long it lasts (§9.3); a job or benefits at risk, orange
// (§10.3: income at risk). Never red: a favourable decision was taken.
func urgencyT7(f Facts) string {
	if f.Answers[KeyAtRisk] == "yes" {
		return Soon
	}
	end, ok := f.Date(KeyADFEnd)
	if !ok || f.Answers[KeyADFDated] != "yes" {
		return Soon
	}
	return documentLevel(f.Today, end)
}

// writeT7: favourable decision (ADF) but no card, no appointment, or the
// ADF running out (anef.md §8 T7, §2.2 G; duration: §9.3).
func writeT7(w *planWriter) {
	w.add("t7_title", nil)
	w.assumed()
	w.add("t7_explain", Args{"Link": LinkAttestations})
	end, dated := w.f.Date(KeyADFEnd)
	switch {
	case w.answer(KeyADFDated) != "yes" || !dated:
		w.add("t7_no_date", nil) // §9.3: never assume 3 months
	case end.Before(w.f.Today):
		w.add("t7_ended", Args{"Date": end})
	case StateOf(w.f.Today, end) == LastDay:
		w.add("t7_running_today", Args{"Date": end})
	default:
		w.add("t7_running", Args{"Date": end})
	}
	if w.answer(KeyAtRisk) == "yes" {
		w.step("step_volunteer_now", nil)
	}
	w.step("t7_step_check", nil)
	w.stepCCC("t7_ccc_ask")
	w.stepLetter("t7_letter_ask")
	w.stepDDD()
	w.stepCourt()
	w.add("t7_proof", nil)
}

// urgencyT8: the renewal not yet filed, by phase (anef.md §8 T8, §10.3,
// §10.4): the card expired is red unless L433-3 covers the person; the
// window missed with the card valid, orange; inside the window, day 60
// decides (red 7 days before, orange 30 days before); before it, green.
// An expiry date the person does not know is red: it may have passed.
func urgencyT8(f Facts) string {
	expiry, ok := f.Date(KeyExpiry)
	if !ok {
		return Urgent
	}
	return phaseUrgency(f, expiry)
}

// writeT8: a renewal not yet filed, written by phase (anef.md §8 T8,
// §2.2 H, §10.4): before the window, prepare and file from its first day;
// inside it, file by its last day; after it, file at once with the €180
// fee (§9.2) and a letter explaining the delay. Titles renewed at the
// préfecture (not on ANEF) get the préfecture's route and wording.
func writeT8(w *planWriter) {
	expiry, ok := w.f.Date(KeyExpiry)
	if !ok {
		w.t8Unknown()
		return
	}
	open, closes := RenewalWindow(expiry, w.f.OnANEF())
	args := Args{"Open": open, "Close": closes, "Expiry": expiry, "Link": LinkANEF}
	switch PhaseOf(expiry, w.f.Today, w.f.OnANEF()) {
	case BeforeWindow:
		w.add("t8_title_prepare", nil)
		w.t8Intro()
		w.add("t8_early", args)
		w.step("t8_step_prepare", nil)
		w.step(w.t8File("from"), args)
		w.t8Proof("t8_proof_early")
	case InWindow:
		w.add("t8_title", nil)
		w.t8Intro()
		if StateOf(w.f.Today, closes) == LastDay {
			w.add("t8_last_day", args)
		} else {
			w.add("t8_on_time", args)
		}
		w.step(w.t8File("by"), args)
		w.t8Proof("t8_proof_on_time")
	default:
		w.t8Late(expiry, args)
	}
}

// t8Late: the window has closed (§9.2, §10.4) or the card has expired
// (§8 T8, §2.2 H; L433-3 where it applies).
func (w *planWriter) t8Late(expiry time.Time, args Args) {
	w.add("t8_title_late", nil)
	w.t8Intro()
	switch {
	case !expiry.After(w.f.Today) && w.paper():
		w.add("t8_expired_paper", args)
		w.l433(expiry)
	case !expiry.After(w.f.Today):
		w.add("t8_expired", args)
		w.l433(expiry)
	default:
		w.add("t8_late_valid", args)
	}
	w.add("t8_fee", nil) // §9.2, §10.4: unless force majeure or a valid visa
	w.step("step_volunteer_now", nil)
	w.step(w.t8File("now"), args)
	if w.paper() {
		w.step("t8_step_explain_paper", nil) // §10.4, without the website's words
	} else {
		w.step("t8_step_explain", nil) // §10.4: a short letter explaining the delay helps
	}
	w.t8Proof("t8_proof")
}

// t8Proof is what to keep: an ANEF filing leaves an attestation de dépôt
// and screenshots; a filing at the préfecture leaves its own proofs.
func (w *planWriter) t8Proof(anef string) {
	if w.paper() {
		w.add("t8_proof_paper", nil)
		return
	}
	w.add(anef, nil)
}

// t8Unknown: the person does not know when the card ends. The
// conservative path (§10.3): as if the window had passed, and where to
// find the date.
func (w *planWriter) t8Unknown() {
	w.add("t8_title_late", nil)
	w.t8Intro()
	w.add("t8_unknown", nil)
	w.step("step_volunteer_now", nil)
	w.step(w.t8File("now"), Args{"Link": LinkANEF})
	w.step("t8_step_explain_if_late", nil)
	w.add("t8_proof", nil)
}

func (w *planWriter) t8Intro() {
	w.assumed()
	if w.answer(KeyOnANEF) == "unsure" {
		w.add("t8_anef_unknown", nil) // §1.3: depends on the title and the département
	}
}

// paper reports whether the title is renewed at the préfecture, not on
// ANEF: its route and words are the préfecture's (§3.1, §3.3).
func (w *planWriter) paper() bool { return w.answer(KeyOnANEF) == "no" }

// t8File is the filing step for when (from the window's first day, by its
// last day, or now), on ANEF or at the préfecture.
func (w *planWriter) t8File(when string) string {
	if w.paper() {
		return "t8_step_file_prefecture_" + when
	}
	return "t8_step_file_anef_" + when
}
