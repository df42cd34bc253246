package reminders

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/flows"
)

// keep is how long a chat's reminder data outlives its last date: long
// enough to press "done" or "remind me again" on the last reminder.
const keep = 7 * 24 * time.Hour

// ErrNotFound: the reminder named is not (or no longer) the person's.
var ErrNotFound = errors.New("no such reminder")

// Item is one scheduled reminder.
type Item struct {
	flows.Reminder
	Due     time.Time // the instant it is sent
	Snoozed bool      // set by "remind me again": re-deriving keeps it
}

// Store keeps reminders in Redis. It is safe for concurrent use.
//
// Per chat, one hash "<prefix>{c:<chat>}:r": "lang" (language to write
// in), "on" (the kinds the person chose, comma-separated), "p:<kind>" (the
// pending reminder of that kind, "<id>\n<due ms> <on> <deadline> <snoozed>")
// and "s:<id>" (a reminder sent, awaiting "done" or "remind me again").
// The schedule is one sorted set "<prefix>{rem}:due" of "<chat>|<id>"
// scored by due time in milliseconds. The two are never touched by one
// script, so both stay legal on Redis Cluster.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewStore returns a Store; prefix starts every key.
func NewStore(rdb redis.UniversalClient, prefix string) *Store {
	return &Store{rdb: rdb, prefix: prefix}
}

func (s *Store) chatKey(chat int64) string {
	return s.prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:r"
}

func (s *Store) dueKey() string { return s.prefix + "{rem}:due" }

func member(chat int64, id string) string { return strconv.FormatInt(chat, 10) + "|" + id }

func parseMember(m string) (chat int64, id string, ok bool) {
	c, id, found := strings.Cut(m, "|")
	if !found {
		return 0, "", false
	}
	chat, err := strconv.ParseInt(c, 10, 64)
	return chat, id, err == nil && id != ""
}

// kindOf reads the kind back from an ID ("api_14-20270212").
func kindOf(id string) string {
	k, _, _ := strings.Cut(id, "-")
	return k
}

const dateLayout = "20060102"

func encodeItem(it Item) string {
	sn := "0"
	if it.Snoozed {
		sn = "1"
	}
	return it.ID + "\n" + strconv.FormatInt(it.Due.UnixMilli(), 10) + " " +
		it.On.Format(dateLayout) + " " + it.Deadline.Format(dateLayout) + " " + sn
}

func decodeItem(kind, v string) (Item, error) {
	id, rest, _ := strings.Cut(v, "\n")
	f := strings.Fields(rest)
	if len(f) != 4 {
		return Item{}, fmt.Errorf("reminder %q: bad record", kind)
	}
	ms, err1 := strconv.ParseInt(f[0], 10, 64)
	on, err2 := time.Parse(dateLayout, f[1])
	dl, err3 := time.Parse(dateLayout, f[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return Item{}, fmt.Errorf("reminder %q: %w", kind, err)
	}
	return Item{
		Reminder: flows.Reminder{ID: id, Kind: kind, On: on, Deadline: dl},
		Due:      time.UnixMilli(ms), Snoozed: f[3] == "1",
	}, nil
}

// Chat is everything stored about one chat's reminders.
type Chat struct {
	Lang    string
	Chosen  []string        // kinds the person asked for
	Pending []Item          // by due time
	Sent    map[string]Item // by ID: sent, not yet acknowledged
}

// Load returns a chat's reminders (zero Chat when it has none).
func (s *Store) Load(ctx context.Context, chat int64) (Chat, error) {
	h, err := s.rdb.HGetAll(ctx, s.chatKey(chat)).Result()
	if err != nil {
		return Chat{}, fmt.Errorf("load reminders: %w", err)
	}
	c := Chat{Lang: h["lang"], Sent: map[string]Item{}}
	if h["on"] != "" {
		c.Chosen = strings.Split(h["on"], ",")
	}
	for f, v := range h {
		switch {
		case strings.HasPrefix(f, "p:"):
			if it, err := decodeItem(f[2:], v); err == nil {
				c.Pending = append(c.Pending, it)
			}
		case strings.HasPrefix(f, "s:"):
			if it, err := decodeItem(kindOf(f[2:]), v); err == nil {
				c.Sent[it.ID] = it
			}
		}
	}
	sort.Slice(c.Pending, func(i, j int) bool { return c.Pending[i].Due.Before(c.Pending[j].Due) })
	return c, nil
}

// Change is what Sync did to a reminder the person had: moved to a new
// date (New set) or removed because their answers no longer give it (New
// zero). The person is told of each, in one line.
type Change struct {
	Old Item
	New Item
}

// Removed reports whether the reminder was taken away rather than moved.
func (c Change) Removed() bool { return c.New.ID == "" }

// Sync makes a chat's pending reminders follow its facts: every chosen
// kind (plus add) gets the reminder derived now. A reminder is only ever
// compared with one of its own kind, so reminders of another situation
// are added next to the person's, never in their place. Of the kinds the
// facts inform (informs true; nil means every kind), one whose date
// changed is moved and one the facts no longer give is removed, and each
// is returned as a Change for the person to be told; snoozed ones stay,
// and so do kinds the facts say nothing about. With nothing chosen and
// nothing to add it writes nothing. It returns the pending reminders
// after the change, by due time.
func (s *Store) Sync(ctx context.Context, chat int64, lang string, derived []flows.Reminder, add []string, at func(time.Time) time.Time, informs func(kind string) bool) ([]Item, []Change, error) {
	c, err := s.Load(ctx, chat)
	if err != nil {
		return nil, nil, err
	}
	chosen := union(c.Chosen, add)
	if len(chosen) == 0 {
		return nil, nil, nil
	}
	want := map[string]flows.Reminder{}
	for _, r := range derived {
		want[r.Kind] = r
	}
	have := map[string]Item{}
	for _, it := range c.Pending {
		have[it.Kind] = it
	}
	key := s.chatKey(chat)
	pipe := s.rdb.Pipeline()
	var out []Item
	var changes []Change
	for _, kind := range chosen {
		old, hasOld := have[kind]
		r, wanted := want[kind]
		switch {
		case hasOld && (old.Snoozed || wanted && old.ID == r.ID || informs != nil && !informs(kind)):
			out = append(out, old)
		case wanted:
			it := Item{Reminder: r, Due: at(r.On)}
			if hasOld {
				pipe.ZRem(ctx, s.dueKey(), member(chat, old.ID))
				changes = append(changes, Change{Old: old, New: it})
			}
			pipe.HSet(ctx, key, "p:"+kind, encodeItem(it))
			pipe.ZAdd(ctx, s.dueKey(), redis.Z{Score: float64(it.Due.UnixMilli()), Member: member(chat, it.ID)})
			out = append(out, it)
		case hasOld:
			pipe.HDel(ctx, key, "p:"+kind)
			pipe.ZRem(ctx, s.dueKey(), member(chat, old.ID))
			changes = append(changes, Change{Old: old})
		}
	}
	pipe.HSet(ctx, key, "lang", lang, "on", strings.Join(chosen, ","))
	pipe.PExpireAt(ctx, key, expiry(out, c.Sent))
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("schedule reminders: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out, changes, nil
}

// expiry is when a chat's reminder data goes: a while after its last date.
// Redis expires keys by its own wall clock, so the floor is the real now.
func expiry(pending []Item, sent map[string]Item) time.Time {
	last := time.Now()
	for _, it := range pending {
		if it.Due.After(last) {
			last = it.Due
		}
	}
	for _, it := range sent {
		if it.Due.After(last) {
			last = it.Due
		}
	}
	return last.Add(keep)
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		found := false
		for _, y := range out {
			found = found || x == y
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

// Cancel drops one pending reminder and stops its kind for the future.
// The chat's reminders then expire after what is left, not after the
// reminder cancelled (which may be months away). ErrNotFound when id is
// not one of the chat's pending reminders.
func (s *Store) Cancel(ctx context.Context, chat int64, id string) error {
	c, err := s.Load(ctx, chat)
	if err != nil {
		return err
	}
	for i, it := range c.Pending {
		if it.ID != id {
			continue
		}
		var chosen []string
		for _, k := range c.Chosen {
			if k != it.Kind {
				chosen = append(chosen, k)
			}
		}
		left := append(c.Pending[:i:i], c.Pending[i+1:]...)
		pipe := s.rdb.Pipeline()
		pipe.HDel(ctx, s.chatKey(chat), "p:"+it.Kind)
		pipe.HSet(ctx, s.chatKey(chat), "on", strings.Join(chosen, ","))
		pipe.PExpireAt(ctx, s.chatKey(chat), expiry(left, c.Sent))
		pipe.ZRem(ctx, s.dueKey(), member(chat, id))
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("cancel reminder: %w", err)
		}
		return nil
	}
	return ErrNotFound
}

// Drop erases everything about a chat's reminders; it reports whether
// there was anything.
func (s *Store) Drop(ctx context.Context, chat int64) (bool, error) {
	c, err := s.Load(ctx, chat)
	if err != nil {
		return false, err
	}
	pipe := s.rdb.Pipeline()
	for _, it := range c.Pending {
		pipe.ZRem(ctx, s.dueKey(), member(chat, it.ID))
	}
	del := pipe.Del(ctx, s.chatKey(chat))
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("drop reminders: %w", err)
	}
	return del.Val() > 0, nil
}

// Acknowledge removes a sent reminder ("done", or before "remind me
// again") and returns it. ErrNotFound when it is not the chat's, or was
// acknowledged already.
func (s *Store) Acknowledge(ctx context.Context, chat int64, id string) (Item, error) {
	v, err := ackScript.Run(ctx, s.rdb, []string{s.chatKey(chat)}, "s:"+id).Text()
	if errors.Is(err, redis.Nil) {
		return Item{}, ErrNotFound
	}
	if err != nil {
		return Item{}, fmt.Errorf("acknowledge reminder: %w", err)
	}
	return decodeItem(kindOf(id), v)
}

// ackScript takes a field out of a hash atomically, so that two presses
// of the same button act once. KEYS[1] chat hash; ARGV[1] field.
var ackScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return v
`)

// Snooze schedules a sent reminder again at due, as a reminder of its own.
func (s *Store) Snooze(ctx context.Context, chat int64, id string, on, due time.Time) (Item, error) {
	old, err := s.Acknowledge(ctx, chat, id)
	if err != nil {
		return Item{}, err
	}
	it := Item{Reminder: flows.ReminderOf(old.Kind, on, old.Deadline), Due: due, Snoozed: true}
	c, err := s.Load(ctx, chat)
	if err != nil {
		return Item{}, err
	}
	pipe := s.rdb.Pipeline()
	for _, p := range c.Pending {
		if p.Kind == it.Kind {
			pipe.ZRem(ctx, s.dueKey(), member(chat, p.ID))
		}
	}
	pipe.HSet(ctx, s.chatKey(chat), "p:"+it.Kind, encodeItem(it))
	pipe.ZAdd(ctx, s.dueKey(), redis.Z{Score: float64(due.UnixMilli()), Member: member(chat, it.ID)})
	pipe.PExpireAt(ctx, s.chatKey(chat), expiry(append(c.Pending, it), c.Sent))
	if _, err := pipe.Exec(ctx); err != nil {
		return Item{}, fmt.Errorf("snooze reminder: %w", err)
	}
	return it, nil
}
