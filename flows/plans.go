package flows

import "time"

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
func plans() []plan {
	return []plan{
		{"plan_urgent", func(Facts) string { return Urgent }, writeUrgent, []string{"§8 T-URGENT", "§3.4", "§3.7"}},
		{"plan_t1", urgencyT1, writeT1, []string{"§8 T1", "§2.2 A", "§1.2", "§1.4", "§3.1", "§9.1", "§9.6"}},
		{"plan_t2", urgencyT2, writeT2, []string{"§8 T2", "§2.2 B", "§2.1", "§1.4", "§3.1", "§3.5"}},
		{"plan_t3", urgencyT3, writeT3, []string{"§8 T3", "§3.1", "§3.2", "§3.4", "§3.5", "§9.1", "§9.2", "§9.4"}},
		{"plan_t4", urgencyT4, writeT4, []string{"§8 T4", "§2.2 D", "§3.2", "§3.4", "§9.3"}},
		{"plan_t5", urgencyT5, writeT5, []string{"§8 T5", "§2.2 E", "§3.4", "§3.5", "§9.4"}},
		{"plan_t6", urgencyT6, writeT6, []string{"§8 T6", "§2.2 F"}},
		{"plan_t7", urgencyT7, writeT7, []string{"§8 T7", "§2.2 G", "§9.3"}},
		{"plan_t8", urgencyT8, writeT8, []string{"§8 T8", "§2.2 H", "§3.1", "§9.2"}},
		{"plan_t9", urgencyT9, writeT9, []string{"§8 T9", "§2.2 I", "§3.2", "§9.5"}},
		{"plan_t10", urgencyT10, writeT10, []string{"§8 T10", "§1.3", "§1.4"}},
		{"plan_t11", func(Facts) string { return Soon }, writeT11, []string{"§8 T11", "§2.2 K", "§9.5"}},
		{"plan_general", func(Facts) string { return Normal }, writeGeneral, []string{"§2.3", "§1.4", "§9.1"}},
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

// renewal writes the R431-5 window of a renewal and where today stands in
// it (§3.1, §9.2). It is silent when the expiry date is unknown.
func (w *planWriter) renewal() {
	expiry, ok := w.f.Date(KeyExpiry)
	if !ok {
		return
	}
	open, closes := RenewalWindow(expiry, w.f.OnANEF())
	args := Args{"Open": open, "Close": closes, "Expiry": expiry}
	w.add(map[RenewalPhase]string{
		ExpiredCard: "renew_expired", WindowMissed: "renew_missed",
		InWindow: "renew_open", BeforeWindow: "renew_later",
	}[PhaseOf(expiry, w.f.Today, w.f.OnANEF())], args)
}

// renewalUrgency: within the R431-5 window or past it, a blocked person is
// urgent (§8 T1 deadline logic); a month before it opens, soon.
func renewalUrgency(f Facts) string {
	expiry, ok := f.Date(KeyExpiry)
	if !ok || f.Answers[KeyProcedure] != "renewal" {
		return Normal
	}
	open, _ := RenewalWindow(expiry, f.OnANEF())
	switch {
	case !f.Today.Before(open):
		return Urgent
	case !f.Today.Before(open.AddDate(0, 0, -30)):
		return Soon
	}
	return Normal
}

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
// it can be challenged (R432-2, §3.4), with the caution of §9.4 for the
// titles that may have 60 or 90 days.
func (w *planWriter) silence() {
	filed, ok := w.f.Date(KeyFiled)
	if !ok {
		return
	}
	refusal := ImplicitRefusal(filed)
	until := RecourseEnd(refusal)
	args := Args{"Date": refusal, "Until": until}
	switch {
	case refusal.After(w.f.Today):
		w.add("t3_refusal_future", args)
	case !until.Before(w.f.Today):
		w.add("t3_refusal_past", args)
	default:
		// §3.4: the 2 months may be over, but run only if the remedies
		// were notified (R421-5 CJA, Czabaj): a human checks.
		w.add("silence_recourse_past", args)
	}
	if w.answer(KeyTitle) == "short" {
		d60, _ := ImplicitRefusalShort(filed)
		w.add("silence_short", Args{"Date": d60, "Until": RecourseEnd(d60)})
		return
	}
	w.add("t3_refusal_caution", nil)
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

// dateUrgency: past or today is urgent, within days is soon.
func dateUrgency(today, d time.Time, days int) string {
	switch {
	case !d.After(today):
		return Urgent
	case Within(today, d, days):
		return Soon
	}
	return Normal
}
