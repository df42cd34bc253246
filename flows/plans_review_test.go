package flows_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

const plansReviewDoc = "../docs/plans-review.md"

// reviewScenario is one plan as a person in one situation reads it.
type reviewScenario struct {
	plan, title string
	answers     map[string]string
}

// reviewScenarios put every plan in each of its phases, on the day of
// urgencyToday (Monday 7 December 2026).
func reviewScenarios() []reviewScenario {
	renewal := func(expiry string, kv ...string) map[string]string {
		return a(append([]string{proc, "renewal", exp, expiry}, kv...)...)
	}
	oqtf := func(kind, notified string) map[string]string {
		return a(flows.KeyDecisionKind, kind, flows.KeyDecision, notified)
	}
	return []reviewScenario{
		{"plan_urgent", "OQTF notified 20/11/2026: the last day ahead", oqtf(flows.DecisionOQTF, "2026-11-20")},
		{"plan_urgent", "OQTF notified 05/11/2026: today is the last day", oqtf(flows.DecisionOQTF, "2026-11-05")},
		{"plan_urgent", "OQTF notified 01/10/2026: the last day has passed", oqtf(flows.DecisionOQTF, "2026-10-01")},
		{"plan_urgent", "OQTF under house arrest, notified 04/12/2026", oqtf(flows.DecisionArrest, "2026-12-04")},
		{"plan_urgent", "rétention", a(flows.KeyDecisionKind, flows.DecisionRetention)},
		{"plan_urgent", "refusal without OQTF, notified 05/10/2026 (§10.2's example)", oqtf(flows.DecisionRefusal, "2026-10-05")},
		{"plan_urgent", "another emergency", a(flows.KeyDecisionKind, "other")},
		{"plan_t1", "renewal, before the window (card ends 01/06/2027)", a(iss, "login", proc, "renewal", exp, "2027-06-01")},
		{"plan_t1", "renewal, in the window (card ends 01/03/2027)", a(iss, "login", proc, "renewal", exp, "2027-03-01")},
		{"plan_t1", "renewal, window missed (card ends 20/01/2027)", a(iss, "contact", proc, "renewal", exp, "2027-01-20")},
		{"plan_t1", "renewal, card expired 01/12/2026, a resident card", a(iss, "create", proc, "renewal", exp, "2026-12-01", card, "resident")},
		{"plan_t1", "first multi-year card", a(iss, "create", proc, "first", flows.KeyFirst, "multi")},
		{"plan_t1", "renewal, expiry not known", a(iss, "login", proc, "renewal", exp, unk)},
		{"plan_t2", "first resident card, status not recognised", a(iss, "status", proc, "first", flows.KeyFirst, "resident")},
		{"plan_t2", "renewal, day 60 in 7 days", a(iss, "bug", proc, "renewal", exp, "2027-02-12")},
		{"plan_t3", "filed on time 20/11/2026, card ends 01/03/2027", a(exp, "2027-03-01", fil, "2026-11-20", flows.KeyDocs, "no")},
		{"plan_t3", "filed late, card expired", a(exp, "2026-12-01", fil, "2026-11-20", flows.KeyDocs, "unsure")},
		{"plan_t3", "dates not known", a(exp, unk, fil, unk, flows.KeyDocs, "no")},
		{"plan_t4", "API ended 01/12/2026, job at risk", a(fil, "2026-10-01", api, "2026-12-01", risk, "yes")},
		{"plan_t4", "API running, filing date not known", a(fil, unk, api, "2027-01-15", risk, "no")},
		{"plan_t5", "filed 20/09/2026: refusal to come", a(fil, "2026-09-20", ttl, "other", flows.KeyDocs, "no")},
		{"plan_t5", "filed 10/06/2026: the court's last day in 4 days", a(fil, "2026-06-10", ttl, "other", flows.KeyDocs, "no")},
		{"plan_t5", "filed 05/06/2026: today is the court's last day", a(fil, "2026-06-05", ttl, "other", flows.KeyDocs, "no")},
		{"plan_t5", "filed 01/05/2026: the court's last day has passed", a(fil, "2026-05-01", ttl, "unknown", flows.KeyDocs, "no")},
		{"plan_t5", "a title with a shorter silence, filed 15/10/2026", a(fil, "2026-10-15", ttl, "short", flows.KeyDocs, "yes")},
		{"plan_t6", "documents due 20/12/2026", a(iss, "requested", due, "2026-12-20")},
		{"plan_t6", "documents due today", a(iss, "rejected", due, "2026-12-07")},
		{"plan_t6", "due date passed", a(iss, "requested", due, "2026-12-01")},
		{"plan_t6", "due date not known", a(iss, "requested", due, unk)},
		{"plan_t6", "renewal file closed, card ends 01/03/2027", a(iss, "closed", proc, "renewal", exp, "2027-03-01")},
		{"plan_t7", "no date printed on the ADF", a(adfd, "no", risk, "no")},
		{"plan_t7", "ADF valid until 20/12/2026", a(adfd, "yes", adf, "2026-12-20", risk, "no")},
		{"plan_t7", "ADF ended, employer refuses it", a(adfd, "yes", adf, "2026-12-01", risk, "yes")},
		{"plan_t8", "before the window (card ends 01/06/2027)", a(exp, "2027-06-01", onA, "yes")},
		{"plan_t8", "in the window (card ends 01/03/2027)", a(exp, "2027-03-01", onA, "yes")},
		{"plan_t8", "day 60 today (card ends 05/02/2027)", a(exp, "2027-02-05", onA, "yes")},
		{"plan_t8", "window missed, card valid (ends 20/01/2027)", a(exp, "2027-01-20", onA, "yes")},
		{"plan_t8", "card expired 01/12/2026, another card", a(exp, "2026-12-01", onA, "yes", card, "other")},
		{"plan_t8", "card expired 01/12/2026, a 4-year card (L433-3)", a(exp, "2026-12-01", onA, "unsure", card, "pluri4")},
		{"plan_t8", "paper title expired 01/12/2026", a(exp, "2026-12-01", onA, "no", card, "unknown")},
		{"plan_t8", "expiry not known", a(exp, unk, onA, "yes")},
		{"plan_t8", "expiry given as a month (April 2027)", a(exp, "2027-04-01", onA, "yes", flows.KeyAssumed, exp)},
		{"plan_t9", "employer, income at risk", a(flows.KeyOrg, "employer", flows.KeyHeld, "api", risk, "yes")},
		{"plan_t9", "CAF", a(flows.KeyOrg, "caf", flows.KeyHeld, "adf", risk, "no")},
		{"plan_t9", "CPAM", a(flows.KeyOrg, "cpam", flows.KeyHeld, "api", risk, "no")},
		{"plan_t9", "a landlord", a(flows.KeyOrg, "other", flows.KeyHeld, "api", risk, "no")},
		{"plan_t10", "cannot file", a(iss, "cannot_file")},
		{"plan_t10", "refused", a(iss, "refused")},
		{"plan_t11", "first-request récépissé", a(flows.KeyHeld, "recepisse_first")},
		{"plan_t11", "an API", a(flows.KeyHeld, "api")},
		{"plan_lost", "a lost card", nil},
		{"plan_general", "something else, no procedure", a(proc, "other")},
		{"plan_general", "something else, a first card not known", a(proc, "first", flows.KeyFirst, "unknown")},
		{"plan_general", "something else, a renewal in the window", renewal("2027-03-01")},
	}
}

// docs/plans-review.md is every plan, in French, as a person in each
// phase reads it on one day: the document a lawyer or an association
// reviews. Regenerate with go test ./flows/ -update.
func TestPlansReviewDocument(t *testing.T) {
	g, err := flows.Diagnosis()
	if err != nil {
		t.Fatal(err)
	}
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var b strings.Builder
	b.WriteString(plansReviewHeader)
	for _, sc := range reviewScenarios() {
		st := g.Step(sc.plan)
		if st == nil {
			t.Fatalf("no plan %s", sc.plan)
		}
		seen[sc.plan] = true
		out, err := bot.Render(c, locales.Reference, 1, flows.Reply{Parts: st.Build(flows.Facts{Answers: sc.answers, Today: urgencyToday})})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "## `%s`: %s\n\nAnswers: %s\n\n", sc.plan, sc.title, answerList(sc.answers))
		for _, line := range strings.Split(out.Text, "\n") {
			fmt.Fprintf(&b, "> %s\n", line)
		}
		b.WriteString("\n")
	}
	for _, st := range g.Steps() {
		if st.Kind == flows.Plan && !seen[st.ID] {
			t.Errorf("%s is not in the review document", st.ID)
		}
	}
	want := b.String()
	got, _ := os.ReadFile(plansReviewDoc)
	if string(got) == want {
		return
	}
	if !*update {
		t.Fatalf("%s is out of date: run go test ./flows/ -update and review the diff", plansReviewDoc)
	}
	if err := os.WriteFile(plansReviewDoc, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
}

const plansReviewHeader = `# The plans, as a person reads them

Every plan of the diagnosis, in French (the reference text), for people in
each phase of their situation, all computed on **Monday 7 December 2026**.
This is the page to read when reviewing what the bot says about the law:
each plan cites its sections of the domain brief in flows/plans.go, and the
rules are in docs/diagnosis.md. To see a plan for another day, run the bot
in the terminal with ANEFBOT_TODAY=YYYY-MM-DD.

Generated by TestPlansReviewDocument (go test ./flows/ -update); do not edit
by hand.

`

func answerList(m map[string]string) string {
	if len(m) == 0 {
		return "none"
	}
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("`%s=%s`", k, v))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
