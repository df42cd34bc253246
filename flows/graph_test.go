package flows

import (
	"errors"
	"strings"
	"testing"
)

func TestNewGraphRefusesBrokenFlows(t *testing.T) {
	plan := func(f Facts) []Part { return nil }
	tests := []struct {
		name  string
		steps []Step
		want  error
	}{
		{"dangling edge", []Step{
			{ID: "a", Kind: Ask, Prompt: "q", Options: []Option{{ID: "x", Label: "l", Next: "nowhere"}}},
		}, ErrUnknownStep},
		{"unreachable step", []Step{
			{ID: "a", Kind: Ask, Prompt: "q", Options: []Option{{ID: "x", Label: "l", Next: "p"}}},
			{ID: "p", Kind: Plan, Build: plan},
			{ID: "island", Kind: Plan, Build: plan},
		}, ErrBadStep},
		{"question without options", []Step{{ID: "a", Kind: Ask, Prompt: "q"}}, ErrBadStep},
		{"plan without content", []Step{{ID: "a", Kind: Plan}}, ErrBadStep},
		{"duplicate step", []Step{
			{ID: "a", Kind: Plan, Build: plan}, {ID: "a", Kind: Plan, Build: plan},
		}, ErrBadStep},
		{"duplicate option", []Step{
			{ID: "a", Kind: Ask, Prompt: "q", Options: []Option{{ID: "x", Label: "l", Next: "p"}, {ID: "x", Label: "m", Next: "p"}}},
			{ID: "p", Kind: Plan, Build: plan},
		}, ErrBadStep},
		{"reserved option id", []Step{
			{ID: "a", Kind: Ask, Prompt: "q", Options: []Option{{ID: "@back", Label: "l", Next: "p"}}},
			{ID: "p", Kind: Plan, Build: plan},
		}, ErrBadStep},
		{"routed option without route", []Step{
			{ID: "a", Kind: Ask, Prompt: "q", Options: []Option{{ID: "x", Label: "l"}}},
		}, ErrBadStep},
		{"date step going nowhere", []Step{{ID: "a", Kind: AskDate, Prompt: "q", Save: "d"}}, ErrBadStep},
		{"route target missing", []Step{
			{ID: "a", Kind: AskDate, Prompt: "q", Save: "d", Route: func(Facts) string { return "p" }, Targets: []string{"p", "q"}},
			{ID: "p", Kind: Plan, Build: plan},
		}, ErrUnknownStep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewGraph(1, tt.steps[0].ID, tt.steps, nil); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := NewGraph(1, "a", []Step{{ID: "a", Kind: Plan, Build: plan}}, map[string]string{"old": "missing"}); !errors.Is(err, ErrUnknownStep) {
		t.Errorf("migration to a missing step: err = %v", err)
	}
}

func TestGraphMermaidShowsEveryTransition(t *testing.T) {
	g := testGraph(t, 1, nil)
	out, err := g.Mermaid()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"stateDiagram", "menu --> when: dated", "menu --> done: plain", "when --> past: go:past", "done --> menu: restart"} {
		if !strings.Contains(out, want) {
			t.Errorf("mermaid lacks %q:\n%s", want, out)
		}
	}
}
