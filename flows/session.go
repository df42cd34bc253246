package flows

import (
	"log/slog"
	"strings"
	"time"
)

// Session is the state of one person's conversation. It is small and plain
// so that it encodes to well under 1 KiB: the step they are at, how they got
// there (for Back), their answers and their language.
type Session struct {
	// Version is the store's optimistic-concurrency counter: the store
	// refuses to save a session whose Version changed since it was loaded.
	// The engine never touches it.
	Version int64 `json:"v,omitempty"`
	// Flow is the version of the diagnosis graph the session was made with.
	Flow int `json:"f,omitempty"`
	// Lang is the person's language code (one of the locales).
	Lang string `json:"l,omitempty"`
	// State is the ID of the current step; empty for a new session.
	State string `json:"s,omitempty"`
	// History holds the steps before State, most recent last, for Back.
	History []string `json:"h,omitempty"`
	// Answers maps an answer key (see Step.Save) to its value: an option
	// value, or a date as YYYY-MM-DD.
	Answers map[string]string `json:"a,omitempty"`
	// Pending is a typed date awaiting the person's confirmation (YYYY-MM-DD).
	Pending string `json:"p,omitempty"`
	// Seq changes whenever the buttons on screen change meaning; buttons
	// carry it so that a press on an old message is recognised as stale.
	Seq int `json:"q,omitempty"`
	// Updated is when the session last changed (Unix seconds).
	Updated int64 `json:"u,omitempty"`
	// Lost is set by a store when the saved session could not be read
	// (sealed with a key no longer configured) and this empty one stands
	// in for it, so that the person can be told. It is never saved.
	Lost bool `json:"-"`
}

// IsNew reports whether the person has never talked to the bot (or erased
// everything).
func (s Session) IsNew() bool { return s.State == "" }

// Answer returns the stored answer for key, or "".
func (s Session) Answer(key string) string { return s.Answers[key] }

// Date returns the stored date answer for key.
func (s Session) Date(key string) (time.Time, bool) {
	v, ok := s.Answers[key]
	if !ok {
		return time.Time{}, false
	}
	d, err := time.Parse(isoDate, v)
	return d, err == nil
}

// LogValue keeps answers out of logs: only the step and language are shown.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("state", s.State),
		slog.String("lang", s.Lang),
		slog.Int("answers", len(s.Answers)),
	)
}

// clone returns a copy that shares no mutable memory with s, so that a
// Step never changes the caller's session.
func (s Session) clone() Session {
	c := s
	if s.History != nil {
		c.History = append([]string(nil), s.History...)
	}
	if s.Answers != nil {
		c.Answers = make(map[string]string, len(s.Answers)+1)
		for k, v := range s.Answers {
			c.Answers[k] = v
		}
	}
	return c
}

func (s *Session) setAnswer(key, value string) {
	if key == "" {
		return
	}
	if s.Answers == nil {
		s.Answers = make(map[string]string, 4)
	}
	s.Answers[key] = value
}

// markAssumed records whether the date stored under key was given as a
// month only (the 1st assumed), in the comma-separated KeyAssumed list.
func (s *Session) markAssumed(key string, assumed bool) {
	var keep []string
	for _, k := range strings.Split(s.Answers[KeyAssumed], ",") {
		if k != "" && k != key {
			keep = append(keep, k)
		}
	}
	if assumed {
		keep = append(keep, key)
	}
	if len(keep) == 0 {
		delete(s.Answers, KeyAssumed)
		return
	}
	s.setAnswer(KeyAssumed, strings.Join(keep, ","))
}
