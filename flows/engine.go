package flows

import (
	"strings"
	"time"
)

// Language is one language the bot speaks, named in its own script.
type Language struct {
	Code string // BCP 47, as the locale files are named
	Name string // endonym: "Français", "العربية"
	// Reviewed is false while a native speaker has not checked the texts:
	// the person is told once, at the greeting, that the first language
	// (French) is the reference, and offered to switch.
	Reviewed bool
}

// Offer is a button shown under an action plan that hands the person to
// a feature outside the diagnosis (reminders, a letter, a volunteer).
// Pressing it yields the Effect "offer:<ID>" with the plan's step ID under
// Data["plan"]; the feature that registered the effect takes it from there.
type Offer struct {
	ID    string // short, stable: carried in button data
	Label string // message ID of the button
	// Show says whether to offer it under a plan; nil means always.
	Show func(plan string, f Facts) bool
}

// Options configure an Engine.
type Options struct {
	// Languages the bot speaks; the first is the fallback for a person
	// whose language is unknown.
	Languages []Language
	// RetentionDays is how long an idle session is kept, told at /start.
	RetentionDays int
	// Offers are shown under every plan where Show allows, in order.
	Offers []Offer
	// Help lists message IDs appended to /help, one per feature that adds
	// commands.
	Help []string
	// Keywords are the free-text keyword lists, by language then message
	// ID (see KeywordIDs in matching.go); nil turns matching off.
	Keywords map[string]map[string]string
}

// Engine runs the conversation. It is safe for concurrent use: it holds
// only the compiled graph and configuration.
type Engine struct {
	graph    *Graph
	opts     Options
	fallback string
	match    *matcher
}

// NewEngine returns an engine over graph.
func NewEngine(graph *Graph, opts Options) *Engine {
	return &Engine{graph: graph, opts: opts, fallback: opts.Languages[0].Code, match: newMatcher(graph, opts.Keywords)}
}

// Graph returns the engine's flow graph.
func (e *Engine) Graph() *Graph { return e.graph }

// Result is what one Step produces.
type Result struct {
	Session Session
	Replies []Reply
	Effects []Effect
	// Changed reports whether Session differs from the input session, so
	// the shell saves only when there is something to save.
	Changed bool
}

// Step applies one input to a session and returns the new session, the
// replies to show and the effects to run. It does no I/O and never changes
// s in place. Bad input leaves the session as it was and explains what the
// current step can take.
func (e *Engine) Step(s Session, in Input) Result {
	t := turn{e: e, s: s.clone(), in: in}
	t.run()
	if !t.changed {
		return Result{Session: s, Replies: t.replies, Effects: t.effects}
	}
	t.s.Updated = in.Now.Unix()
	return Result{Session: t.s, Replies: t.replies, Effects: t.effects, Changed: true}
}

// Current returns the replies that show the person's current question
// again, changing nothing: after an input the step cannot take, it says
// what the step can take. None for a new session, a plan (too long to
// repeat) or a step of another flow version.
func (e *Engine) Current(s Session, now time.Time) []Reply {
	st := e.graph.Step(s.State)
	if s.IsNew() || st == nil || st.Kind == Plan || s.Flow != e.graph.Version {
		return nil
	}
	t := turn{e: e, s: s, in: Input{Now: now}}
	t.show()
	return t.replies
}

// turn is the work of one Step call.
type turn struct {
	e       *Engine
	s       Session
	in      Input
	replies []Reply
	effects []Effect
	changed bool
}

func (t *turn) run() {
	if t.s.IsNew() {
		t.s.Lang = t.e.language(t.in.Lang)
		t.s.Flow = t.e.graph.Version
		t.s.State = t.e.graph.Start
		t.changed = true
		if !(t.in.Kind == Command && t.in.Data == "start") {
			t.greet()
			return
		}
	} else if t.upgrade() {
		return
	}
	switch t.in.Kind {
	case Command:
		t.command()
	case Press:
		t.press()
	default:
		t.text()
	}
}

// upgrade moves a session made with an older flow, or standing on a step
// that no longer exists, onto the current graph: through a declared
// migration when there is one (answers kept), or by starting again
// politely. It reports whether the input has been dealt with.
func (t *turn) upgrade() bool {
	g := t.e.graph
	if t.s.Flow == g.Version && g.Step(t.s.State) != nil {
		return false
	}
	t.changed = true
	t.s.Flow = g.Version
	if _, ok := g.migrate[t.s.State]; ok {
		t.fire(evUpgrade)
		return false
	}
	// A step that no longer exists and has no declared replacement is not
	// a state of today's machine: no event can leave it, so the session
	// is put back at the start directly (docs/architecture.md).
	t.s.State = g.Start
	t.reset()
	t.add(say("flow_changed", nil))
	if t.in.Kind == Command && (t.in.Data == "start" || t.in.Data == "restart") {
		return false
	}
	t.show()
	return true
}

func (t *turn) language(code string) string { return t.e.language(code) }

func (e *Engine) language(code string) string {
	for _, l := range e.opts.Languages {
		if l.Code == code {
			return code
		}
	}
	return e.fallback
}

func (t *turn) add(r Reply) { t.replies = append(t.replies, r) }

func (t *turn) effect(kind string, data map[string]string) {
	t.effects = append(t.effects, Effect{Kind: kind, Data: data})
}

// reset puts the person back at the start, keeping only their language:
// the machine's "restart" event.
func (t *turn) reset() { t.fire(evRestart) }

// fire runs an event of the machine from the current step; moved keeps
// the session in step. An event the step does not have is a bug of the
// graph, which the graph tests catch: the person is told the button is
// stale and shown where they are.
func (t *turn) fire(event string) bool {
	if err := t.e.graph.fire(t, event); err != nil {
		t.add(say("stale_button", nil))
		t.show()
		return false
	}
	return true
}

// moved is called by the machine after each event (graph.go, callbacks):
// it writes the transition into the session, and changes the sequence
// number, since the buttons on screen change meaning.
func (t *turn) moved(event, src, dst string) {
	switch {
	case event == evRestart:
		t.s.History, t.s.Answers = nil, nil
	case event == evUpgrade:
		t.s.History = nil
	case event == evLanguage:
	case strings.HasPrefix(event, evBack):
		t.s.History = t.s.History[:len(t.s.History)-1]
	default: // an answer, a date, a route
		t.s.History = append(t.s.History, src)
	}
	if event != evLanguage {
		t.s.Pending = "" // a language change keeps a date awaiting its Yes
	}
	t.s.State = dst
	t.s.Seq++
	t.changed = true
}

func (t *turn) greet() {
	r := say("start_greeting", Args{"Language": t.e.name(t.s.Lang)})
	if ref := t.e.opts.Languages[0]; t.s.Lang != ref.Code && !t.e.reviewed(t.s.Lang) {
		r.Parts = append(r.Parts, part("language_unreviewed", Args{"Reference": ref.Name}))
		r.Choices = []Choice{{Data: pressData(t.s.Seq, optLang+"="+ref.Code), Label: "btn_reference"}}
	}
	t.add(r)
	t.add(say("privacy_short", Args{"Count": t.e.opts.RetentionDays}))
	if t.in.Kind == Text && t.suggest(true) {
		return // a first message describing the problem: see matching.go
	}
	t.show()
}

func (e *Engine) reviewed(code string) bool {
	for _, l := range e.opts.Languages {
		if l.Code == code {
			return l.Reviewed
		}
	}
	return false
}

func (e *Engine) name(code string) string {
	for _, l := range e.opts.Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

func (t *turn) command() {
	switch t.in.Data {
	case "start":
		if t.s.State != t.e.graph.Start || len(t.s.Answers) > 0 {
			t.reset()
		}
		t.greet()
	case "restart":
		t.reset()
		t.add(say("restarted", nil))
		t.show()
	case "back":
		t.back()
	case "language":
		t.languageMenu()
	case "help":
		r := say("help", nil)
		for _, id := range t.e.opts.Help {
			r.Parts = append(r.Parts, part(id, nil))
		}
		t.add(r)
		t.show()
	default:
		t.add(say("unknown_command", Args{"Command": "/" + t.in.Data}))
		t.show()
	}
}

func (t *turn) back() {
	n := len(t.s.History)
	if n == 0 {
		t.add(say("back_at_start", nil))
		t.show()
		return
	}
	if t.fire(evBack + t.s.History[n-1]) {
		t.show()
	}
}

func (t *turn) languageMenu() {
	r := Reply{Parts: []Part{part("language_choose", nil)}}
	for _, l := range t.e.opts.Languages {
		r.Choices = append(r.Choices, Choice{Data: pressData(t.s.Seq, optLang+"="+l.Code), Text: l.Name})
	}
	t.add(r)
}

func (t *turn) press() {
	seq, opt, ok := parsePress(t.in.Data)
	if !ok || seq != t.s.Seq {
		t.add(say("stale_button", nil))
		t.show()
		return
	}
	switch {
	case opt == optLang:
		t.languageMenu()
	case strings.HasPrefix(opt, optLang+"="):
		t.setLanguage(strings.TrimPrefix(opt, optLang+"="))
	case opt == optBack:
		t.back()
	case opt == optRestart:
		t.reset()
		t.show()
	case opt == optYes || opt == optNo:
		t.confirmDate(opt == optYes)
	case opt == optUnknown:
		t.dontKnow()
	case strings.HasPrefix(opt, optOffer+"="):
		t.offer(strings.TrimPrefix(opt, optOffer+"="))
	default:
		t.choose(opt)
	}
}

func (t *turn) setLanguage(code string) {
	if t.language(code) != code {
		t.add(say("stale_button", nil))
		t.show()
		return
	}
	if !t.fire(evLanguage) {
		return
	}
	t.s.Lang = code
	r := say("language_set", Args{"Language": t.e.name(code)})
	if ref := t.e.opts.Languages[0]; code != ref.Code && !t.e.reviewed(code) {
		// Said whenever the language is chosen, not only at the greeting.
		r.Parts = append(r.Parts, part("language_unreviewed", Args{"Reference": ref.Name}))
	}
	t.add(r)
	t.show()
}

func (t *turn) current() *Step { return t.e.graph.Step(t.s.State) }

func (t *turn) choose(id string) {
	st := t.current()
	var opt *Option
	for i := range st.Options {
		if st.Options[i].ID == id {
			opt = &st.Options[i]
		}
	}
	if opt == nil || st.Kind != Ask {
		t.add(say("stale_button", nil))
		t.show()
		return
	}
	value := opt.Value
	if value == "" {
		value = opt.ID
	}
	if opt.Next != "" {
		t.s.setAnswer(st.Save, value)
		t.advance(opt.ID)
		return
	}
	t.s.setAnswer(st.Save, value)
	t.advance(routeEvent(st.Route(t.facts())))
}

func (t *turn) facts() Facts {
	return Facts{Answers: t.s.Answers, Today: today(t.in.Now)}
}

// advance fires event from the current step through the fsm and shows the
// step it lands on.
func (t *turn) advance(event string) {
	if t.fire(event) {
		t.show()
	}
}

func (t *turn) text() {
	st := t.current()
	if st.Kind != AskDate {
		if t.suggest(false) {
			return
		}
		t.add(say("use_buttons", nil))
		t.show()
		return
	}
	d, precision, err := readDate(t.in.Data, t.in.Now)
	if err != nil {
		if t.e.match.dontKnow(t.in.Data) {
			t.dontKnow()
			return
		}
		t.add(say("date_invalid", Args{"Example": exampleDate(t.in.Now)}))
		return
	}
	if precision == noYear {
		// "12 mars": the year is asked for, with the date as an example.
		t.add(say("date_need_year", Args{"Example": withYear(d, today(t.in.Now))}))
		return
	}
	if msg := checkDate(st, d, t.facts()); msg != "" {
		t.add(say(msg, Args{"Date": d}))
		return
	}
	t.s.Pending = d.Format(isoDate)
	confirm := "date_confirm"
	if precision == monthOnly {
		// "mars 2027": the 1st is assumed, the earliest day, so that
		// every deadline counted from it is the earliest too.
		t.s.Pending += monthMark
		confirm = "date_confirm_month"
	}
	t.changed = true
	t.add(Reply{
		Parts: []Part{part(confirm, Args{"Date": d})},
		Choices: []Choice{
			{Data: pressData(t.s.Seq, optYes), Label: "date_yes"},
			{Data: pressData(t.s.Seq, optNo), Label: "date_no"},
		},
	})
}

// monthMark ends a pending date given as a month only.
const monthMark = "~"

// dontKnow takes "I don't know" at a date question: the answer is stored
// as Unknown and the conversation goes on; the plan takes the
// conservative path and says where to find the date.
func (t *turn) dontKnow() {
	st := t.current()
	if st.Kind != AskDate {
		t.add(say("stale_button", nil))
		t.show()
		return
	}
	t.s.setAnswer(st.Save, Unknown)
	t.s.markAssumed(st.Save, false)
	t.add(say("date_unknown_ack", nil))
	t.next(st)
}

// next leaves a date step once its answer is stored.
func (t *turn) next(st *Step) {
	if st.Next != "" {
		t.advance("date")
		return
	}
	t.advance(routeEvent(st.Route(t.facts())))
}

func checkDate(st *Step, d time.Time, f Facts) string {
	if msg := plausibleDate(d, f.Today); msg != "" {
		return msg
	}
	if st.Check != nil {
		return st.Check(d, f)
	}
	return ""
}

func (t *turn) confirmDate(yes bool) {
	st := t.current()
	if st.Kind == Ask || (st.Kind == Plan && t.s.Pending != "") {
		t.confirmSuggestion(yes) // Yes / No under a suggestion: matching.go
		return
	}
	if st.Kind != AskDate || t.s.Pending == "" {
		t.add(say("stale_button", nil))
		t.show()
		return
	}
	if !yes {
		t.s.Pending = ""
		t.changed = true
		t.show()
		return
	}
	value, month := strings.CutSuffix(t.s.Pending, monthMark)
	t.s.setAnswer(st.Save, value)
	t.s.markAssumed(st.Save, month)
	t.next(st)
}

// show renders the current step: its question and buttons, or its plan.
func (t *turn) show() {
	st := t.current()
	switch st.Kind {
	case Plan:
		f := t.facts()
		r := Reply{Parts: st.Build(f)}
		for _, o := range t.e.opts.Offers {
			if o.Show == nil || o.Show(st.ID, f) {
				r.Choices = append(r.Choices, Choice{Data: pressData(t.s.Seq, optOffer+"="+o.ID), Label: o.Label})
			}
		}
		t.unreviewedPlan(&r)
		r.Choices = append(r.Choices, Choice{Data: pressData(t.s.Seq, optRestart), Label: "btn_restart"})
		t.add(r)
		t.effect("plan", map[string]string{"plan": st.ID})
	case AskDate:
		r := say(st.Prompt, Args{"Example": exampleDate(t.in.Now)})
		r.Choices = append(r.Choices, Choice{Data: pressData(t.s.Seq, optUnknown), Label: "date_unknown_btn"})
		t.navigation(&r)
		t.add(r)
	default:
		r := say(st.Prompt, nil)
		for _, o := range st.Options {
			r.Choices = append(r.Choices, Choice{Data: pressData(t.s.Seq, o.ID), Label: o.Label})
		}
		t.navigation(&r)
		t.add(r)
	}
}

// unreviewedPlan ends a plan in a language no native speaker has checked
// yet with one line saying so, and a button to read it in the reference
// language: a machine-drafted date or rule must not be the last word.
func (t *turn) unreviewedPlan(r *Reply) {
	ref := t.e.opts.Languages[0]
	if t.s.Lang == ref.Code || t.e.reviewed(t.s.Lang) {
		return
	}
	r.Parts = append(r.Parts, part("plan_unreviewed", Args{"Reference": ref.Name}))
	r.Choices = append(r.Choices, Choice{Data: pressData(t.s.Seq, optLang+"="+ref.Code), Label: "btn_see_reference"})
}

// navigation adds the buttons every question carries: Back after the first
// question, and a way to change language on the first one.
func (t *turn) navigation(r *Reply) {
	if len(t.s.History) > 0 {
		r.Choices = append(r.Choices, Choice{Data: pressData(t.s.Seq, optBack), Label: "btn_back"})
		return
	}
	r.Choices = append(r.Choices, Choice{Data: pressData(t.s.Seq, optLang), Label: "btn_language"})
}

// offer hands the person to a feature from under a plan. The button is
// valid only on the plan it was shown under.
func (t *turn) offer(id string) {
	st := t.current()
	for _, o := range t.e.opts.Offers {
		if o.ID == id && st.Kind == Plan && (o.Show == nil || o.Show(st.ID, t.facts())) {
			t.effect("offer:"+id, map[string]string{"plan": st.ID})
			return
		}
	}
	t.add(say("stale_button", nil))
	t.show()
}
