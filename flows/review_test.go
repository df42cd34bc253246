package flows_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

const (
	reviewDoc   = "../docs/diagnosis.md"
	reviewBegin = "<!-- BEGIN GENERATED: go test ./flows/ -run TestReviewDocument -update -->"
	reviewEnd   = "<!-- END GENERATED -->"
)

// docs/diagnosis.md shows the graph as it is: the Mermaid diagram that
// `anefbot flows` prints, and the tables branch -> questions -> plans ->
// anef.md sections, so that a lawyer or an association can review the
// tree without reading Go. The generated part is rewritten with -update.
func TestReviewDocument(t *testing.T) {
	g, err := flows.Diagnosis()
	if err != nil {
		t.Fatal(err)
	}
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	want := reviewSection(t, g, c)
	doc, err := os.ReadFile(reviewDoc)
	if err != nil {
		t.Fatal(err)
	}
	before, rest, ok1 := strings.Cut(string(doc), reviewBegin)
	_, after, ok2 := strings.Cut(rest, reviewEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the generated-section markers", reviewDoc)
	}
	got := strings.TrimPrefix(rest[:len(rest)-len(after)-len(reviewEnd)], "\n")
	if got == want {
		return
	}
	if !*update {
		t.Fatalf("%s is out of date with the graph: run go test ./flows/ -run TestReviewDocument -update", reviewDoc)
	}
	out := before + reviewBegin + "\n" + want + reviewEnd + after
	if err := os.WriteFile(reviewDoc, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

func reviewSection(t *testing.T, g *flows.Graph, c *locales.Catalog) string {
	t.Helper()
	mermaid, err := g.Mermaid()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### Graph (version %d)\n\n```mermaid\n%s\n```\n\n", g.Version, strings.TrimSpace(mermaid))
	b.WriteString("### Branch → questions → plans → sources\n\n")
	b.WriteString("| Branch (button, in French) | Questions | Plans | anef.md |\n|---|---|---|---|\n")
	start := g.Step(g.Start)
	for _, o := range start.Options {
		steps, plans, sources := branchOf(g, o.Next)
		fmt.Fprintf(&b, "| `%s` %s | %s | %s | %s |\n", o.ID, fr(c, o.Label), codes(steps), codes(plans), strings.Join(sources, ", "))
	}
	b.WriteString("\n### Questions\n\n| Step | Question (French) | Answers | anef.md |\n|---|---|---|---|\n")
	for _, st := range g.Steps() {
		if st.Kind == flows.Plan {
			continue
		}
		var answers []string
		for _, o := range st.Options {
			answers = append(answers, fmt.Sprintf("`%s` %s", o.ID, fr(c, o.Label)))
		}
		if st.Kind == flows.AskDate {
			answers = append(answers, fmt.Sprintf("a date, stored as `%s`", st.Save))
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", st.ID, fr(c, st.Prompt), strings.Join(answers, "<br>"), strings.Join(st.Sources, ", "))
	}
	return b.String()
}

// branchOf collects the questions and plans reachable from a step without
// going back through the triage, and the sections they cite.
func branchOf(g *flows.Graph, from string) (steps, plans, sources []string) {
	seen := map[string]bool{from: true}
	cited := map[string]bool{}
	queue := []string{from}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		st := g.Step(id)
		for _, s := range st.Sources {
			cited[s] = true
		}
		if st.Kind == flows.Plan {
			plans = append(plans, id)
			continue
		}
		steps = append(steps, id)
		for _, next := range g.Targets(id) {
			if !seen[next] && next != g.Start {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	for s := range cited {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	sort.Strings(plans)
	return steps, plans, sources
}

func fr(c *locales.Catalog, id string) string {
	s, err := c.Text(locales.Reference, id, map[string]any{"Example": "jj/mm/aaaa"})
	if err != nil {
		return id
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", "/"), "\n", " ")
}

func codes(ids []string) string {
	var out []string
	for _, id := range ids {
		out = append(out, "`"+id+"`")
	}
	return strings.Join(out, " ")
}
