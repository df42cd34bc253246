package flows

import (
	"sort"
	"time"
)

// Reminder kinds: which date a reminder is about. They are short and
// stable because they are stored in Redis and carried in button data.
const (
	RemRenewOpen = "ren_open"  // the renewal window opens (anef.md §3.1)
	RemRenewLast = "ren_last"  // a week before the renewal window closes (§3.1, §9.2)
	RemAPISoon   = "api_14"    // the API ends in 14 days (§3.2, §9.3)
	RemAPIEnd    = "api_end"   // the API ends today (§3.2)
	RemADFSoon   = "adf_14"    // the date printed on the ADF is in 14 days (§9.3)
	RemRefusal   = "refusal"   // 4 months after filing: implicit refusal (§3.4, §9.4)
	RemRefusal60 = "refusal60" // 60 days after filing, for titles with a shorter silence (§9.4)
	RemRecourse  = "recourse"  // a week before the court deadline after an implicit refusal ends (§3.4, §3.7)
	// RemDecisionCourt is a week before the court deadline of a decision
	// the person received (a refusal, an OQTF) ends (§3.4, §3.7). It is a
	// kind of its own, not RemRecourse: the two deadlines come from
	// different facts, and a person may have both (an OQTF, and a request
	// filed elsewhere); one must never take the other's place.
	RemDecisionCourt = "dec_court"
	RemCourtShort    = "court" // an OQTF with 7 days or 48 hours: never a reminder, act now (§3.4)
	RemDocs          = "docs"  // 3 days before the date an ANEF request for documents gives (§2.2 F)
	// RemLetter follows up a letter the bot wrote (anef.md §2.3). It is not
	// derived from the answers: the person asks for it under the letter, so
	// it is not in ReminderKinds and no answer Informs it (a later plan
	// leaves it alone).
	RemLetter = "letter"
)

// Decision kinds stored under KeyDecisionKind (anef.md §3.4).
const (
	DecisionRefusal   = "refusal"        // refusal without OQTF: 2 months
	DecisionOQTF      = "oqtf"           // OQTF, free: 1 month
	DecisionArrest    = "oqtf_arrest"    // OQTF, house arrest or prison: 7 days
	DecisionRetention = "oqtf_retention" // OQTF, rétention: 48 hours
)

// Reminder is one date the bot can remind a person of.
type Reminder struct {
	// ID names this reminder for this deadline: kind and day, so a changed
	// date gives a new ID and a reminder already sent is never confused
	// with the next one.
	ID   string
	Kind string
	// On is the civil date (midnight UTC) to send it.
	On time.Time
	// Deadline is the date it is about (the window's end, the API's end…).
	Deadline time.Time
}

// ReminderPlan is what a person's facts give.
type ReminderPlan struct {
	// Due are the reminders still to come (On after today), by date.
	Due []Reminder
	// Close are deadlines not yet passed whose reminder day has come
	// already: the person is told at once rather than reminded later.
	Close []Reminder
}

// Reminders derives the reminders that follow from the person's facts.
// A reminder is never dated today or earlier: what is that close goes to
// Close instead.
func Reminders(f Facts) ReminderPlan {
	var all []Reminder
	all = append(all, renewalReminders(f)...)
	all = append(all, attestationReminders(f)...)
	all = append(all, silenceReminders(f)...)
	all = append(all, decisionReminders(f)...)
	all = append(all, documentReminders(f)...)
	var p ReminderPlan
	for _, r := range all {
		switch {
		case r.On.After(f.Today):
			p.Due = append(p.Due, r)
		case !r.Deadline.Before(f.Today):
			p.Close = append(p.Close, r)
		}
	}
	sort.SliceStable(p.Due, func(i, j int) bool { return p.Due[i].On.Before(p.Due[j].On) })
	return p
}

// ReminderOf rebuilds a reminder of a kind from its deadline and sending
// day, with its ID.
func ReminderOf(kind string, on, deadline time.Time) Reminder {
	return Reminder{ID: kind + "-" + on.Format("20060102"), Kind: kind, On: on, Deadline: deadline}
}

// OnANEF reports whether the person's title is filed on ANEF. Unknown
// counts as ANEF: the ANEF window (day 120 to day 60) opens and closes
// earlier than the two months of other titles (anef.md §3.1), so the
// reminders come early rather than late.
func (f Facts) OnANEF() bool { return f.Answers[KeyOnANEF] != "no" }

// renewalReminders: the window opens, and a last call a week before it
// closes (R431-5, anef.md §3.1; filing after it costs €180, §9.2). Only
// for someone who has not filed yet.
func renewalReminders(f Facts) []Reminder {
	expiry, ok := f.Date(KeyExpiry)
	if !ok {
		return nil
	}
	if _, filed := f.Date(KeyFiled); filed {
		return nil
	}
	open, closes := RenewalWindow(expiry, f.OnANEF())
	return []Reminder{
		// The window opens that very day: filing is online (anef.md §1.1),
		// so a weekend does not move it, and earlier would be too early.
		ReminderOf(RemRenewOpen, open, closes),
		warning(RemRenewLast, closes, 7),
	}
}

// attestationReminders: an API ends after 3 months at most and must be
// renewed until the decision (R431-15-1, anef.md §3.2, §9.3); the ADF's
// duration is not settled, so only the date printed on it is used (§9.3).
func attestationReminders(f Facts) []Reminder {
	var out []Reminder
	if end, ok := f.Date(KeyAPIEnd); ok {
		out = append(out, warning(RemAPISoon, end, 14), ReminderOf(RemAPIEnd, end, end))
	}
	if end, ok := f.Date(KeyADFEnd); ok {
		out = append(out, warning(RemADFSoon, end, 14))
	}
	return out
}

// silenceReminders: 4 months after a complete filing, silence is an
// implicit refusal (R432-2, anef.md §3.4; shorter for some titles, §9.4),
// which opens 2 months to go to court (§3.4): remind on the day, and a
// week before those 2 months end. Not once a decision is known.
func silenceReminders(f Facts) []Reminder {
	filed, ok := f.Date(KeyFiled)
	if !ok {
		return nil
	}
	if _, decided := f.Date(KeyDecision); decided {
		return nil
	}
	if f.Answers[KeyTitle] == "short" {
		// 60 or 90 days for some titles (§9.4): the earliest date, so
		// the person is never told too late; the time to go to court is
		// counted from it too.
		day60, _ := ImplicitRefusalShort(filed)
		return []Reminder{
			ReminderOf(RemRefusal60, day60, day60),
			warning(RemRecourse, RecourseEnd(day60), 7),
		}
	}
	refusal := ImplicitRefusal(filed)
	return []Reminder{
		ReminderOf(RemRefusal, refusal, refusal),
		warning(RemRecourse, RecourseEnd(refusal), 7),
	}
}

// decisionReminders: a week before the court deadline of a decision
// (anef.md §3.4, §3.7). The 7-day and 48-hour OQTF deadlines are too short
// for a reminder: they are always Close, so the person is told at once.
func decisionReminders(f Facts) []Reminder {
	dec, ok := f.Date(KeyDecision)
	if !ok {
		return nil
	}
	end, ok := CourtDeadline(dec, f.Answers[KeyDecisionKind])
	if !ok {
		return nil
	}
	if end.Sub(dec) < 30*24*time.Hour {
		return []Reminder{ReminderOf(RemCourtShort, dec, end)}
	}
	return []Reminder{warning(RemDecisionCourt, end, 7)}
}

// documentReminders: documents requested on ANEF must be sent by the date
// the request gives, or the file is closed automatically (anef.md §2.2 F).
func documentReminders(f Facts) []Reminder {
	due, ok := f.Date(KeyDocsDue)
	if !ok {
		return nil
	}
	return []Reminder{warning(RemDocs, due, 3)}
}

// CourtDeadline is the last day to go to the tribunal administratif
// against a decision notified on dec (anef.md §3.4, §3.7), counted as a
// délai franc and moved past weekends and public holidays (§10.2): 2
// months for a refusal without OQTF, 1 month for an OQTF, 7 days under
// house arrest or in prison. The 48 hours of rétention are counted in
// hours from the notification, not in days (§10.2): no day is given for
// them, nor for an unknown kind.
func CourtDeadline(dec time.Time, kind string) (time.Time, bool) {
	switch kind {
	case DecisionRefusal:
		return RecourseEnd(dec), true
	case DecisionOQTF:
		return LastDayMonths(dec, 1), true
	case DecisionArrest:
		return LastDayDays(dec, 7), true
	}
	return time.Time{}, false
}

// warning is a reminder days before a deadline, moved back to the Friday
// when it falls on a weekend: the help lines and préfectures work on
// working days (anef.md §9.1), and earlier is the safe side.
func warning(kind string, deadline time.Time, days int) Reminder {
	return ReminderOf(kind, WorkingDayOnOrBefore(deadline.AddDate(0, 0, -days)), deadline)
}

// WorkingDayOnOrBefore returns d, or the Friday before when d is a
// Saturday or a Sunday.
func WorkingDayOnOrBefore(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDate(0, 0, -1)
	case time.Sunday:
		return d.AddDate(0, 0, -2)
	}
	return d
}

// SendAt is the instant to send a reminder dated on: hour:00 in Paris
// that civil day (daylight saving is the location's business).
func SendAt(on time.Time, hour int, paris *time.Location) time.Time {
	return time.Date(on.Year(), on.Month(), on.Day(), hour, 0, 0, 0, paris)
}

// reminderKeys are the answers each kind of reminder is dated from. An
// answer that only rules a kind out (a decision ends the implicit-refusal
// reminders) is not among them: a decision alone says nothing about a
// filing the person made, so it must not move or remove its reminders.
var reminderKeys = map[string][]string{
	RemRenewOpen:     {KeyExpiry, KeyFiled},
	RemRenewLast:     {KeyExpiry, KeyFiled},
	RemAPISoon:       {KeyAPIEnd},
	RemAPIEnd:        {KeyAPIEnd},
	RemADFSoon:       {KeyADFEnd},
	RemRefusal:       {KeyFiled},
	RemRefusal60:     {KeyFiled},
	RemRecourse:      {KeyFiled},
	RemDecisionCourt: {KeyDecision},
	RemCourtShort:    {KeyDecision},
	RemDocs:          {KeyDocsDue},
}

// Informs reports whether the facts say anything about a kind of
// reminder. Facts from another branch of the conversation (after
// /restart, say) hold none of its dates: they must not cancel reminders
// the person chose earlier.
func (f Facts) Informs(kind string) bool {
	for _, k := range reminderKeys[kind] {
		if _, ok := f.Answers[k]; ok {
			return true
		}
	}
	return false
}

// ReminderKinds lists every kind of reminder, sorted.
func ReminderKinds() []string {
	out := make([]string, 0, len(reminderKeys))
	for k := range reminderKeys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
