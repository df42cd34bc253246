package flows

// urgencyT7: an ADF past its printed date, or a job or benefits at risk
// (employer or France Travail refusing the ADF), needs a human now (anef.md
// §8 T7 handoff); an ADF ending within 30 days or without a date, soon.
func urgencyT7(f Facts) string {
	if f.Answers[KeyAtRisk] == "yes" {
		return Urgent
	}
	end, ok := f.Date(KeyADFEnd)
	if !ok || f.Answers[KeyADFDated] != "yes" {
		return Soon
	}
	return dateUrgency(f.Today, end, 30)
}

// writeT7: favourable decision (ADF) but no card, no appointment, or the
// ADF running out (anef.md §8 T7, §2.2 G; duration: §9.3).
func writeT7(w *planWriter) {
	w.add("t7_title", nil)
	w.add("t7_explain", Args{"Link": LinkAttestations})
	end, dated := w.f.Date(KeyADFEnd)
	switch {
	case w.answer(KeyADFDated) != "yes" || !dated:
		w.add("t7_no_date", nil) // §9.3: never assume 3 months
	case end.Before(w.f.Today):
		w.add("t7_ended", Args{"Date": end})
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

// urgencyT8: a card already expired without a request is urgent (risk of
// OQTF, anef.md §8 T8, §2.2 H); a valid card past the window, soon.
func urgencyT8(f Facts) string {
	expiry, ok := f.Date(KeyExpiry)
	if !ok || !expiry.After(f.Today) {
		return Urgent
	}
	open, _ := RenewalWindow(expiry, f.OnANEF())
	if f.Today.Before(open) {
		return Normal
	}
	return Soon
}

// writeT8: late renewal (anef.md §8 T8, §2.2 H; the €180 fee applies from
// the end of the window, not only once the card has expired: §9.2).
func writeT8(w *planWriter) {
	expiry, _ := w.f.Date(KeyExpiry)
	open, closes := RenewalWindow(expiry, w.f.OnANEF())
	args := Args{"Open": open, "Close": closes, "Expiry": expiry}
	w.add("t8_title", nil)
	if w.answer(KeyOnANEF) == "unsure" {
		w.add("t8_anef_unknown", nil) // §1.3: depends on the title and the département
	}
	w.add(map[RenewalPhase]string{
		ExpiredCard: "t8_expired", WindowMissed: "t8_late_valid",
		InWindow: "t8_on_time", BeforeWindow: "t8_early",
	}[PhaseOf(expiry, w.f.Today, w.f.OnANEF())], args)
	if w.f.Today.After(closes) {
		w.add("t8_fee", nil) // §9.2: unless force majeure or a valid visa
		w.step("step_volunteer_now", nil)
	}
	if w.answer(KeyOnANEF) == "no" {
		w.step("t8_step_file_prefecture", nil)
	} else {
		w.step("t8_step_file_anef", Args{"Link": LinkANEF})
	}
	w.step("t8_step_explain", nil)
	w.add("t8_proof", nil)
}
