// Package bottest has helpers for tests of code built on package bot.
package bottest

import (
	"context"
	"sync"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// Recorder is a bot.Sender that keeps every message it is given, in
// order, and acknowledges presses without doing anything. Safe for
// concurrent use; the zero value is ready.
type Recorder struct {
	mu  sync.Mutex
	all []bot.Out
}

// Send implements bot.Sender.
func (r *Recorder) Send(_ context.Context, m bot.Out) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, m)
	return nil
}

// Ack implements bot.Sender.
func (r *Recorder) Ack(context.Context, string) error { return nil }

// All returns every message kept, in order.
func (r *Recorder) All() []bot.Out {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Out(nil), r.all...)
}

// Texts returns the texts of every message kept, in order.
func (r *Recorder) Texts() []string {
	var out []string
	for _, m := range r.All() {
		out = append(out, m.Text)
	}
	return out
}

// Last returns the latest message kept; the zero Out when there is none.
func (r *Recorder) Last() bot.Out {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.all) == 0 {
		return bot.Out{}
	}
	return r.all[len(r.all)-1]
}

// Take returns and forgets the messages kept for chat; 0 takes them all.
func (r *Recorder) Take(chat int64) []bot.Out {
	r.mu.Lock()
	defer r.mu.Unlock()
	var got, kept []bot.Out
	for _, m := range r.all {
		if chat == 0 || m.ChatID == chat {
			got = append(got, m)
		} else {
			kept = append(kept, m)
		}
	}
	r.all = kept
	return got
}

// Parts loads what every bot under test is built of: the message catalog
// and the diagnosis graph, with the engine's list of languages. A failure
// to load fails tb.
func Parts(tb testing.TB) (*locales.Catalog, *flows.Graph, []flows.Language) {
	tb.Helper()
	cat, err := locales.New()
	if err != nil {
		tb.Fatal(err)
	}
	g, err := flows.Diagnosis()
	if err != nil {
		tb.Fatal(err)
	}
	var langs []flows.Language
	for _, l := range locales.Languages {
		langs = append(langs, flows.Language{Code: l.Code, Name: l.Name})
	}
	return cat, g, langs
}
