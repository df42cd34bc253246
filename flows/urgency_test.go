package flows_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/flows"
)

// urgencyToday is the day the urgency table is computed for: Monday 7
// December 2026.
var urgencyToday = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// urgencyCase is one row of the urgency table in docs/diagnosis.md: a
// situation, the level anef.md §10.3 gives it, and the answers that make
// it. The table is generated from these rows, and each row is checked
// against flows.Urgency, so the document and the code cannot drift.
type urgencyCase struct {
	plan, when, level, source string
	answers                   map[string]string
}

const (
	red    = flows.Urgent
	orange = flows.Soon
	green  = flows.Normal
)

func a(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// Keys, short for the table below.
const (
	proc, exp, fil, api, adf, adfd = flows.KeyProcedure, flows.KeyExpiry, flows.KeyFiled, flows.KeyAPIEnd, flows.KeyADFEnd, flows.KeyADFDated
	risk, iss, due, card, ttl, onA = flows.KeyAtRisk, flows.KeyIssue, flows.KeyDocsDue, flows.KeyCard, flows.KeyTitle, flows.KeyOnANEF
	unk                            = flows.Unknown
)

// renewalRows are the rows of a plan whose level is the renewal window's
// (§10.3, §10.4): T1, T2 and "something else" with a renewal.
func renewalRows(plan string) []urgencyCase {
	return []urgencyCase{
		{plan, "renewal, before the window opens", green, "§10.3, §10.4", a(proc, "renewal", exp, "2027-06-01")},
		{plan, "renewal, day 60 in 31 days", green, "§10.3", a(proc, "renewal", exp, "2027-03-08")},
		{plan, "renewal, day 60 in 30 days", orange, "§10.3", a(proc, "renewal", exp, "2027-03-07")},
		{plan, "renewal, day 60 in 8 days", orange, "§10.3", a(proc, "renewal", exp, "2027-02-13")},
		{plan, "renewal, day 60 in 7 days", red, "§10.3 (day 60 included)", a(proc, "renewal", exp, "2027-02-12")},
		{plan, "renewal, day 60 today", red, "§10.3", a(proc, "renewal", exp, "2027-02-05")},
		{plan, "renewal, window missed, card still valid", orange, "§10.4 (file at once)", a(proc, "renewal", exp, "2027-01-20")},
		{plan, "renewal, card expired", red, "§10.3", a(proc, "renewal", exp, "2026-12-01")},
		{plan, "renewal, card expired, L433-3 card (resident)", orange, "§10.4, §3.2", a(proc, "renewal", exp, "2026-12-01", card, "resident")},
		{plan, "renewal, card expired, L433-3 ends in 3 days", red, "§10.3, §3.2", a(proc, "renewal", exp, "2026-09-10", card, "pluri4")},
		{plan, "renewal, card expired, another card", red, "§10.3", a(proc, "renewal", exp, "2026-12-01", card, "other")},
		{plan, "renewal, expiry not known", orange, "§10.3 (conservative)", a(proc, "renewal", exp, unk)},
		{plan, "first request", green, "§10.3", a(proc, "first", flows.KeyFirst, "multi")},
	}
}

func urgencyCases() []urgencyCase {
	var rows []urgencyCase
	rows = append(rows, urgencyCase{"plan_urgent", "a decision, detention, a minor alone, health", red, "§10.3", nil})
	rows = append(rows, renewalRows("plan_t1")...)
	rows = append(rows, urgencyCase{"plan_t2", "status bug, first request", green, "§10.3", a(iss, "status", proc, "first")})
	rows = append(rows, urgencyCase{"plan_t2", "renewal, day 60 in 7 days", red, "§10.3", a(iss, "bug", proc, "renewal", exp, "2027-02-12")})
	rows = append(rows, []urgencyCase{
		{"plan_t3", "card ends in 6 months, refusal in 3", green, "§10.3", a(exp, "2027-06-01", fil, "2026-11-20")},
		{"plan_t3", "card ends in 13 days", orange, "§10.3 (a document's end)", a(exp, "2026-12-20", fil, "2026-11-20")},
		{"plan_t3", "card ended, request filed, no API", orange, "§10.3 (filed: not the red trigger)", a(exp, "2026-12-01", fil, "2026-10-01")},
		{"plan_t3", "implicit refusal in 8 days", orange, "§10.3", a(exp, "2027-06-01", fil, "2026-08-15")},
		{"plan_t3", "refusal's court deadline in 35 days", green, "§10.3", a(exp, "2027-06-01", fil, "2026-07-10")},
		{"plan_t3", "refusal's court deadline in 4 days", red, "§10.2, §10.3", a(exp, "2027-06-01", fil, "2026-06-10")},
		{"plan_t3", "refusal's court deadline today", red, "§10.2, §10.3", a(exp, "2027-06-01", fil, "2026-06-05")},
		{"plan_t3", "refusal's court deadline passed", orange, "§10.2 (a lawyer checks)", a(exp, "2027-06-01", fil, "2026-06-01")},
		{"plan_t3", "dates not known", orange, "§10.3 (conservative)", a(exp, unk, fil, unk)},
		{"plan_t4", "API ends in 3 months", green, "§10.3", a(fil, "2026-11-01", api, "2027-03-01")},
		{"plan_t4", "API ends in 13 days", orange, "§10.3", a(fil, "2026-11-01", api, "2026-12-20")},
		{"plan_t4", "API ended", orange, "§10.3", a(fil, "2026-11-01", api, "2026-12-01")},
		{"plan_t4", "job at risk", orange, "§10.3 (income at risk)", a(fil, "2026-11-01", api, "2027-03-01", risk, "yes")},
		{"plan_t4", "API end not known", orange, "§10.3 (conservative)", a(fil, "2026-11-01", api, unk)},
		{"plan_t4", "refusal's court deadline in 4 days", red, "§10.3", a(fil, "2026-06-10", api, "2027-03-01")},
		{"plan_t5", "filed a month ago", green, "§10.3", a(fil, "2026-11-01")},
		{"plan_t5", "short-silence title, 60 days in 7 days", orange, "§9.4, §10.3", a(fil, "2026-10-15", ttl, "short")},
		{"plan_t5", "refusal's court deadline in 4 days", red, "§10.3", a(fil, "2026-06-10")},
		{"plan_t5", "filing date not known", orange, "§10.3 (conservative)", a(fil, unk)},
		{"plan_t6", "documents due in 7 days", red, "§8 T-URGENT, §10.3", a(iss, "requested", due, "2026-12-14")},
		{"plan_t6", "documents due in 8 days", orange, "§10.3", a(iss, "requested", due, "2026-12-15")},
		{"plan_t6", "documents due date passed", red, "§2.2 F (closure at any time)", a(iss, "requested", due, "2026-12-01")},
		{"plan_t6", "documents due in 2 months", green, "§10.3", a(iss, "requested", due, "2027-02-20")},
		{"plan_t6", "due date not known", orange, "§10.3 (conservative)", a(iss, "requested", due, unk)},
		{"plan_t6", "renewal file closed, card valid", orange, "§8 T6 (a human)", a(iss, "closed", proc, "renewal", exp, "2027-06-01")},
		{"plan_t6", "renewal file closed, card expired", red, "§10.3", a(iss, "closed", proc, "renewal", exp, "2026-12-01")},
		{"plan_t6", "first-request file closed", green, "§10.3", a(iss, "closed", proc, "first")},
		{"plan_t7", "ADF printed end in 6 months", green, "§10.3", a(adfd, "yes", adf, "2027-06-01", risk, "no")},
		{"plan_t7", "ADF printed end in 13 days", orange, "§10.3", a(adfd, "yes", adf, "2026-12-20", risk, "no")},
		{"plan_t7", "ADF printed end passed", orange, "§10.3", a(adfd, "yes", adf, "2026-12-01", risk, "no")},
		{"plan_t7", "no date printed on the ADF", orange, "§9.3", a(adfd, "no", risk, "no")},
		{"plan_t7", "employer refuses the ADF", orange, "§10.3 (income at risk)", a(adfd, "yes", adf, "2027-06-01", risk, "yes")},
		{"plan_t8", "before the window", green, "§10.3, §10.4", a(exp, "2027-06-01", onA, "yes")},
		{"plan_t8", "in the window, day 60 in 7 days", red, "§10.3", a(exp, "2027-02-12", onA, "yes")},
		{"plan_t8", "in the window, day 60 in 31 days", green, "§10.3", a(exp, "2027-03-08", onA, "yes")},
		{"plan_t8", "paper title, in its 2 months", green, "§3.1, §10.3", a(exp, "2027-01-20", onA, "no")},
		{"plan_t8", "window missed, card valid", orange, "§10.4", a(exp, "2027-01-20", onA, "yes")},
		{"plan_t8", "card expired", red, "§10.3", a(exp, "2026-12-01", onA, "yes")},
		{"plan_t8", "card expired, L433-3 card (4-year)", orange, "§10.4, §3.2", a(exp, "2026-12-01", onA, "yes", card, "pluri4")},
		{"plan_t8", "expiry not known", red, "§10.3 (conservative)", a(exp, unk)},
		{"plan_t9", "attestation refused, income at risk", orange, "§10.3", a(risk, "yes")},
		{"plan_t9", "attestation refused", green, "§10.3", a(risk, "no")},
		{"plan_t10", "naturalisation refused", red, "§10.3 (a decision)", a(iss, "refused")},
		{"plan_t10", "naturalisation stuck", green, "§10.3", a(iss, "stuck")},
		{"plan_t11", "travel", green, "§10.3", nil},
		{"plan_lost", "lost or stolen document", green, "§10.3", nil},
		{"plan_general", "something else", green, "§10.3", nil},
	}...)
	rows = append(rows, renewalRows("plan_general")[7]) // renewal, card expired
	return rows
}

// Every plan's urgency is the one the table in docs/diagnosis.md gives
// (anef.md §10.3); every plan has rows there, and red is not the common
// case.
func TestUrgencyFollowsTheTable(t *testing.T) {
	rows := urgencyCases()
	covered := map[string]bool{}
	reds := 0
	for _, r := range rows {
		covered[r.plan] = true
		if r.level == red {
			reds++
		}
		t.Run(r.plan+"/"+r.when, func(t *testing.T) {
			if got := flows.Urgency(r.plan, flows.Facts{Answers: r.answers, Today: urgencyToday}); got != r.level {
				t.Errorf("%s, %s: %s, want %s (%s)", r.plan, r.when, got, r.level, r.source)
			}
		})
	}
	g, err := flows.Diagnosis()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range g.Steps() {
		if st.Kind == flows.Plan && !covered[st.ID] {
			t.Errorf("%s has no row in the urgency table", st.ID)
		}
	}
	if reds*2 > len(rows) {
		t.Errorf("%d of %d rows are red: a red banner shown to most people means nothing (§10.3)", reds, len(rows))
	}
	if got := flows.Urgency("no_such_plan", flows.Facts{Today: urgencyToday}); got != green {
		t.Errorf("an unknown plan is %s", got)
	}
	checkGenerated(t, "../docs/diagnosis.md", "urgency", urgencyTable(rows))
}

func urgencyTable(rows []urgencyCase) string {
	icon := map[string]string{red: "🔴 urgent", orange: "🟠 soon", green: "🟢 normal"}
	var b strings.Builder
	fmt.Fprintf(&b, "Computed for %s; each row is a case of `TestUrgencyFollowsTheTable`.\n\n", urgencyToday.Format("Monday 2 January 2006"))
	b.WriteString("| plan | situation | level | anef.md |\n|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.plan, r.when, icon[r.level], r.source)
	}
	return b.String()
}

// checkGenerated compares the section of doc between the markers named
// name with want, and rewrites it with -update.
func checkGenerated(t *testing.T, doc, name, want string) {
	t.Helper()
	begin := "<!-- BEGIN GENERATED " + name + ": go test ./flows/ -update -->"
	end := "<!-- END GENERATED " + name + " -->"
	text, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(text), begin)
	got, after, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the markers of the generated %s section", doc, name)
	}
	if strings.TrimPrefix(got, "\n") == want {
		return
	}
	if !*update {
		t.Fatalf("%s: the %s section is out of date: run go test ./flows/ -update and review the diff", doc, name)
	}
	if err := os.WriteFile(doc, []byte(before+begin+"\n"+want+end+after), 0o644); err != nil {
		t.Fatal(err)
	}
}
