package flows

// writeUrgent: a decision was received or the person is deprived of
// liberty (anef.md §8 T-URGENT): their own court deadline first (§3.4,
// §3.7, counted as §10.2 says), then the general table, then who to see
// today.
func writeUrgent(w *planWriter) {
	kind := w.answer(KeyDecisionKind)
	if kind == "other" {
		// A minor alone, a health emergency… (§8 T-URGENT): no court
		// deadline to compute, a person today.
		w.add("urgent_title_other", nil)
		w.step("urgent_act_now", nil)
		w.add("urgent_proof", nil)
		return
	}
	w.add("urgent_title", nil)
	w.assumed()
	w.urgentDeadline(kind)
	w.add("urgent_deadlines", Args{"Link": LinkOQTF})
	switch kind {
	case DecisionOQTF:
		// §10.5: file in time; legal aid at the latest the day of filing.
		// Whether the request alone interrupts the month is disputed since
		// the 2024 reform: not said.
		w.add("urgent_legal_aid", nil)
	case DecisionRefusal:
		w.add("urgent_refusal_remedies", Args{"Link": LinkSuspension}) // §3.4, §3.5
	}
	w.step("urgent_act_now", nil)
	w.step("urgent_step_lawyer", Args{"Link": LinkCourt})
	w.add("urgent_proof", nil)
}

// urgentDeadline writes the person's own last day, computed from the
// notification date (§3.4, §10.2): never a rule alone when the date is
// known; "ended" only once the last day is past, "today" on it.
func (w *planWriter) urgentDeadline(kind string) {
	if kind == DecisionRetention {
		w.add("urgent_retention", nil) // 48 hours: counted in hours, not days
		return
	}
	notified, ok := w.f.Date(KeyDecision)
	if !ok {
		w.add("urgent_other", nil)
		return
	}
	end, ok := CourtDeadline(notified, kind)
	if !ok {
		w.add("urgent_other", nil)
		return
	}
	args := Args{"Date": end, "Weekday": end.Weekday(), "Notified": notified}
	switch StateOf(w.f.Today, end) {
	case Running:
		w.add("urgent_deadline", args)
	case LastDay:
		w.add("urgent_deadline_today", args)
	default:
		// §3.4, §10.2: a deadline runs only if the notification stated
		// the remedies (R421-5 CJA, Czabaj): a lawyer checks, the bot
		// does not conclude.
		w.add("urgent_deadline_past", args)
	}
}
