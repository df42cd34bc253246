package flows

import (
	"strings"
	"testing"
	"time"
)

// A small graph of every step kind, independent of the diagnosis content,
// so the engine's behaviour is tested on its own.
func testGraph(t testing.TB, version int, migrate map[string]string) *Graph {
	t.Helper()
	g, err := NewGraph(version, "menu", []Step{
		{ID: "menu", Kind: Ask, Prompt: "q_menu", Save: "sit", Options: []Option{
			{ID: "dated", Label: "o_dated", Next: "when"},
			{ID: "plain", Label: "o_plain", Next: "done"},
		}},
		{ID: "when", Kind: AskDate, Prompt: "q_when", Save: "d", Route: func(f Facts) string {
			if d, _ := f.Date("d"); d.Before(f.Today) {
				return "past"
			}
			return "done"
		}, Targets: []string{"past", "done"}},
		{ID: "past", Kind: Plan, Build: func(f Facts) []Part { return []Part{part("p_past", nil)} }},
		{ID: "done", Kind: Plan, Build: func(f Facts) []Part { return []Part{part("p_done", nil)} }},
	}, migrate)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var testNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func testEngine(t testing.TB, g *Graph) *Engine {
	return NewEngine(g, Options{
		Languages:     []Language{{Code: "fr", Name: "Français"}, {Code: "en", Name: "English", Reviewed: true}, {Code: "ar", Name: "العربية"}},
		RetentionDays: 90,
		Offers:        []Offer{{ID: "rem", Label: "o_rem", Show: func(plan string, f Facts) bool { return plan == "done" }}},
	})
}

// convo plays inputs one after the other, as the shell would.
type convo struct {
	t   *testing.T
	e   *Engine
	s   Session
	res Result
}

func (c *convo) do(in Input) Result {
	c.t.Helper()
	in.Now = testNow
	c.res = c.e.Step(c.s, in)
	if c.res.Changed {
		c.s = c.res.Session
	}
	return c.res
}

func (c *convo) cmd(name string) Result { return c.do(Input{Kind: Command, Data: name}) }
func (c *convo) text(s string) Result   { return c.do(Input{Kind: Text, Data: s}) }

// press presses the button labelled label (a message ID or literal text)
// in the latest replies.
func (c *convo) press(label string) Result {
	c.t.Helper()
	for _, r := range c.res.Replies {
		for _, ch := range r.Choices {
			if ch.Label == label || ch.Text == label {
				return c.do(Input{Kind: Press, Data: ch.Data})
			}
		}
	}
	c.t.Fatalf("no button %q in %+v", label, c.res.Replies)
	return Result{}
}

// ids lists the message IDs of the latest replies, paragraphs first then
// button labels, for compact assertions.
func ids(res Result) string {
	var out []string
	for _, r := range res.Replies {
		for _, p := range r.Parts {
			out = append(out, p.ID)
		}
		for _, ch := range r.Choices {
			if ch.Label != "" {
				out = append(out, "["+ch.Label+"]")
			} else {
				out = append(out, "["+ch.Text+"]")
			}
		}
	}
	return strings.Join(out, " ")
}

func newConvo(t *testing.T) *convo {
	return &convo{t: t, e: testEngine(t, testGraph(t, 1, nil))}
}

func TestStepPaths(t *testing.T) {
	tests := []struct {
		name string
		play func(c *convo) Result
		want string // message IDs of the last replies
		// state is the step the person should stand on afterwards.
		state string
	}{
		{"start greets and asks", func(c *convo) Result { return c.cmd("start") },
			"start_greeting privacy_short q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"first text greets too", func(c *convo) Result { return c.text("bonjour") },
			"start_greeting privacy_short q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"button leads to plan with offer", func(c *convo) Result { c.cmd("start"); return c.press("o_plain") },
			"p_done [o_rem] [btn_restart]", "done"},
		{"date asked, read back, confirmed, routed", func(c *convo) Result {
			c.cmd("start")
			c.press("o_dated")
			if got := ids(c.text("12 mars 2026")); got != "date_confirm [date_yes] [date_no]" {
				c.t.Fatalf("after date: %s", got)
			}
			return c.press("date_yes")
		}, "p_past [btn_restart]", "past"},
		{"date refused: retype", func(c *convo) Result {
			c.cmd("start")
			c.press("o_dated")
			c.text("01/01/2027")
			return c.press("date_no")
		}, "q_when [date_unknown_btn] [btn_back]", "when"},
		{"invalid date changes nothing", func(c *convo) Result {
			c.cmd("start")
			c.press("o_dated")
			return c.text("31/02/2026")
		}, "date_invalid", "when"},
		{"impossible year", func(c *convo) Result {
			c.cmd("start")
			c.press("o_dated")
			return c.text("01/01/1900")
		}, "date_implausible", "when"},
		{"back returns to the previous question", func(c *convo) Result {
			c.cmd("start")
			c.press("o_dated")
			return c.cmd("back")
		}, "q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"back at the start says so", func(c *convo) Result { c.cmd("start"); return c.cmd("back") },
			"back_at_start q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"back button", func(c *convo) Result { c.cmd("start"); c.press("o_dated"); return c.press("btn_back") },
			"q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"restart from a plan", func(c *convo) Result { c.cmd("start"); c.press("o_plain"); return c.cmd("restart") },
			"restarted q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"restart button", func(c *convo) Result { c.cmd("start"); c.press("o_plain"); return c.press("btn_restart") },
			"q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"text where buttons are expected", func(c *convo) Result { c.cmd("start"); return c.text("hello") },
			"use_buttons q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"unknown command", func(c *convo) Result { c.cmd("start"); return c.cmd("frobnicate") },
			"unknown_command q_menu [o_dated] [o_plain] [btn_language]", "menu"},
		{"help then the current question", func(c *convo) Result { c.cmd("start"); c.press("o_dated"); return c.cmd("help") },
			"help q_when [date_unknown_btn] [btn_back]", "when"},
		{"language list in own names", func(c *convo) Result { c.cmd("start"); return c.cmd("language") },
			"language_choose [Français] [English] [العربية]", "menu"},
		{"language change keeps the place", func(c *convo) Result {
			c.cmd("start")
			c.press("o_dated")
			c.cmd("language")
			return c.press("English")
		}, "language_set q_when [date_unknown_btn] [btn_back]", "when"},
		{"offer yields its effect", func(c *convo) Result { c.cmd("start"); c.press("o_plain"); return c.press("o_rem") },
			"", "done"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newConvo(t)
			res := tt.play(c)
			if got := ids(res); got != tt.want {
				t.Errorf("replies = %s\nwant      %s", got, tt.want)
			}
			if c.s.State != tt.state {
				t.Errorf("state = %q, want %q", c.s.State, tt.state)
			}
		})
	}
}

func TestStaleButtonIsToldAndChangesNothing(t *testing.T) {
	c := newConvo(t)
	c.cmd("start")
	old := c.res.Replies[2].Choices[0].Data // "dated" on the first question
	c.press("o_plain")
	before := c.s
	res := c.do(Input{Kind: Press, Data: old})
	if got := ids(res); got != "stale_button p_done [o_rem] [btn_restart]" {
		t.Errorf("replies = %s", got)
	}
	if res.Changed || c.s.State != before.State || c.s.Seq != before.Seq {
		t.Errorf("stale press changed the session: %+v", c.s)
	}
}

func TestForgedButtonDataChangesNothing(t *testing.T) {
	for _, data := range []string{"", "c:", "c:x:dated", "c:-1:dated", "c:0:", "c:0:nope", "c:0:@lang=xx",
		"c:0:@offer=rem", "c:0:@yes", "r:1:done", strings.Repeat("c:0:", 100)} {
		c := newConvo(t)
		c.cmd("start")
		before := c.s
		res := c.do(Input{Kind: Press, Data: data})
		if res.Changed {
			t.Errorf("data %q changed the session to %+v", data, res.Session)
		}
		if c.s.State != before.State {
			t.Errorf("data %q moved to %s", data, c.s.State)
		}
		if !strings.HasPrefix(ids(res), "stale_button") && !strings.HasPrefix(ids(res), "language_choose") {
			t.Errorf("data %q: replies %s", data, ids(res))
		}
	}
}

func TestOfferEffect(t *testing.T) {
	c := newConvo(t)
	c.cmd("start")
	c.press("o_plain")
	res := c.press("o_rem")
	if len(res.Effects) != 1 || res.Effects[0].Kind != "offer:rem" || res.Effects[0].Data["plan"] != "done" {
		t.Errorf("effects = %+v", res.Effects)
	}
	// Not offered under the other plan: the button cannot be forged there.
	c.cmd("restart")
	c.press("o_dated")
	c.text("01/01/2026")
	c.press("date_yes")
	res = c.do(Input{Kind: Press, Data: pressData(c.s.Seq, optOffer+"=rem")})
	for _, e := range res.Effects {
		if strings.HasPrefix(e.Kind, "offer:") {
			t.Errorf("offer accepted under a plan that does not show it: %+v", res.Effects)
		}
	}
}

func TestStepDoesNotChangeItsInput(t *testing.T) {
	c := newConvo(t)
	c.cmd("start")
	c.press("o_dated")
	c.text("12/03/2026")
	c.press("date_yes")
	snapshot := c.s.clone()
	c.e.Step(c.s, Input{Kind: Command, Data: "restart", Now: testNow})
	if c.s.State != snapshot.State || len(c.s.Answers) != len(snapshot.Answers) || len(c.s.History) != len(snapshot.History) {
		t.Errorf("Step changed its input: %+v, was %+v", c.s, snapshot)
	}
}

func TestFlowVersionUpgrade(t *testing.T) {
	old := testEngine(t, testGraph(t, 1, nil))
	c := &convo{t: t, e: old}
	c.cmd("start")
	c.press("o_dated")
	c.text("12/03/2026")
	c.press("date_yes")
	if c.s.State != "past" {
		t.Fatalf("state %s", c.s.State)
	}
	answers := len(c.s.Answers)

	t.Run("restart politely without a mapping", func(t *testing.T) {
		c2 := &convo{t: t, e: testEngine(t, testGraph(t, 2, nil)), s: c.s}
		res := c2.text("hello")
		if got := ids(res); got != "flow_changed q_menu [o_dated] [o_plain] [btn_language]" {
			t.Errorf("replies = %s", got)
		}
		if c2.s.Flow != 2 || c2.s.State != "menu" || len(c2.s.Answers) != 0 || c2.s.Lang != "fr" {
			t.Errorf("session = %+v", c2.s)
		}
	})
	t.Run("migrated with a mapping, answers kept", func(t *testing.T) {
		c2 := &convo{t: t, e: testEngine(t, testGraph(t, 2, map[string]string{"past": "done"})), s: c.s}
		res := c2.cmd("help")
		if got := ids(res); got != "help p_done [o_rem] [btn_restart]" {
			t.Errorf("replies = %s", got)
		}
		if c2.s.Flow != 2 || c2.s.State != "done" || len(c2.s.Answers) != answers {
			t.Errorf("session = %+v", c2.s)
		}
	})
	t.Run("a step that no longer exists", func(t *testing.T) {
		s := c.s.clone()
		s.State = "gone"
		c2 := &convo{t: t, e: old, s: s}
		res := c2.do(Input{Kind: Press, Data: "c:1:dated"})
		if !strings.HasPrefix(ids(res), "flow_changed q_menu") || c2.s.State != "menu" {
			t.Errorf("replies = %s, state %s", ids(res), c2.s.State)
		}
	})
	t.Run("restart always works", func(t *testing.T) {
		s := c.s.clone()
		s.State, s.Flow, s.History = "gone", 99, []string{"nowhere"}
		c2 := &convo{t: t, e: old, s: s}
		c2.cmd("restart")
		if c2.s.State != "menu" || c2.s.Flow != 1 || len(c2.s.History) != 0 {
			t.Errorf("session = %+v", c2.s)
		}
	})
}

// An unreviewed language says so at the greeting and whenever it is
// chosen, and its plans end with a line to check the dates, with a button
// to read the plan in the reference language (issue: honest status).
func TestUnreviewedLanguageIsSaid(t *testing.T) {
	c := newConvo(t)
	res := c.do(Input{Kind: Command, Data: "start", Lang: "ar"})
	if got := ids(res); got != "start_greeting language_unreviewed [btn_reference] privacy_short q_menu [o_dated] [o_plain] [btn_language]" {
		t.Errorf("greeting = %s", got)
	}
	if got := ids(c.press("btn_reference")); got != "language_set q_menu [o_dated] [o_plain] [btn_language]" || c.s.Lang != "fr" {
		t.Errorf("switch to the reference: %s, lang %s", got, c.s.Lang)
	}
	if got := ids(c.cmd("help")); strings.Contains(got, "language_unreviewed") {
		t.Errorf("said again in French: %s", got)
	}
	c.cmd("language")
	if got := ids(c.press("العربية")); got != "language_set language_unreviewed q_menu [o_dated] [o_plain] [btn_language]" {
		t.Errorf("choosing it with /language: %s", got)
	}
	if got := ids(c.press("o_plain")); got != "p_done plan_unreviewed [o_rem] [btn_see_reference] [btn_restart]" {
		t.Errorf("plan = %s", got)
	}
	if got := ids(c.press("btn_see_reference")); got != "language_set p_done [o_rem] [btn_restart]" || c.s.Lang != "fr" {
		t.Errorf("see the reference: %s, lang %s", got, c.s.Lang)
	}
	// A reviewed language says nothing of the kind.
	c.cmd("language")
	if got := ids(c.press("English")); strings.Contains(got, "unreviewed") {
		t.Errorf("English is reviewed here: %s", got)
	}
}

func TestLanguageFallback(t *testing.T) {
	c := newConvo(t)
	c.do(Input{Kind: Command, Data: "start", Lang: "xx"})
	if c.s.Lang != "fr" {
		t.Errorf("lang = %q, want fr", c.s.Lang)
	}
	c = newConvo(t)
	c.do(Input{Kind: Command, Data: "start", Lang: "en"})
	if c.s.Lang != "en" {
		t.Errorf("lang = %q, want en", c.s.Lang)
	}
	// A later /start keeps the chosen language.
	c.do(Input{Kind: Command, Data: "start", Lang: "fr"})
	if c.s.Lang != "en" {
		t.Errorf("lang after second /start = %q, want en", c.s.Lang)
	}
}

func TestCurrentShowsTheQuestionAgainAndChangesNothing(t *testing.T) {
	c := newConvo(t)
	c.cmd("start")
	c.press("o_dated")
	before := c.s.clone()
	if got := ids(Result{Replies: c.e.Current(c.s, testNow)}); got != "q_when [date_unknown_btn] [btn_back]" {
		t.Errorf("Current = %s", got)
	}
	if c.s.State != before.State || c.s.Seq != before.Seq {
		t.Errorf("Current changed the session")
	}
	c.press("btn_back")
	c.press("o_plain")
	if r := c.e.Current(c.s, testNow); r != nil {
		t.Errorf("a plan is not repeated: %+v", r)
	}
	if r := c.e.Current(Session{}, testNow); r != nil {
		t.Errorf("a new session has no question: %+v", r)
	}
}
