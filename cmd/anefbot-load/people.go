package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// langCodes are the Telegram language_code values people arrive with:
// the two the bot speaks, languages it falls back from, and none.
var langCodes = []string{"fr", "fr", "en", "en", "ar", "es", "pt-br", "ru", "uk", "tr", "zh-hans", "fa", "bn", "ps", ""}

// crowd plays the people in a closed loop: each acts, waits for the bot's
// turn to end (a keyboard, or a quiet moment after a message without
// one), thinks, and acts again.
type crowd struct {
	api    *fakeAPI
	think  time.Duration // mean think time (exponential)
	quiet  time.Duration // a turn without keyboard is over after this
	giveUp time.Duration // an update unanswered this long is given up
	first  int64         // chat ID of the first person

	people     []*person
	stopped    atomic.Bool
	lat        *latencies
	unanswered atomic.Int64
	started    atomic.Int64 // people who have sent /start
}

type person struct {
	id   int64
	lang string

	mu       sync.Mutex
	keyboard []string  // the latest keyboard's callback data
	asked    time.Time // when the outstanding update was queued
	answered bool      // its first reply came
	pending  bool      // an update is outstanding
	idle     *time.Timer
	started  bool
	turn     int // counts the person's moves, so an old timer acts no more
}

func newCrowd(api *fakeAPI, n int, think, quiet, giveUp time.Duration, first int64, lat *latencies) *crowd {
	c := &crowd{api: api, think: think, quiet: quiet, giveUp: giveUp, first: first, lat: lat}
	c.people = make([]*person, n)
	for i := range c.people {
		c.people[i] = &person{id: first + int64(i), lang: langCodes[rand.IntN(len(langCodes))]}
	}
	return c
}

// start has everyone act once within ramp, spread evenly at random.
func (c *crowd) start(ramp time.Duration) {
	for _, p := range c.people {
		time.AfterFunc(time.Duration(rand.Int64N(int64(ramp)+1)), func() { c.act(p) })
	}
}

func (c *crowd) stop() { c.stopped.Store(true) }

// person returns who a chat belongs to, or nil.
func (c *crowd) person(chat int64) *person {
	i := chat - c.first
	if i < 0 || i >= int64(len(c.people)) {
		return nil
	}
	return c.people[i]
}

// received is called for every message the bot sends.
func (c *crowd) received(m sent) {
	p := c.person(m.chat)
	if p == nil {
		return
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending && !p.answered {
		p.answered = true
		c.lat.add(now.Sub(p.asked), now)
	}
	if !p.pending {
		return // a late message of a turn already over, or a reminder
	}
	if p.idle != nil {
		p.idle.Stop()
	}
	if len(m.buttons) > 0 {
		p.keyboard = m.buttons
		p.pending = false
		c.later(p, c.pause())
		return
	}
	// No keyboard: more may follow; the turn is over after a quiet moment,
	// longer when the bot is slow (a busy bot spaces the messages of one
	// turn as much as it delayed the first; acting earlier would press a
	// keyboard about to be replaced).
	turn := p.turn
	p.idle = time.AfterFunc(max(c.quiet, now.Sub(p.asked)), func() { c.endTurn(p, turn, false) })
}

// endTurn ends turn when it is still the person's current one: after a
// quiet moment, or when the bot never answered (gaveUp).
func (c *crowd) endTurn(p *person, turn int, gaveUp bool) {
	p.mu.Lock()
	if p.turn != turn || !p.pending || (gaveUp && p.answered) {
		p.mu.Unlock()
		return
	}
	p.pending = false
	p.mu.Unlock()
	if gaveUp {
		c.unanswered.Add(1)
	}
	c.later(p, c.pause())
}

func (c *crowd) pause() time.Duration {
	if c.think <= 0 {
		return 0
	}
	return time.Duration(rand.ExpFloat64() * float64(c.think))
}

func (c *crowd) later(p *person, d time.Duration) {
	if d == 0 {
		go c.act(p)
		return
	}
	time.AfterFunc(d, func() { c.act(p) })
}

// act makes the person's next move and queues it as an update.
func (c *crowd) act(p *person) {
	if c.stopped.Load() {
		return
	}
	p.mu.Lock()
	wasStarted := p.started
	kind, payload := p.next()
	if !wasStarted && p.started {
		c.started.Add(1)
	}
	p.pending, p.answered, p.asked = true, false, time.Now()
	p.turn++
	turn := p.turn
	p.mu.Unlock()
	time.AfterFunc(c.giveUp, func() { c.endTurn(p, turn, true) })
	if kind == "press" {
		c.api.push(p.id, callbackUpdate(p, payload))
	} else {
		c.api.push(p.id, textUpdate(p, payload))
	}
}

// next chooses what to do from the latest keyboard: mostly press one of
// its buttons, type a date where one is asked, restart at the end of a
// path, now and then type something unexpected or a command.
func (p *person) next() (kind, payload string) {
	if !p.started || len(p.keyboard) == 0 {
		p.started = true
		return "text", "/start"
	}
	r := rand.Float64()
	switch {
	case r < 0.03:
		return "text", []string{"/help", "/language", "/back", "/restart", "/start"}[rand.IntN(5)]
	case r < 0.08:
		return "text", []string{"bonjour", "je ne comprends pas", "help me please", "ما هو الحل؟", "?"}[rand.IntN(5)]
	}
	kb := p.keyboard
	switch {
	case has(kb, "@yes"):
		if rand.Float64() < 0.85 {
			return "press", pick(kb, "@yes")
		}
		return "press", pick(kb, "@no")
	case askingDate(kb):
		return "text", randomDate()
	case has(kb, "@restart") && rand.Float64() < 0.8:
		return "press", pick(kb, "@restart")
	}
	return "press", kb[rand.IntN(len(kb))]
}

// askingDate: a date question carries only the navigation buttons.
func askingDate(kb []string) bool {
	for _, d := range kb {
		// A date question carries "I don't know" (@dk), Back and Language.
		if !strings.HasSuffix(d, ":@back") && !strings.HasSuffix(d, ":@lang") && !strings.HasSuffix(d, ":@dk") {
			return false
		}
	}
	return true
}

func has(kb []string, option string) bool { return pick(kb, option) != "" }

func pick(kb []string, option string) string {
	for _, d := range kb {
		if strings.HasSuffix(d, ":"+option) {
			return d
		}
	}
	return ""
}

// randomDate is a date as people type it: mostly within two years either
// side of today, in several formats, sometimes not a date at all.
func randomDate() string {
	if rand.Float64() < 0.08 {
		return []string{"demain", "32/13/2026", "la semaine dernière", "2026"}[rand.IntN(4)]
	}
	d := time.Now().AddDate(0, 0, rand.IntN(4*365)-2*365)
	switch rand.IntN(4) {
	case 0:
		return d.Format("02/01/2006")
	case 1:
		return d.Format("2.1.06")
	case 2:
		return d.Format("2006-01-02")
	default:
		months := []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
		return fmt.Sprintf("%d %s %d", d.Day(), months[d.Month()-1], d.Year())
	}
}

func sender(p *person) map[string]any {
	return map[string]any{"id": p.id, "is_bot": false, "first_name": "P", "language_code": p.lang}
}

func message(p *person, text string) map[string]any {
	return map[string]any{
		"message_id": 1, "date": time.Now().Unix(), "from": sender(p), "text": text,
		"chat": map[string]any{"id": p.id, "type": "private", "first_name": "P"},
	}
}

func textUpdate(p *person, text string) map[string]any {
	return map[string]any{"message": message(p, text)}
}

func callbackUpdate(p *person, data string) map[string]any {
	return map[string]any{"callback_query": map[string]any{
		"id": fmt.Sprintf("q%d", p.id), "from": sender(p), "data": data,
		"chat_instance": "load", "message": message(p, "…"),
	}}
}
