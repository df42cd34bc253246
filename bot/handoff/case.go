package handoff

import (
	"crypto/rand"
	"time"

	"github.com/anefbot/anefbot/flows"
)

// Case is one person's request for a human: what a volunteer needs to
// start without making them repeat anything (anef.md §8 "Handoff
// package"). It holds no name and no free chat, only the answers given
// to the diagnosis and the details the person chose to add.
type Case struct {
	Ref     string `json:"r"`
	Chat    int64  `json:"c"`
	Lang    string `json:"l"`
	Urgent  bool   `json:"u,omitempty"`
	Plan    string `json:"p,omitempty"`
	Created int64  `json:"t"` // Unix milliseconds
	// Summary are the facts of the handoff package, raw (dates as
	// YYYY-MM-DD); rendering is the reader's business.
	Summary Summary `json:"s"`
	// Transcript is the diagnosis as asked: each question and the answer
	// given, as message IDs, in order.
	Transcript []Answer `json:"a,omitempty"`
	// Details are what the person added while waiting.
	Details []string `json:"d,omitempty"`
	// Notes are what volunteers wrote when they handed the case back.
	Notes []string `json:"n,omitempty"`
	// Taken is when a volunteer first took the case (Unix ms), 0 before.
	Taken int64 `json:"k,omitempty"`
}

// Summary is the handoff package of anef.md §8: language, département,
// procedure and title, dates, attestations held, urgency flags and the
// earliest running deadline. Empty fields are unknown and not shown.
type Summary struct {
	Situation    string `json:"sit,omitempty"`
	Departement  string `json:"dep,omitempty"`
	Procedure    string `json:"proc,omitempty"`
	Title        string `json:"ttl,omitempty"`
	Expiry       string `json:"exp,omitempty"`
	Filed        string `json:"fil,omitempty"`
	APIEnd       string `json:"api,omitempty"`
	ADFEnd       string `json:"adf,omitempty"`
	Decision     string `json:"dec,omitempty"`
	DecisionKind string `json:"deck,omitempty"`
	DocsPending  string `json:"docs,omitempty"`
	AtRisk       string `json:"risk,omitempty"`
	// Labels maps an answer key to the message ID of the option chosen,
	// so coded answers (procedure, title, decision) read as the person
	// saw them.
	Labels map[string]string `json:"lb,omitempty"`
	// Deadline is the earliest deadline still running (YYYY-MM-DD) and
	// DeadlineID the message ID naming it.
	Deadline   string `json:"dl,omitempty"`
	DeadlineID string `json:"dli,omitempty"`
	// Letter is the letter the person said they sent (bot/letters "I
	// sent it"), on LetterSent, with its registered-mail number and the
	// day to follow it up (anef.md §8 "Handoff package": LRAR date).
	Letter       string `json:"ltr,omitempty"`
	LetterSent   string `json:"ltrs,omitempty"`
	LetterRR     string `json:"ltrr,omitempty"`
	LetterFollow string `json:"ltrf,omitempty"`
}

// Answer is one line of the transcript: a question and the answer, both
// message IDs, or a date for a date question.
type Answer struct {
	Prompt string `json:"q"`
	Label  string `json:"l,omitempty"`
	Date   string `json:"d,omitempty"`
}

const isoDate = "2006-01-02"

// urgentDays: a deadline this close makes a case urgent (anef.md §8
// T-URGENT: "deadline ≤ 7 days").
const urgentDays = 7

// NewCase builds a case from a person's saved session, the plan they were
// shown (may be empty) and the flow graph the session was made with.
// today is the Paris civil date, now the current instant.
func NewCase(ref string, chat int64, s flows.Session, plan string, g *flows.Graph, now time.Time) Case {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	sum := summarize(s.Answers, today)
	sum.Labels = labels(s.Answers, g, flows.KeyProcedure, flows.KeyTitle, flows.KeyDecisionKind)
	c := Case{
		Ref: ref, Chat: chat, Lang: s.Lang, Plan: plan, Created: now.UnixMilli(),
		Summary:    sum,
		Transcript: transcript(s, g),
	}
	c.Urgent = urgent(sum, plan, today) ||
		flows.Urgency(plan, flows.Facts{Answers: s.Answers, Today: today}) == flows.Urgent
	return c
}

func summarize(a map[string]string, today time.Time) Summary {
	s := Summary{
		Situation:    a[flows.KeySituation],
		Departement:  a[flows.KeyDepartement],
		Procedure:    a[flows.KeyProcedure],
		Title:        a[flows.KeyTitle],
		Expiry:       a[flows.KeyExpiry],
		Filed:        a[flows.KeyFiled],
		APIEnd:       a[flows.KeyAPIEnd],
		ADFEnd:       a[flows.KeyADFEnd],
		Decision:     a[flows.KeyDecision],
		DecisionKind: a[flows.KeyDecisionKind],
		DocsPending:  a[flows.KeyDocs],
		AtRisk:       a[flows.KeyAtRisk],
		Letter:       a[flows.KeyLetter],
		LetterSent:   a[flows.KeyLetterSent],
		LetterRR:     a[flows.KeyLetterRR],
		LetterFollow: a[flows.KeyLetterFollow],
	}
	if d, id, ok := earliestDeadline(a, today); ok {
		s.Deadline, s.DeadlineID = d.Format(isoDate), id
	}
	return s
}

// urgent: the plan or the triage said so, a job or benefits are at risk
// (anef.md §8.0 q6, §8 T3 handoff), or a deadline is a week away or less
// (anef.md §8 T-URGENT).
func urgent(s Summary, plan string, today time.Time) bool {
	if s.Situation == flows.Urgent || plan == "plan_urgent" || s.AtRisk == "yes" {
		return true
	}
	if s.Deadline == "" {
		return false
	}
	d, err := time.Parse(isoDate, s.Deadline)
	return err == nil && flows.DaysUntil(today, d) <= urgentDays
}

// earliestDeadline returns the first date still ahead among the person's
// running deadlines, and the message ID that names it. Each rule cites
// anef.md; the volunteer sees it as computed by the bot, to check.
func earliestDeadline(a map[string]string, today time.Time) (time.Time, string, bool) {
	var best time.Time
	var bestID string
	consider := func(d time.Time, id string) {
		if d.Before(today) {
			return
		}
		if bestID == "" || d.Before(best) {
			best, bestID = d, id
		}
	}
	date := func(key string) (time.Time, bool) {
		return flows.Session{Answers: a}.Date(key)
	}
	if d, ok := date(flows.KeyExpiry); ok {
		consider(d, "handoff_dl_expiry") // anef.md §8.0 q4
	}
	if d, ok := date(flows.KeyAPIEnd); ok {
		consider(d, "handoff_dl_api") // anef.md §3.2, §9.3
	}
	if d, ok := date(flows.KeyADFEnd); ok {
		consider(d, "handoff_dl_adf") // anef.md §9.3: the date printed on it
	}
	if d, ok := date(flows.KeyFiled); ok {
		consider(flows.ImplicitRefusal(d), "handoff_dl_refusal") // anef.md §3.4, §9.4
	}
	if d, ok := date(flows.KeyDecision); ok {
		// anef.md §3.4, §3.7: 2 months, 1 month, 7 days or 48 hours by
		// kind of decision; an unknown kind gives no date.
		if end, ok := flows.CourtDeadline(d, a[flows.KeyDecisionKind]); ok {
			consider(end, "handoff_dl_recourse")
		}
	}
	return best, bestID, bestID != ""
}

// labels finds, for each key, the option the person chose in the graph.
func labels(a map[string]string, g *flows.Graph, keys ...string) map[string]string {
	if g == nil {
		return nil
	}
	out := map[string]string{}
	for _, k := range keys {
		v, ok := a[k]
		if !ok {
			continue
		}
		for _, st := range g.Steps() {
			if st.Save != k {
				continue
			}
			if ans := answerOf(st, v); ans.Label != "" {
				out[k] = ans.Label
			}
		}
	}
	return out
}

// transcript lists the questions the person answered, in the order they
// were asked, with the answer given.
func transcript(s flows.Session, g *flows.Graph) []Answer {
	if g == nil {
		return nil
	}
	var out []Answer
	for _, id := range append(append([]string(nil), s.History...), s.State) {
		st := g.Step(id)
		if st == nil || st.Save == "" {
			continue
		}
		v, ok := s.Answers[st.Save]
		if !ok {
			continue
		}
		out = append(out, answerOf(st, v))
	}
	return out
}

func answerOf(st *flows.Step, v string) Answer {
	if st.Kind == flows.AskDate {
		return Answer{Prompt: st.Prompt, Date: v}
	}
	for _, o := range st.Options {
		if o.Value == v || (o.Value == "" && o.ID == v) {
			return Answer{Prompt: st.Prompt, Label: o.Label}
		}
	}
	return Answer{Prompt: st.Prompt}
}

// refAlphabet has no letters that read like digits (no I, O, 0, 1).
const refAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewRef returns a short reference a person can read out on the phone,
// like "H-7KQ3M".
func NewRef() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	out := []byte("H-")
	for _, x := range b {
		out = append(out, refAlphabet[int(x)%len(refAlphabet)])
	}
	return string(out)
}
