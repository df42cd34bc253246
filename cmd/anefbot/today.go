package main

import (
	"fmt"
	"time"
)

// A fixed "today" for reviewers: ANEFBOT_TODAY=YYYY-MM-DD makes the whole
// bot (plans, reminders, letters, the volunteer side) compute as if it
// were that day, so that a lawyer or a translator can check a plan for any
// date. Terminal mode only: on Telegram a shifted clock would send real
// people wrong dates, so the setting is ignored there, with a warning.

// parseToday reads ANEFBOT_TODAY; empty means the real date.
func parseToday(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("ANEFBOT_TODAY: want a date as YYYY-MM-DD, got %q", s)
	}
	return d, nil
}

// reviewClock returns the bot's clock: m.Clock, or, in the terminal with
// ANEFBOT_TODAY set, m.Clock moved by whole days to that date (the time of
// day keeps running, so reminders and expiries still work).
func (m *Main) reviewClock(cfg Config, terminal bool) func() time.Time {
	if cfg.Today.IsZero() {
		return m.Clock
	}
	if !terminal {
		fmt.Fprintln(m.Stderr, "anefbot: ANEFBOT_TODAY is ignored on Telegram: the bot uses the real date.")
		return m.Clock
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.UTC
	}
	now := m.Clock().In(paris)
	days := int(cfg.Today.Sub(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	fmt.Fprintf(m.Stderr, "anefbot: dates are computed as if today were %s (ANEFBOT_TODAY).\n", cfg.Today.Format("02/01/2006"))
	clock := m.Clock
	return func() time.Time { return clock().AddDate(0, 0, days) }
}
