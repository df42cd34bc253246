package flows_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// now is the fixed clock of these tests: 29/11/2026 10:00 in Paris.
var now = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// newEngine builds the real diagnosis with the keyword lists of the
// locale files, as the shell does.
func newEngine(t testing.TB) (*flows.Engine, *locales.Catalog) {
	t.Helper()
	g, err := flows.Diagnosis()
	if err != nil {
		t.Fatal(err)
	}
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	opts := flows.Options{RetentionDays: 90, Keywords: keywords(c, g)}
	for _, l := range locales.Languages {
		opts.Languages = append(opts.Languages, flows.Language{Code: l.Code, Name: l.Name, Reviewed: true})
	}
	return flows.NewEngine(g, opts), c
}

func keywords(c *locales.Catalog, g *flows.Graph) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, l := range locales.Languages {
		out[l.Code] = map[string]string{}
		for _, id := range flows.KeywordIDs(g) {
			if c.Has(l.Code, id) {
				s, _ := c.Text(l.Code, id, nil)
				out[l.Code][id] = s
			}
		}
	}
	return out
}

func pressOpt(s flows.Session, option string) flows.Input {
	return flows.Input{Kind: flows.Press, Data: fmt.Sprintf("c:%d:%s", s.Seq, option), Now: now}
}

func typed(s string) flows.Input { return flows.Input{Kind: flows.Text, Data: s, Now: now} }

// sampleDates are typed at every date question: long past, recent past,
// soon, far ahead, so that every branch of every plan is written.
var sampleDates = []string{"15/01/2025", "10/11/2026", "20/12/2026", "15/09/2027"}

// walker drives the engine through every path of the graph.
type walker struct {
	t       *testing.T
	e       *flows.Engine
	c       *locales.Catalog
	seen    map[string]bool
	plans   map[string]int
	paths   int
	visited map[string]bool
}

// Every path of the diagnosis, driven through the engine with every
// button and sample dates, ends in a plan; every step is reached; every
// reply renders in every language with messages that language defines
// itself (not through the French fallback).
func TestEveryPathEndsInAPlan(t *testing.T) {
	e, c := newEngine(t)
	w := &walker{t: t, e: e, c: c, seen: map[string]bool{}, plans: map[string]int{}, visited: map[string]bool{}}
	r := e.Step(flows.Session{}, flows.Input{Kind: flows.Command, Data: "start", Now: now, Lang: "fr"})
	w.check(r.Replies)
	w.walk(r.Session, 0)
	for _, st := range e.Graph().Steps() {
		if !w.visited[st.ID] {
			t.Errorf("step %s is never reached", st.ID)
		}
		if st.Kind == flows.Plan && w.plans[st.ID] == 0 {
			t.Errorf("plan %s is never shown", st.ID)
		}
	}
	t.Logf("%d paths, %d plans", w.paths, len(w.plans))
}

func (w *walker) walk(s flows.Session, depth int) {
	w.visited[s.State] = true
	if depth > 12 {
		w.t.Fatalf("path too long at %s: a loop?", s.State)
	}
	st := w.e.Graph().Step(s.State)
	switch st.Kind {
	case flows.Plan:
		w.paths++
		w.plans[st.ID]++
	case flows.Ask:
		for _, o := range st.Options {
			w.next(s, pressOpt(s, o.ID), depth)
		}
	case flows.AskDate:
		for _, d := range sampleDates {
			r := w.e.Step(s, typed(d))
			w.check(r.Replies)
			if r.Session.Pending == "" {
				continue // refused, e.g. a filing date in the future
			}
			w.next(r.Session, pressOpt(r.Session, "@yes"), depth)
		}
	}
}

func (w *walker) next(s flows.Session, in flows.Input, depth int) {
	r := w.e.Step(s, in)
	w.check(r.Replies)
	if r.Session.State == s.State {
		w.t.Fatalf("input %q at %s did not move on", in.Data, s.State)
	}
	w.walk(r.Session, depth+1)
}

// check renders each reply in every language and insists every message
// ID exists in each.
func (w *walker) check(replies []flows.Reply) {
	for _, r := range replies {
		key := fmt.Sprint(r)
		if w.seen[key] {
			continue
		}
		w.seen[key] = true
		for _, l := range locales.Languages {
			for _, p := range r.Parts {
				if !w.c.Has(l.Code, p.ID) {
					w.t.Errorf("%s: message %s is missing", l.Code, p.ID)
				}
			}
			for _, ch := range r.Choices {
				if ch.Label != "" && !w.c.Has(l.Code, ch.Label) {
					w.t.Errorf("%s: button %s is missing", l.Code, ch.Label)
				}
			}
			out, err := bot.Render(w.c, l.Code, 1, r)
			if err != nil {
				w.t.Errorf("%s: %v", l.Code, err)
			}
			if strings.Contains(out.Text, "<no value>") {
				w.t.Errorf("%s: a message lacks an argument:\n%s", l.Code, out.Text)
			}
			if len([]rune(out.Text)) > 4096 {
				w.t.Errorf("%s: a message is over Telegram's 4096 characters", l.Code)
			}
		}
	}
}

// Every step cites the anef.md sections it rests on, for the review
// table, and every question's labels exist in every language.
func TestEveryStepCitesItsSources(t *testing.T) {
	e, c := newEngine(t)
	for _, st := range e.Graph().Steps() {
		if len(st.Sources) == 0 {
			t.Errorf("%s cites no section of anef.md", st.ID)
		}
		for _, l := range locales.Languages {
			ids := []string{st.Prompt}
			for _, o := range st.Options {
				ids = append(ids, o.Label)
			}
			for _, id := range ids {
				if id != "" && !c.Has(l.Code, id) {
					t.Errorf("%s: %s of step %s is missing", l.Code, id, st.ID)
				}
			}
		}
	}
}

// Sessions made with version 1 are moved to the same or the replacing
// step with their answers, or restarted with an explanation.
func TestMigrationsFromVersion1(t *testing.T) {
	e, _ := newEngine(t)
	answers := map[string]string{flows.KeySituation: "t3", flows.KeyExpiry: "2027-03-15"}
	for _, tc := range []struct{ from, to, firstMessage string }{
		{"t3_filed", "t3_filed", "stale_button"},
		{"plan_t3", "plan_t3", "stale_button"},
		{"plan_urgent", "u_kind", "stale_button"},
		{"plan_general", "situation", "flow_changed"},
	} {
		t.Run(tc.from, func(t *testing.T) {
			old := flows.Session{Flow: 1, Lang: "fr", State: tc.from, Answers: answers, Seq: 4}
			r := e.Step(old, pressOpt(old, "x"))
			if r.Session.State != tc.to {
				t.Errorf("moved to %s, want %s", r.Session.State, tc.to)
			}
			if r.Session.Flow != flows.DiagnosisVersion {
				t.Errorf("flow version %d", r.Session.Flow)
			}
			if got := r.Replies[0].Parts[0].ID; got != tc.firstMessage {
				t.Errorf("first message %s, want %s", got, tc.firstMessage)
			}
			kept := r.Session.Answers[flows.KeyExpiry] == "2027-03-15"
			if kept != (tc.to != "situation") {
				t.Errorf("answers kept = %v", kept)
			}
		})
	}
}

// ids lists the message IDs of replies, for compact comparisons.
func ids(replies []flows.Reply) string {
	var out []string
	for _, r := range replies {
		for _, p := range r.Parts {
			out = append(out, p.ID)
		}
	}
	return strings.Join(out, " ")
}

// A person who types their problem is offered the matching branch, in
// French or English, whatever their language; Yes goes on, No shows the
// list; text that matches nothing shows the list.
func TestFreeTextProposesABranch(t *testing.T) {
	e, _ := newEngine(t)
	tests := []struct {
		text string
		want string // option of the triage, "" for none
	}{
		{"je n'arrive pas à changer mon email", "t1"},
		{"Mot de passe oublié, ça tourne en boucle", "t1"},
		{"no attestation after renewal, I only have the attestation de dépôt", "t3"},
		{"j'ai reçu une OQTF hier", "urgent"},
		{"Mon API a expiré et rien de nouveau", "t4"},
		{"my API has expired", "t4"},
		{"dossier en cours d'instruction depuis 8 mois", "t5"},
		{"mon dossier est classé sans suite", "t6"},
		{"I got the ADF but no card", "t7"},
		{"ma carte a expiré le mois dernier", "t8"},
		{"la CAF a coupé mes allocations", "t9"},
		{"my employer says the attestation is not valid", "t9"},
		{"demande de naturalisation bloquée", "t10"},
		{"je veux voyager au Maroc cet été", "t11"},
		{"je n'ai toujours pas de récépissé ni d'API", "t3"},
		{"mon titre de séjour expire dans 2 semaines et je n'ai rien fait", "t8"},
		{"I can't create an account on the website", "t1"},
		{"impossible de déposer ma demande, le site affiche une erreur", "t2"},
		{"j'attends depuis 6 mois une réponse de la préfecture", "t5"},
		{"they asked me for additional documents", "t6"},
		{"la préfecture a refusé mon titre de séjour", "urgent"},
		{"je suis en rétention depuis hier", "urgent"},
		{"I need to travel to see my mother", "t11"},
		{"I want to become French, my application is stuck", "t10"},
		{"Pôle emploi ne veut pas de mon attestation", "t9"},
		{"bonjour", ""},
		{"I am in a detention centre", "urgent"},
		// A lost or stolen document, and travel, in several languages
		// (anef.md §1.2, §8 T11).
		{"on m'a volé ma carte de séjour", "lost"},
		{"j'ai perdu mon récépissé", "lost"},
		{"I lost my residence card", "lost"},
		{"my card was stolen", "lost"},
		{"perdí mi tarjeta de residencia", "lost"},
		{"потерял вид на жительство", "lost"},
		{"I want to travel to Morocco this summer", "t11"},
		{"quiero viajar a mi país", "t11"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			start := e.Step(flows.Session{}, flows.Input{Kind: flows.Command, Data: "start", Now: now}).Session
			r := e.Step(start, typed(tc.text))
			if tc.want == "" {
				if r.Session.Pending != "" || !strings.HasPrefix(ids(r.Replies), "match_none sit_prompt") {
					t.Fatalf("want the list, got %s (pending %q)", ids(r.Replies), r.Session.Pending)
				}
				return
			}
			if want := "match_suggest sit_" + tc.want + " match_confirm"; ids(r.Replies) != want {
				t.Fatalf("replies %s, want %s", ids(r.Replies), want)
			}
			yes := e.Step(r.Session, pressOpt(r.Session, "@yes"))
			if yes.Session.Answers[flows.KeySituation] != tc.want || yes.Session.State == "situation" {
				t.Errorf("Yes went to %s with %v", yes.Session.State, yes.Session.Answers)
			}
			no := e.Step(r.Session, pressOpt(r.Session, "@no"))
			if no.Session.State != "situation" || no.Session.Pending != "" || ids(no.Replies) != "sit_prompt" {
				t.Errorf("No: state %s, replies %s", no.Session.State, ids(no.Replies))
			}
		})
	}
}

// A first message that describes the problem gets the greeting and the
// suggestion at once; one that does not gets the greeting and the list.
func TestFirstMessageIsUnderstood(t *testing.T) {
	e, _ := newEngine(t)
	r := e.Step(flows.Session{}, typed("I can't log in, password rejected"))
	if got := ids(r.Replies); got != "start_greeting privacy_short match_suggest sit_t1 match_confirm" {
		t.Errorf("got %s", got)
	}
	r = e.Step(flows.Session{}, typed("hello"))
	if got := ids(r.Replies); got != "start_greeting privacy_short sit_prompt" {
		t.Errorf("got %s", got)
	}
	// A stale Yes (no suggestion pending) changes nothing.
	s := r.Session
	r = e.Step(s, pressOpt(s, "@yes"))
	if r.Session.State != "situation" || r.Replies[0].Parts[0].ID != "stale_button" {
		t.Errorf("stale yes: %s %s", r.Session.State, ids(r.Replies))
	}
}

// Each plan reports an urgency level from the person's facts.
func sortedValues(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// The urgency shown at the top of a plan is the one Urgency reports.
func TestPlanShowsItsUrgency(t *testing.T) {
	g, err := flows.Diagnosis()
	if err != nil {
		t.Fatal(err)
	}
	f := flows.Facts{Today: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), Answers: map[string]string{
		flows.KeyExpiry: "2026-11-01", flows.KeyFiled: "2026-09-01", flows.KeyProcedure: "renewal",
	}}
	for _, st := range g.Steps() {
		if st.Kind != flows.Plan {
			continue
		}
		parts := st.Build(f)
		if want := "urgency_" + flows.Urgency(st.ID, f); parts[0].ID != want {
			t.Errorf("%s starts with %s, want %s", st.ID, parts[0].ID, want)
		}
		if parts[len(parts)-1].ID != "plan_footer" {
			t.Errorf("%s does not end with the footer", st.ID)
		}
	}
}

// Under a plan, text describing another problem offers to start that
// branch; Yes starts it with fresh answers, No keeps the plan; text that
// matches nothing shows the plan again.
func TestFreeTextUnderAPlan(t *testing.T) {
	e, _ := newEngine(t)
	s := e.Step(flows.Session{}, flows.Input{Kind: flows.Command, Data: "start", Now: now}).Session
	s = e.Step(s, pressOpt(s, "other")).Session // something else
	s = e.Step(s, pressOpt(s, "other")).Session // another procedure
	s.Answers[flows.KeyExpiry] = "2027-01-01"
	r := e.Step(s, typed("et aussi ma carte a expiré"))
	if got := ids(r.Replies); got != "match_suggest sit_t8 match_confirm" || r.Replies[0].Choices[1].Label != "match_no_plan" {
		t.Fatalf("got %s", got)
	}
	yes := e.Step(r.Session, pressOpt(r.Session, "@yes"))
	if yes.Session.State != "t8_expiry" || yes.Session.Answers[flows.KeyExpiry] != "" || yes.Session.Answers[flows.KeySituation] != "t8" {
		t.Errorf("Yes: %s %v", yes.Session.State, yes.Session.Answers)
	}
	no := e.Step(r.Session, pressOpt(r.Session, "@no"))
	if no.Session.State != "plan_general" || no.Session.Pending != "" || !strings.HasPrefix(ids(no.Replies), "urgency_normal general_title") {
		t.Errorf("No: %s %s", no.Session.State, ids(no.Replies))
	}
	other := e.Step(s, typed("merci beaucoup"))
	if other.Session.Pending != "" || !strings.HasPrefix(ids(other.Replies), "use_buttons urgency_normal") {
		t.Errorf("unmatched text under a plan: %s", ids(other.Replies))
	}
}

// BenchmarkFreeText is one typed description matched on the triage, with
// the real keyword lists (target: an engine step under 20 µs).
func BenchmarkFreeText(b *testing.B) {
	e, _ := newEngine(b)
	s := e.Step(flows.Session{}, flows.Input{Kind: flows.Command, Data: "start", Now: now}).Session
	in := typed("Bonjour, je n'arrive pas à changer l'adresse e-mail de mon compte ANEF depuis des semaines")
	b.ReportAllocs()
	for b.Loop() {
		if r := e.Step(s, in); r.Session.Pending != "t1" {
			b.Fatalf("pending %q", r.Session.Pending)
		}
	}
}
