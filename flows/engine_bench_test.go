package flows_test

// Benchmarks of one conversation step, the unit of work of every update.
// Target (docs/performance.md): under 20 µs and 30 allocations per step,
// rendering included. Run with:
//
//	go test -run '^$' -bench . -benchmem ./flows/

import (
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// benchNow is a fixed Paris time, so every iteration does the same work.
var benchNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.FixedZone("CET", 3600))

type benchEnv struct {
	engine  *flows.Engine
	catalog *locales.Catalog
}

func newBenchEnv(b *testing.B) benchEnv {
	b.Helper()
	g, err := flows.Diagnosis()
	if err != nil {
		b.Fatal(err)
	}
	c, err := locales.New()
	if err != nil {
		b.Fatal(err)
	}
	var langs []flows.Language
	for _, l := range locales.Languages {
		langs = append(langs, flows.Language{Code: l.Code, Name: l.Name})
	}
	e := flows.NewEngine(g, flows.Options{Languages: langs, RetentionDays: 90})
	return benchEnv{engine: e, catalog: c}
}

func (env benchEnv) input(kind flows.InputKind, data string) flows.Input {
	return flows.Input{Kind: kind, Data: data, Lang: "fr", Now: benchNow}
}

// press returns the data of the button whose option ends with option on
// the last reply that has buttons.
func press(b *testing.B, res flows.Result, option string) string {
	b.Helper()
	for i := len(res.Replies) - 1; i >= 0; i-- {
		for _, c := range res.Replies[i].Choices {
			if strings.HasSuffix(c.Data, ":"+option) {
				return c.Data
			}
		}
	}
	b.Fatalf("no button %q in %+v", option, res.Replies)
	return ""
}

// walk plays a path from a new session and returns the session reached.
func (env benchEnv) walk(b *testing.B, steps ...flows.Input) flows.Session {
	b.Helper()
	res := env.engine.Step(flows.Session{}, env.input(flows.Command, "start"))
	for _, in := range steps {
		if in.Kind == flows.Press {
			in.Data = press(b, res, in.Data)
		}
		res = env.engine.Step(res.Session, in)
	}
	return res.Session
}

// benchCase is one input applied again and again to the same session.
type benchCase struct {
	name string
	path []flows.Input // from /start to the step the input is made at
	in   flows.Input   // Press data is the option; the seq is filled in
}

func benchCases(env benchEnv) []benchCase {
	p := func(opt string) flows.Input { return env.input(flows.Press, opt) }
	t := func(text string) flows.Input { return env.input(flows.Text, text) }
	return []benchCase{
		// A button: the triage's choice, to the first date question.
		{name: "button", in: p("t3")},
		// Free text where buttons are expected: told to use them, the
		// question shown again.
		{name: "text", in: t("bonjour, j'ai un problème avec l'ANEF")},
		// A date typed at a date question: parsed, checked, read back.
		{name: "date", path: []flows.Input{p("t3")}, in: t("12 mars 2027")},
		// The last answer: the action plan with its computed deadlines,
		// the heaviest reply of the diagnosis.
		{name: "plan", path: []flows.Input{p("t3"), t("12/03/2027"), p("@yes"), t("02/11/2026"), p("@yes")}, in: p("no")},
	}
}

// prepare returns the session the case starts from and its input.
func (env benchEnv) prepare(b *testing.B, c benchCase) (flows.Session, flows.Input) {
	b.Helper()
	s := env.walk(b, c.path...)
	in := c.in
	if in.Kind == flows.Press {
		show := env.engine.Step(s, env.input(flows.Command, "nothing"))
		in.Data = press(b, show, in.Data)
	}
	if res := env.engine.Step(s, in); len(res.Replies) == 0 {
		b.Fatalf("%s: no reply", c.name)
	}
	return s, in
}

// BenchmarkStep is the pure engine: one input through the FSM to replies
// (message IDs and arguments), no rendering.
func BenchmarkStep(b *testing.B) {
	env := newBenchEnv(b)
	for _, c := range benchCases(env) {
		b.Run(c.name, func(b *testing.B) {
			s, in := env.prepare(b, c)
			b.ReportAllocs()
			for b.Loop() {
				env.engine.Step(s, in)
			}
		})
	}
}

// BenchmarkStepRendered is one input to the texts and keyboards sent:
// the engine step, then every reply rendered with the catalog.
func BenchmarkStepRendered(b *testing.B) {
	env := newBenchEnv(b)
	for _, c := range benchCases(env) {
		b.Run(c.name, func(b *testing.B) {
			s, in := env.prepare(b, c)
			var chars int
			b.ReportAllocs()
			for b.Loop() {
				res := env.engine.Step(s, in)
				chars = 0
				for _, r := range res.Replies {
					out, err := bot.Render(env.catalog, s.Lang, 42, r)
					if err != nil {
						b.Fatal(err)
					}
					chars += len(out.Text)
				}
			}
			b.ReportMetric(float64(chars), "text-bytes/op")
		})
	}
}
