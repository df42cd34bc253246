package main

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/bot/telegram/telegramtest"
)

// inventoryRun is one whole conversation on the real program: the keys it
// wrote, with their longest TTL, and what is left after /forget.
type inventoryRun struct {
	person, volunteer, admin telegramtest.User
	written                  map[string]keyLife
	left                     map[string]string // key → value, after /forget
	typed                    []string          // what the person typed that is about them
	// Just before /forget: what each key was like, the person's last
	// reminder still scheduled, and the time.
	before  map[string]keyLife
	lastDue time.Time
	at      time.Time
}

// inventoryChats follows the chats of the whole conversation.
type inventoryChats struct {
	h      *harness
	person *letterChat
	vol    telegramtest.User
	nv     int // the volunteer's messages read
}

// runWholeConversation drives every feature that keeps something: a
// volunteer invited, another person's case closed, then the person: an
// OQTF plan with its reminders accepted, a letter with its follow-up
// reminder, one reminder cancelled, a handoff case opened, taken and
// relayed both ways, then /forget.
func runWholeConversation(t *testing.T, b redistest.Backend) inventoryRun {
	t.Helper()
	rec := newKeyWrites(b.Client, b.Prefix)
	// The conversation is long: a rate limit above it, so the counter key
	// is still written (and checked) but never trips.
	h := startBotWith(t, b, map[string]string{"ADMIN_IDS": "9300", "RATE_LIMIT": "200/1m"}, func(m *Main) { m.RedisHook = rec })
	r := inventoryRun{
		admin:     telegramtest.User{ID: 9300, Lang: "fr"},
		volunteer: telegramtest.User{ID: 9301, Lang: "en"},
		// A chat ID long enough never to turn up inside a timestamp.
		person: telegramtest.User{ID: 7305081946, Lang: "en"},
		typed:  []string{"Amina Benali", "12 rue de la Paix", "Saint-Denis", "question 1", "2026-11-20", "2026-12-15"},
	}
	c := &inventoryChats{h: h, person: &letterChat{h: h, u: r.person}, vol: r.volunteer}
	c.invite(r.admin)
	c.closedCase(telegramtest.User{ID: 9303, Lang: "en"})
	c.remindersAccepted()
	c.letter()
	ref := c.caseRelayed()

	ctx := context.Background()
	if err := rec.scan(ctx); err != nil {
		t.Fatal(err)
	}
	r.before, r.lastDue, r.at = rec.seen(), lastDue(t, b, r.person.ID), time.Now()
	c.forget(ref)
	h.stop()
	if err := rec.scan(ctx); err != nil {
		t.Fatal(err)
	}
	r.written = rec.seen()
	r.left = map[string]string{}
	for k, v := range dump(t, b.Client) {
		if strings.HasPrefix(k, b.Prefix) {
			r.left[k] = v
		}
	}
	return r
}

// invite: the administrator invites the volunteer, who joins.
func (c *inventoryChats) invite(admin telegramtest.User) {
	h := c.h
	var na int
	h.api.PushText(admin, "/invite en 93 Lina")
	inv := h.seek(admin, &na, "Lien d'invitation")
	link := regexp.MustCompile(`start=(v[0-9a-f]+)`).FindStringSubmatch(inv.Text)
	if link == nil {
		h.t.Fatalf("no deep link in %q", inv.Text)
	}
	h.api.PushText(c.vol, "/start "+link[1])
	h.seek(c.vol, &c.nv, "Welcome among the volunteers")
}

// closedCase: someone else's case, taken and closed by the volunteer
// (what closing keeps: the statistics).
func (c *inventoryChats) closedCase(other telegramtest.User) {
	h := c.h
	var no int
	h.api.PushText(other, "/human")
	h.pressIn(other, h.seek(other, &no, "Which département"), "Skip")
	h.pressIn(other, h.seek(other, &no, "A volunteer from an association"), "Yes, send my request")
	ref := refRE.FindString(h.seek(other, &no, "Your request is registered").Text)
	c.take(ref)
	h.api.PushText(c.vol, "/done solved")
	h.seek(c.vol, &c.nv, "Request "+ref+" closed")
	h.seek(other, &no, "closed your request "+ref)
}

// take: the volunteer takes the case ref from its notification.
func (c *inventoryChats) take(ref string) {
	c.h.pressIn(c.vol, c.h.seek(c.vol, &c.nv, "New request "+ref), "I'll take it")
	c.h.seek(c.vol, &c.nv, "Request taken")
}

// remindersAccepted: the person's OQTF plan and its court reminder.
func (c *inventoryChats) remindersAccepted() {
	h, p := c.h, c.person
	n, _ := h.oqtfPlan(p.u, p.seen, "20/11/2026")
	h.press(p.u, "Remind me of these dates")
	n, _ = h.waitFor(p.u, n, "I can send you a reminder")
	h.press(p.u, "All of these reminders")
	p.seen, _ = h.waitFor(p.u, n, "Noted. I will write to you")
}

// letter: a letter made as a PDF, its follow-up reminder asked for, then
// cancelled (the latest reminder: the reminders must not outlive the ones
// left for its sake).
func (c *inventoryChats) letter() {
	h, p := c.h, c.person
	p.substitutionLetter()
	h.press(p.u, "I sent it")
	p.want("On what date did you send the letter")
	h.press(p.u, "Today")
	p.want("registered mail")
	h.press(p.u, "Skip")
	p.want("I will write to you on 14/12/2026")
	h.api.PushText(p.u, "/reminders")
	p.want("Your reminders")
	h.press(p.u, "Cancel the one on 14/12/2026")
	p.want("Reminder cancelled")
}

// caseRelayed: the person's case, with a département, taken by the
// volunteer, a message each way; it returns the case's reference.
func (c *inventoryChats) caseRelayed() string {
	h, p := c.h, c.person
	h.api.PushText(p.u, "/human")
	p.want("Which département")
	h.api.PushText(p.u, "93")
	p.want("A volunteer from an association")
	h.press(p.u, "Yes, send my request")
	ref := refRE.FindString(p.want("Your request is registered").Text)
	if ref == "" {
		h.t.Fatal("no reference for the person's case")
	}
	c.take(ref)
	p.want("Lina, a volunteer, is handling your request " + ref)
	h.api.PushText(p.u, "question 1")
	h.seek(c.vol, &c.nv, ref+": question 1")
	h.api.PushText(c.vol, "answer 1")
	p.want("Lina: answer 1")
	return ref
}

// forget: the person erases everything; the volunteer is told.
func (c *inventoryChats) forget(ref string) {
	h, p := c.h, c.person
	h.api.PushText(p.u, "/forget")
	p.want("Do you really want to erase everything?")
	h.press(p.u, "Yes, erase everything")
	p.want("I erased")
	h.seek(c.vol, &c.nv, "The person cancelled or erased their request "+ref)
}

// lastDue is when the chat's last scheduled reminder is due.
func lastDue(t *testing.T, b redistest.Backend, chat int64) time.Time {
	t.Helper()
	zs, err := b.Client.ZRangeWithScores(context.Background(), b.Prefix+"{rem}:due", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	var last time.Time
	for _, z := range zs {
		m, _ := z.Member.(string)
		if at := time.UnixMilli(int64(z.Score)); strings.HasPrefix(m, strconv.FormatInt(chat, 10)+"|") && at.After(last) {
			last = at
		}
	}
	if last.IsZero() {
		t.Fatal("no reminder scheduled for the person")
	}
	return last
}

// The inventory in docs/privacy.md is true: every key the whole
// conversation writes is in it, none lives longer than it says, none is
// without an expiry unless it says so, and after /forget nothing names
// the person or holds what they typed.
func TestInventoryIsTrue(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		if b.URL == "" {
			t.Skip("the program reaches a backend by its URL; a Cluster has none here")
		}
		rows := inventoryTable(t, b.Prefix)
		r := runWholeConversation(t, b)
		seen, unlisted := map[string]bool{}, map[string]bool{}
		longest := map[string]time.Duration{} // what was measured, for -v
		for _, key := range sortedKeys(r.written) {
			life := r.written[key]
			row, pattern, _, ok := rowOf(rows, key)
			if !ok {
				if shape := shapeOf(key, b.Prefix, r); !unlisted[shape] {
					unlisted[shape] = true
					t.Errorf("%s is written but no row of docs/privacy.md names it", shape)
				}
				continue
			}
			if old, ok := longest[pattern]; !ok || old != -1 && (life.TTL == -1 || life.TTL > old) {
				longest[pattern] = life.TTL
			}
			seen[pattern] = true
			if err := row.allows(life, r.before[key], r); err != nil {
				t.Errorf("%s (%s): %v", shown(key, b.Prefix, r), pattern, err)
			}
		}
		for _, p := range sortedKeys(longest) {
			t.Logf("%-40s longest TTL seen: %v", p, longest[p])
		}
		// The conversation reaches every feature that keeps something
		// about the person: a recorder that saw nothing must not pass.
		for _, want := range []string{
			"<p>{c:<chat>}:s", "<p>{c:<chat>}:r", "<p>{c:<chat>}:letter", "<p>{c:<chat>}:rl", "<p>{c:<chat>}:lease",
			"<p>{q}:dep:<chat>", "<p>{q}:case", "<p>{q}:bychat", "<p>{rem}:due", "<p>{u:<update id>}", "<p>{q}:vol",
			"<p>{q}:closed", "<p>{q}:inv:<code>",
		} {
			if !seen[want] {
				t.Errorf("the conversation never wrote %s", want)
			}
		}
		person := strconv.FormatInt(r.person.ID, 10)
		for _, key := range sortedKeys(r.left) {
			row, pattern, chat, ok := rowOf(rows, key)
			if ok && chat == person && !row.kept {
				t.Errorf("%s (%s) is still there after /forget", shown(key, b.Prefix, r), pattern)
			}
			for _, about := range append([]string{person}, r.typed...) {
				if strings.Contains(r.left[key], about) {
					t.Errorf("%s still holds %q after /forget", shown(key, b.Prefix, r), about)
				}
			}
		}
	})
}

// allows checks a key's life against the row. A TTL that follows the
// reminders (due+) is checked as the key stood before /forget, against
// the reminders then scheduled.
func (row inventoryRow) allows(life, before keyLife, r inventoryRun) error {
	switch {
	case life.TTL == -1 && !row.ttlNone:
		return fmt.Errorf("written without an expiry; the table allows at most %s", row.describe())
	case row.ttlNone || life.TTL == -1:
		return nil
	case row.ttlDue:
		from := r.lastDue
		if r.at.After(from) {
			from = r.at
		}
		limit := from.Add(row.ttl)
		if before.Latest.After(limit.Add(time.Second)) {
			return fmt.Errorf("expires %s, after the limit %s (%s)", before.Latest.UTC().Format(time.RFC3339), limit.UTC().Format(time.RFC3339), row.describe())
		}
	case life.TTL > row.ttl:
		return fmt.Errorf("lives %s, the table allows %s", life.TTL, row.describe())
	}
	return nil
}

func (row inventoryRow) describe() string {
	switch {
	case row.ttlNone:
		return "no expiry"
	case row.ttlDue:
		return "the last reminder's date + " + row.ttl.String()
	}
	return row.ttl.String()
}

// shown writes a key for a failure message: the prefix and the test's
// chat IDs as placeholders.
func shown(key, prefix string, r inventoryRun) string {
	key = "<p>" + strings.TrimPrefix(key, prefix)
	for name, u := range map[string]telegramtest.User{"<person>": r.person, "<volunteer>": r.volunteer, "<admin>": r.admin} {
		key = strings.ReplaceAll(key, strconv.FormatInt(u.ID, 10), name)
	}
	return key
}

// shapeOf is a key with its variable parts as placeholders, to name an
// unlisted key once however many of its kind were written.
func shapeOf(key, prefix string, r inventoryRun) string {
	key = refRE.ReplaceAllString(shown(key, prefix, r), "<ref>")
	return digits.ReplaceAllString(key, "<n>")
}

var digits = regexp.MustCompile(`[0-9]+`)

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
