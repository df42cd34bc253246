package flows

import (
	"strings"
	"time"
)

// Urgency levels of a plan. Urgent cases are offered a human first.
const (
	Urgent = "urgent"
	Soon   = "soon"
	Normal = "normal"
)

// plan is one action plan: its step ID, how urgent it is for a person, how
// it is written, and the sections of anef.md it rests on.
type plan struct {
	id      string
	urgency func(Facts) string
	build   func(*planWriter)
	sources []string
}

// plans are the terminal steps of the diagnosis, one per branch of §8.
// Each urgency rule follows the calibration of anef.md §10.3; the table
// in docs/diagnosis.md is generated from the cases that test them.
func plans() []plan {
	return []plan{
		{"plan_urgent", func(Facts) string { return Urgent }, writeUrgent, []string{"§8 T-URGENT", "§3.4", "§3.7", "§10.2", "§10.3", "§10.5"}},
		{"plan_t1", urgencyT1, writeT1, []string{"§8 T1", "§2.2 A", "§1.2", "§1.4", "§3.1", "§9.1", "§9.6", "§10.1", "§10.3", "§10.4"}},
		{"plan_t2", urgencyT2, writeT2, []string{"§8 T2", "§2.2 B", "§2.1", "§1.4", "§3.1", "§3.5", "§10.1", "§10.3", "§10.4"}},
		{"plan_t3", urgencyT3, writeT3, []string{"§8 T3", "§3.1", "§3.2", "§3.4", "§3.5", "§9.1", "§9.2", "§9.4", "§10.2", "§10.3", "§10.4"}},
		{"plan_t4", urgencyT4, writeT4, []string{"§8 T4", "§2.2 D", "§3.2", "§3.4", "§9.3", "§10.2", "§10.3", "§10.4"}},
		{"plan_t5", urgencyT5, writeT5, []string{"§8 T5", "§2.2 E", "§3.4", "§3.5", "§9.4", "§10.2", "§10.3", "§10.4"}},
		{"plan_t6", urgencyT6, writeT6, []string{"§8 T6", "§2.2 F", "§10.1", "§10.3"}},
		{"plan_t7", urgencyT7, writeT7, []string{"§8 T7", "§2.2 G", "§9.3", "§10.3"}},
		{"plan_t8", urgencyT8, writeT8, []string{"§8 T8", "§2.2 H", "§3.1", "§3.2", "§9.2", "§10.3", "§10.4"}},
		{"plan_t9", urgencyT9, writeT9, []string{"§8 T9", "§2.2 I", "§3.2", "§9.5", "§10.3", "§10.6"}},
		{"plan_t10", urgencyT10, writeT10, []string{"§8 T10", "§1.3", "§1.4", "§10.1", "§10.3"}},
		{"plan_t11", func(Facts) string { return Normal }, writeT11, []string{"§8 T11", "§2.2 K", "§9.5", "§10.3", "§10.6"}},
		{"plan_lost", func(Facts) string { return Normal }, writeLost, []string{"§1.2", "§1.4", "§2.3"}},
		{"plan_general", urgencyGeneral, writeGeneral, []string{"§2.3", "§1.4", "§9.1", "§10.1", "§10.4"}},
	}
}

// planSteps declares the plans as steps of the graph.
func planSteps() []Step {
	var out []Step
	for _, p := range plans() {
		out = append(out, Step{ID: p.id, Kind: Plan, Build: p.render, Sources: p.sources})
	}
	return out
}

var urgencyOf = func() map[string]func(Facts) string {
	m := map[string]func(Facts) string{}
	for _, p := range plans() {
		m[p.id] = p.urgency
	}
	return m
}()

// Urgency is how urgent a plan is for a person with these facts: Urgent,
// Soon or Normal. Other features use it (the volunteer queue offers a human
// first when it is Urgent). An unknown plan is Normal.
func Urgency(plan string, f Facts) string {
	if u, ok := urgencyOf[plan]; ok {
		return u(f)
	}
	return Normal
}

// render writes the plan: urgency, the plan's own paragraphs, the footer.
func (p plan) render(f Facts) []Part {
	w := &planWriter{f: f, parts: make([]Part, 0, 16)}
	w.add(urgencyIDs[p.urgency(f)], nil)
	p.build(w)
	reviewed, _ := time.Parse(isoDate, ContentReviewed)
	w.add("plan_footer", Args{"Reviewed": reviewed})
	return w.parts
}

// planWriter collects a plan's paragraphs and numbers its steps.
type planWriter struct {
	f     Facts
	parts []Part
	n     int
}

// add appends a paragraph.
func (w *planWriter) add(id string, args Args) { w.parts = append(w.parts, part(id, args)) }

// step appends a numbered action: its text receives its number as N. It
// takes args over (callers pass a fresh literal); steps without arguments
// share read-only maps, since a plan is built on every step of the
// conversation that shows it.
func (w *planWriter) step(id string, args Args) {
	w.n++
	switch {
	case args != nil:
		args["N"] = w.n
	case w.n < len(numberArgs):
		args = numberArgs[w.n]
	default:
		args = Args{"N": w.n}
	}
	w.add(id, args)
}

// numberArgs are the read-only arguments of steps 0..15 without others.
var numberArgs = func() []Args {
	out := make([]Args, 16)
	for i := range out {
		out[i] = Args{"N": i}
	}
	return out
}()

// urgencyIDs are the message IDs of the urgency levels.
var urgencyIDs = map[string]string{Urgent: "urgency_urgent", Soon: "urgency_soon", Normal: "urgency_normal"}

func (w *planWriter) answer(key string) string { return w.f.Answers[key] }

// Steps shared by several plans: the escalation ladder of anef.md §2.3.

// stepCCC: the Centre de contact citoyen, phone and form (§1.4, §9.1: the
// hours are unknown and never stated; no deep link to the form is known).
func (w *planWriter) stepCCC(ask string) {
	w.step("step_ccc", Args{"Phone": PhoneCCC, "Link": LinkANEF})
	if ask != "" {
		w.add(ask, nil)
	}
}

func (w *planWriter) stepPAN() { w.step("step_pan", nil) } // §1.4

// stepSubstitution: the written request for the "solution de
// substitution" of R431-2 when the site itself blocks (§1.4, §2.3 4).
func (w *planWriter) stepSubstitution() { w.step("step_substitution", Args{"Link": LinkGISTIModels}) }

// stepLetter: registered letter to the préfecture (§2.3 5).
func (w *planWriter) stepLetter(ask string) {
	w.step("step_letter", Args{"Link": LinkGISTIModels})
	if ask != "" {
		w.add(ask, nil)
	}
}

// stepDDD: the Défenseur des droits, free, does not stop court deadlines
// (§2.3 6, §9.7).
func (w *planWriter) stepDDD() { w.step("step_ddd", Args{"Link": LinkDDD, "Sheet": LinkDDDSheet}) }

// stepCourt: the référé "mesures utiles" through an association or a
// lawyer (§3.5, §2.3 7).
func (w *planWriter) stepCourt() { w.step("step_court", Args{"Link": LinkCourt}) }

// renewal writes the R431-5 window of a renewal by phase (§3.1, §10.4):
// before it opens, prepare and file from its first day; inside it, file
// now, by its last day; after it, file at once (€180, a letter explaining
// the delay); the card expired, the same and L433-3 where it applies.
// Never "file today" before the window, never a lateness letter in it.
func (w *planWriter) renewal() {
	expiry, ok := w.f.Date(KeyExpiry)
	if !ok {
		if w.f.Unknown(KeyExpiry) {
			w.add("renew_unknown", nil) // the conservative path: where to find it
		}
		return
	}
	open, closes := RenewalWindow(expiry, w.f.OnANEF())
	args := Args{"Open": open, "Close": closes, "Expiry": expiry}
	switch PhaseOf(expiry, w.f.Today, w.f.OnANEF()) {
	case BeforeWindow:
		w.add("renew_later", args)
	case InWindow:
		if StateOf(w.f.Today, closes) == LastDay {
			w.add("renew_last_day", args)
			return
		}
		w.add("renew_open", args)
	case WindowMissed:
		w.add("renew_missed", args) // §9.2, §10.4: €180, a letter helps
	case ExpiredCard:
		w.add("renew_expired", args)
		w.l433(expiry)
	}
}

// l433 says, for a card expired less than 3 months ago, whether the
// person keeps the right to stay and work until 3 months after expiry:
// holders of a 4-year multi-year card, a resident card or a treaty title
// of more than one year (L433-3, per a legal publisher: anef.md §3.2,
// §10.4). Asked only then (cardRoute); nothing is said of other cards.
func (w *planWriter) l433(expiry time.Time) {
	until, covered := l433Until(w.f, expiry)
	switch {
	case covered:
		w.add("l433_covered", Args{"Until": until})
	case w.answer(KeyCard) == "unknown" && !until.Before(w.f.Today):
		w.add("l433_maybe", Args{"Until": until})
	}
}

// l433Until is the end of the 3 months of L433-3 and whether they cover
// the person today (anef.md §3.2, §10.4).
func l433Until(f Facts, expiry time.Time) (time.Time, bool) {
	until := AddMonths(expiry, 3)
	switch f.Answers[KeyCard] {
	case "pluri4", "resident", "treaty":
		return until, !until.Before(f.Today)
	}
	return until, false
}

// civic writes what a first request needs before filing since 1 January
// 2026 (anef.md §10.1): French A2 and the examen civique for a first
// multi-year card, B1 and the exam for a first resident card; a first
// temporary card is not concerned. A renewal is never told.
func (w *planWriter) civic() {
	if w.answer(KeyProcedure) != "first" {
		return
	}
	switch w.answer(KeyFirst) {
	case "temp":
		w.add("civic_temp", nil)
		return
	case "multi":
		w.add("civic_multi", nil)
	case "resident":
		w.add("civic_resident", nil)
	case "unknown":
		w.add("civic_unknown", nil)
	default:
		return
	}
	w.add("civic_exam", Args{"Link": LinkCivic})
	w.add("civic_exempt", nil)
}

// assumed says which day was taken for a date given as a month only.
func (w *planWriter) assumed() {
	for _, key := range strings.Split(w.answer(KeyAssumed), ",") {
		if d, ok := w.f.Date(key); ok {
			w.add("date_assumed", Args{"Date": d})
		}
	}
}

// assumedDay reports whether the date under key was given as a month only.
func (w *planWriter) assumedDay(key string) bool {
	for _, k := range strings.Split(w.answer(KeyAssumed), ",") {
		if k == key {
			return true
		}
	}
	return false
}

// The urgency levels of anef.md §10.3. A legal deadline (a filing or a
// court deadline) 7 days away or less is red, 30 days or less orange; a
// document's end (API, ADF, card) within 30 days is orange.

// legalLevel is the urgency of a legal deadline whose last day is d; a
// past one is left to the caller.
func legalLevel(today, d time.Time) string {
	switch {
	case d.Before(today):
		return Normal
	case !d.After(today.AddDate(0, 0, 7)):
		return Urgent
	case !d.After(today.AddDate(0, 0, 30)):
		return Soon
	}
	return Normal
}

// documentLevel is the urgency of a document ending on d: orange from 30
// days before and once it has ended.
func documentLevel(today, d time.Time) string {
	if !d.After(today.AddDate(0, 0, 30)) {
		return Soon
	}
	return Normal
}

// renewalUrgency: the renewal window by phase (§10.3, §10.4). Red: the
// card expired with nothing filed and nothing covering the person, or the
// window's last day (day 60) 7 days away or less; orange: day 60 within
// 30 days, the window missed with the card still valid, the card expired
// while L433-3 covers the person (red in its last week), or an expiry date
// the person does not know; green before the window and for first
// requests.
func renewalUrgency(f Facts) string {
	if f.Answers[KeyProcedure] != "renewal" {
		return Normal
	}
	expiry, ok := f.Date(KeyExpiry)
	if !ok {
		if f.Unknown(KeyExpiry) {
			return Soon
		}
		return Normal
	}
	return phaseUrgency(f, expiry)
}

// phaseUrgency is the urgency of a renewal not yet filed for a card
// ending on expiry, by phase (§10.3, §10.4).
func phaseUrgency(f Facts, expiry time.Time) string {
	_, closes := RenewalWindow(expiry, f.OnANEF())
	switch PhaseOf(expiry, f.Today, f.OnANEF()) {
	case ExpiredCard:
		return expiredUrgency(f, expiry)
	case WindowMissed:
		return Soon
	case InWindow:
		return legalLevel(f.Today, closes)
	}
	return Normal
}

// expiredUrgency: a card expired with no request filed is red (§10.3),
// unless L433-3 still covers the person: orange, red in its last week.
func expiredUrgency(f Facts, expiry time.Time) string {
	if until, covered := l433Until(f, expiry); covered {
		return most(Soon, legalLevel(f.Today, until))
	}
	return Urgent
}

// urgencyGeneral: "something else" is green, but for a renewal the
// window decides (§10.3, §10.4).
func urgencyGeneral(f Facts) string { return renewalUrgency(f) }

// most returns the highest of urgency levels.
func most(levels ...string) string {
	rank := map[string]int{Normal: 0, Soon: 1, Urgent: 2}
	best := Normal
	for _, l := range levels {
		if rank[l] > rank[best] {
			best = l
		}
	}
	return best
}

// silence writes when silence becomes an implicit refusal and until when
// it can be challenged (R432-2, §3.4; the last day counted as §10.2 says),
// with the caution of §9.4 for the titles that may have 60 or 90 days, and
// always the caveat of an incomplete file (CE avis 10 Oct 2024, §10.4).
func (w *planWriter) silence() {
	filed, ok := w.f.Date(KeyFiled)
	if !ok {
		if w.f.Unknown(KeyFiled) {
			w.add("silence_unknown", nil)
			w.add("silence_incomplete", nil)
		}
		return
	}
	refusal := ImplicitRefusal(filed)
	until := RecourseEnd(refusal)
	args := Args{"Date": refusal, "Until": until, "Weekday": until.Weekday()}
	switch {
	case refusal.After(w.f.Today):
		w.add("t3_refusal_future", args)
	case StateOf(w.f.Today, until) == Running:
		w.add("t3_refusal_past", args)
	case StateOf(w.f.Today, until) == LastDay:
		w.add("silence_recourse_today", args)
	default:
		// §3.4, §10.2: the 2 months seem over, but run only if the
		// remedies were notified (R421-5 CJA, Czabaj): a human checks.
		w.add("silence_recourse_past", args)
	}
	if w.answer(KeyTitle) == "short" {
		d60, _ := ImplicitRefusalShort(filed)
		end := RecourseEnd(d60)
		if end.Before(w.f.Today) {
			w.add("silence_short_past", Args{"Date": d60})
		} else {
			w.add("silence_short", Args{"Date": d60, "Until": end, "Weekday": end.Weekday()})
		}
	} else {
		w.add("t3_refusal_caution", nil)
	}
	w.add("silence_incomplete", nil)
}

// refusalDay is the earliest day silence may be a refusal for this person:
// 4 months, or 60 days for the titles of §9.4.
func refusalDay(f Facts) (time.Time, bool) {
	filed, ok := f.Date(KeyFiled)
	if !ok {
		return time.Time{}, false
	}
	if f.Answers[KeyTitle] == "short" {
		d60, _ := ImplicitRefusalShort(filed)
		return d60, true
	}
	return ImplicitRefusal(filed), true
}

// silenceUrgency: the implicit refusal within 30 days is orange; once it
// may exist, its court deadline decides (red in its last 7 days, orange
// within 30 days, and orange once it seems passed: a lawyer checks,
// §10.2); a filing date the person does not know is orange (§10.3).
func silenceUrgency(f Facts) string {
	refusal, ok := refusalDay(f)
	if !ok {
		if f.Unknown(KeyFiled) {
			return Soon
		}
		return Normal
	}
	if refusal.After(f.Today) {
		return documentLevel(f.Today, refusal)
	}
	until := RecourseEnd(refusal)
	if until.Before(f.Today) {
		return Soon
	}
	return legalLevel(f.Today, until)
}
