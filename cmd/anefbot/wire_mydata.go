package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/anefbot/anefbot/bot/handoff"
	"github.com/anefbot/anefbot/bot/letters"
	"github.com/anefbot/anefbot/bot/privacy"
	"github.com/anefbot/anefbot/bot/reminders"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// /mydata (the right of access) right after /privacy and /forget: like
// them it must never be taken for a message to relay to a volunteer.
func init() {
	register(feature{name: "access", order: -49, setup: setupAccess})
}

// setupAccess adds /mydata, reading each feature's data through that
// feature's own store, and warns when the operator has not said who
// they are: /privacy then cannot name who is responsible for the data.
func setupAccess(w *wiring) error {
	if !w.terminal && !w.cfg.Operator.Identified() {
		w.log.Warn("OPERATOR_NAME and OPERATOR_CONTACT are not set: /privacy tells people the operator has not identified itself; set them (see docs/deploy-guide.md)")
	}
	ex := exporters{w: w}
	access := privacy.NewAccess(func() []privacy.Exporter {
		return []privacy.Exporter{ex.session, ex.reminders, ex.letter, ex.handoffCase}
	})
	w.bot.Middlewares = append(w.bot.Middlewares, access.Middleware)
	w.engine.Help = append(w.engine.Help, "help_mydata")
	w.commands = append(w.commands, command{"mydata", "privacy_cmd_mydata"})
	return nil
}

// exporters read what each feature holds about a chat.
type exporters struct{ w *wiring }

var diagnosisGraph = sync.OnceValues(flows.Diagnosis)

// session exports the conversation: its language and each question with
// the answer given, as the person saw them.
func (e exporters) session(ctx context.Context, chat int64) ([]privacy.Holding, error) {
	s, err := sessionStore(e.w).Load(ctx, chat)
	if err != nil || s.IsNew() {
		return nil, err
	}
	g, err := diagnosisGraph()
	if err != nil {
		return nil, err
	}
	h := privacy.Holding{Title: "mydata_answers", Items: []privacy.Item{{ID: "mydata_language", Text: s.Lang}}}
	for _, a := range handoff.NewCase("", chat, s, "", g, e.w.bot.Clock()).Transcript {
		h.Items = append(h.Items, privacy.Item{ID: a.Prompt, ValueID: a.Label, Text: readableDate(a.Date)})
	}
	return []privacy.Holding{h}, nil
}

// reminders exports the dates the person asked to be reminded of.
func (e exporters) reminders(ctx context.Context, chat int64) ([]privacy.Holding, error) {
	c, err := reminders.NewStore(e.w.rdb, e.w.cfg.RedisPrefix).Load(ctx, chat)
	if err != nil {
		return nil, err
	}
	items := make([]reminders.Item, 0, len(c.Pending)+len(c.Sent))
	items = append(items, c.Pending...)
	for _, it := range c.Sent {
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, nil
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Due.Before(items[j].Due) })
	h := privacy.Holding{Title: "mydata_reminders"}
	for _, it := range items {
		h.Items = append(h.Items, privacy.Item{ID: "mydata_reminder", Args: flows.Args{
			"Date": locales.FormatDate(it.Due), "Deadline": locales.FormatDate(it.Deadline),
		}, Text: "(" + it.Kind + ")"})
	}
	return []privacy.Holding{h}, nil
}

// letter exports a letter in preparation: what the person typed for it.
func (e exporters) letter(ctx context.Context, chat int64) ([]privacy.Holding, error) {
	d, ok, err := letters.NewStore(e.w.rdb, e.w.cfg.RedisPrefix, letters.DefaultDraftTTL, e.w.keys).Load(ctx, chat)
	if err != nil || !ok {
		return nil, err
	}
	h := privacy.Holding{Title: "mydata_letter", Items: []privacy.Item{{Text: d.Letter}}}
	h.Items = append(h.Items, fields(d.Values)...)
	return []privacy.Holding{h}, nil
}

// handoffCase exports the person's open request for a volunteer: the
// summary a volunteer sees and the details the person added.
func (e exporters) handoffCase(ctx context.Context, chat int64) ([]privacy.Holding, error) {
	store := handoff.NewStore(e.w.rdb, e.w.cfg.RedisPrefix)
	if e.w.keys.Enabled() {
		store.Sealer = e.w.keys
	}
	r, err := store.RouteOf(ctx, chat)
	if err != nil || r.Own == "" {
		return nil, err
	}
	c, err := store.Get(ctx, r.Own)
	if errors.Is(err, handoff.ErrNoCase) {
		return nil, nil // closed since the route was read
	}
	if err != nil {
		return nil, fmt.Errorf("case: %w", err)
	}
	h := privacy.Holding{Title: "mydata_case", Items: []privacy.Item{{Text: c.Ref}}}
	h.Items = append(h.Items, fields(summaryFields(c.Summary))...)
	for _, d := range c.Details {
		h.Items = append(h.Items, privacy.Item{ID: "mydata_detail", Text: d})
	}
	return []privacy.Holding{h}, nil
}

// summaryFields lists the non-empty facts of a case summary by name.
func summaryFields(s handoff.Summary) map[string]string {
	return map[string]string{
		"situation": s.Situation, "departement": s.Departement, "procedure": s.Procedure,
		"title": s.Title, "expiry": s.Expiry, "filed": s.Filed, "api_end": s.APIEnd,
		"adf_end": s.ADFEnd, "decision": s.Decision, "decision_kind": s.DecisionKind,
		"documents_pending": s.DocsPending, "at_risk": s.AtRisk, "deadline": s.Deadline,
	}
}

// fields turns named values into lines, sorted by name, skipping empty ones.
func fields(m map[string]string) []privacy.Item {
	names := make([]string, 0, len(m))
	for k, v := range m {
		if strings.TrimSpace(v) != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	items := make([]privacy.Item, len(names))
	for i, k := range names {
		items[i] = privacy.Item{Text: k + ": " + m[k]}
	}
	return items
}

// readableDate writes a stored date (YYYY-MM-DD) as the bot shows dates;
// anything else is left as it is.
func readableDate(s string) string {
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return locales.FormatDate(d)
	}
	return s
}
