package flows

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/looplab/fsm"
)

// StepKind says what a step asks for.
type StepKind int

const (
	// Ask shows a question with buttons (Options).
	Ask StepKind = iota
	// AskDate asks for a date typed freely, read back for confirmation.
	AskDate
	// Plan is a terminal step: the action plan.
	Plan
)

// Step is one node of a flow, declared as data.
type Step struct {
	ID     string
	Kind   StepKind
	Prompt string // message ID of the question (Ask, AskDate)
	// Options are the buttons of an Ask step, in display order.
	Options []Option
	// Save is the answer key an AskDate step stores its date under, or an
	// Ask step its option's Value under.
	Save string
	// Next is where an AskDate step goes once the date is confirmed.
	Next string
	// Route, when set, picks the next step from the answers (after an
	// option without Next, or a confirmed date). It must return one of
	// Targets: the graph is checked against them when it is built.
	Route   func(a Facts) string
	Targets []string
	// Check validates a typed date for this step; it returns a message ID
	// explaining the problem, or "" when the date is acceptable.
	Check func(d time.Time, a Facts) string
	// Build writes the action plan of a Plan step.
	Build func(a Facts) []Part
	// Sources lists the sections of anef.md the step relies on, for the
	// review table in docs/diagnosis.md.
	Sources []string
}

// Option is one button of an Ask step.
type Option struct {
	ID    string // stable, short: carried in button data
	Label string // message ID
	Value string // stored under Step.Save when chosen (defaults to ID)
	Next  string // next step; empty means Step.Route decides
}

// Facts is what routing and plan functions may read: the answers and today.
type Facts struct {
	Answers map[string]string
	Today   time.Time // midnight UTC of the current Paris civil date
}

// Date returns the date answer stored under key.
func (f Facts) Date(key string) (time.Time, bool) {
	return Session{Answers: f.Answers}.Date(key)
}

// Unknown reports whether the person answered "I don't know" to the date
// question stored under key.
func (f Facts) Unknown(key string) bool { return f.Answers[key] == Unknown }

// Graph is a compiled flow: its steps by ID, its looplab/fsm transition
// table, and the migrations from older versions.
type Graph struct {
	Version int
	Start   string
	steps   map[string]*Step
	order   []string
	events  []fsm.EventDesc // forward: answers, dates, routes
	machine []fsm.EventDesc // every event of the machine (see navigation)
	pool    sync.Pool
	// migrate maps a step ID of an older version to its replacement.
	migrate map[string]string
}

// Errors returned by NewGraph.
var (
	ErrUnknownStep = errors.New("unknown step")
	ErrBadStep     = errors.New("malformed step")
)

// NewGraph checks a flow declared as data and compiles it. It refuses a
// graph with an edge to a missing step, a step without a way out (other
// than a plan), duplicate IDs or option IDs, or an unreachable step.
func NewGraph(version int, start string, steps []Step, migrate map[string]string) (*Graph, error) {
	g := &Graph{Version: version, Start: start, steps: make(map[string]*Step, len(steps)), migrate: migrate}
	for i := range steps {
		st := &steps[i]
		if _, dup := g.steps[st.ID]; dup || st.ID == "" {
			return nil, fmt.Errorf("%w: duplicate or empty id %q", ErrBadStep, st.ID)
		}
		g.steps[st.ID] = st
		g.order = append(g.order, st.ID)
	}
	if _, ok := g.steps[start]; !ok {
		return nil, fmt.Errorf("%w: start %q", ErrUnknownStep, start)
	}
	for _, id := range g.order {
		evs, err := g.edges(g.steps[id])
		if err != nil {
			return nil, err
		}
		g.events = append(g.events, evs...)
	}
	for from, to := range migrate {
		if _, ok := g.steps[to]; !ok {
			return nil, fmt.Errorf("%w: migration %q -> %q", ErrUnknownStep, from, to)
		}
	}
	if err := g.checkReachable(); err != nil {
		return nil, err
	}
	g.machine = append(append([]fsm.EventDesc(nil), g.events...), g.navigation()...)
	g.pool.New = func() any { return fsm.NewFSM(start, g.machine, callbacks) }
	return g, nil
}

// Events the engine fires besides the answers: every transition of the
// conversation is an event of the machine (docs/architecture.md).
const (
	evRestart  = "restart"  // any step -> the start, answers erased
	evLanguage = "language" // any step -> itself, the language changed
	evUpgrade  = "upgrade"  // a step of an older version -> its replacement
	evBack     = "back:"    // "back:<step>": a step -> the step before it
)

// navigation declares the events every step has: restart to the start,
// a language change that stays, back along each forward edge, and the
// declared migrations from older versions.
func (g *Graph) navigation() []fsm.EventDesc {
	out := []fsm.EventDesc{{Name: evRestart, Src: g.order, Dst: g.Start}}
	for _, id := range g.order {
		out = append(out, fsm.EventDesc{Name: evLanguage, Src: []string{id}, Dst: id})
	}
	seen := map[[2]string]bool{}
	for _, e := range g.events {
		for _, src := range e.Src {
			if e.Dst == g.Start || seen[[2]string{e.Dst, src}] {
				continue
			}
			seen[[2]string{e.Dst, src}] = true
			out = append(out, fsm.EventDesc{Name: evBack + src, Src: []string{e.Dst}, Dst: src})
		}
	}
	for from, to := range g.migrate {
		out = append(out, fsm.EventDesc{Name: evUpgrade, Src: []string{from}, Dst: to})
	}
	return out
}

// callbacks is the machine's one callback: after every event it hands the
// transition to the turn that fired it, which keeps the session's history,
// answers and sequence number in step (engine.go, moved).
var callbacks = fsm.Callbacks{
	"after_event": func(_ context.Context, e *fsm.Event) {
		if t, ok := e.Args[0].(*turn); ok {
			t.moved(e.Event, e.Src, e.Dst)
		}
	},
}

// edges declares the forward fsm events leaving st: one per option with a
// fixed destination, one "go:<target>" per routed target. A plan has none:
// restart, back and language are declared for every step by navigation.
func (g *Graph) edges(st *Step) ([]fsm.EventDesc, error) {
	var evs []fsm.EventDesc
	add := func(name, dst string) error {
		if _, ok := g.steps[dst]; !ok {
			return fmt.Errorf("%w: %s -> %q", ErrUnknownStep, st.ID, dst)
		}
		evs = append(evs, fsm.EventDesc{Name: name, Src: []string{st.ID}, Dst: dst})
		return nil
	}
	routed := false
	seen := map[string]bool{}
	for _, o := range st.Options {
		if o.ID == "" || o.ID[0] == '@' || seen[o.ID] || len(o.ID) > 40 {
			return nil, fmt.Errorf("%w: %s option %q", ErrBadStep, st.ID, o.ID)
		}
		seen[o.ID] = true
		if o.Next == "" {
			routed = true
			continue
		}
		if err := add(o.ID, o.Next); err != nil {
			return nil, err
		}
	}
	switch st.Kind {
	case Ask:
		if len(st.Options) == 0 {
			return nil, fmt.Errorf("%w: %s has no options", ErrBadStep, st.ID)
		}
	case AskDate:
		if st.Save == "" || (st.Next == "" && st.Route == nil) {
			return nil, fmt.Errorf("%w: %s needs Save and Next or Route", ErrBadStep, st.ID)
		}
		if st.Next != "" {
			if err := add("date", st.Next); err != nil {
				return nil, err
			}
		} else {
			routed = true
		}
	case Plan:
		if st.Build == nil {
			return nil, fmt.Errorf("%w: plan %s has no Build", ErrBadStep, st.ID)
		}
		return nil, nil
	}
	if routed != (st.Route != nil) || (st.Route != nil && len(st.Targets) == 0) {
		return nil, fmt.Errorf("%w: %s: Route and Targets must go together with options without Next", ErrBadStep, st.ID)
	}
	for _, t := range st.Targets {
		if err := add(routeEvent(t), t); err != nil {
			return nil, err
		}
	}
	return evs, nil
}

func routeEvent(target string) string { return "go:" + target }

func (g *Graph) checkReachable() error {
	seen := map[string]bool{g.Start: true}
	queue := []string{g.Start}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, e := range g.events {
			if e.Src[0] == cur && !seen[e.Dst] {
				seen[e.Dst] = true
				queue = append(queue, e.Dst)
			}
		}
	}
	for _, id := range g.order {
		if !seen[id] {
			return fmt.Errorf("%w: %s is unreachable", ErrBadStep, id)
		}
	}
	return nil
}

// Step returns the step with that ID, or nil.
func (g *Graph) Step(id string) *Step { return g.steps[id] }

// Steps returns the steps in declaration order.
func (g *Graph) Steps() []*Step {
	out := make([]*Step, len(g.order))
	for i, id := range g.order {
		out[i] = g.steps[id]
	}
	return out
}

// Targets returns the distinct destinations out of a step, sorted.
func (g *Graph) Targets(id string) []string {
	set := map[string]bool{}
	for _, e := range g.events {
		if e.Src[0] == id {
			set[e.Dst] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// fire runs one event from the turn's current step through looplab/fsm;
// the machine's callback moves the session (turn.moved). FSMs are pooled:
// building one per step would cost hundreds of allocations.
func (g *Graph) fire(t *turn, event string) error {
	f := g.pool.Get().(*fsm.FSM)
	defer g.pool.Put(f)
	f.SetState(t.s.State)
	err := f.Event(context.Background(), event, t)
	var noTransition fsm.NoTransitionError
	if err != nil && !errors.As(err, &noTransition) {
		return fmt.Errorf("step %s: event %s: %w", t.s.State, event, err)
	}
	return nil
}

// Mermaid renders the graph as a Mermaid state diagram.
func (g *Graph) Mermaid() (string, error) {
	return fsm.VisualizeWithType(fsm.NewFSM(g.Start, g.machine, nil), fsm.MermaidStateDiagram)
}
