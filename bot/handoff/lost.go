package handoff

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// ErrUnreadable: a case is stored but cannot be opened (sealed with a key
// no longer configured, or altered). It is treated as lost: removed from
// the queue and from every index, the person told.
var ErrUnreadable = errors.New("case unreadable")

// discardScript removes a case that cannot be read, and everything that
// points at it, without a statistics record (nothing of it can be
// read). KEYS: case, bychat, owner, relay, lease, since, notified, told,
// then the waiting queue of every language (its own is unknown). ARGV:
// reference, chat ("" when unknown). Returns the holder, or "".
var discardScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[2]) end
if v then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[4], v)
end
redis.call('ZREM', KEYS[5], ARGV[1])
for i = 6, 8 do redis.call('HDEL', KEYS[i], ARGV[1]) end
for i = 9, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return v or ''
`)

// Discard removes an unreadable case from the queue, its holder and every
// index; chat may be 0 when unknown (it is looked up). It returns the
// volunteer who held it (0 if none).
func (s *Store) Discard(ctx context.Context, ref string, chat int64, langs []string) (int64, error) {
	if chat == 0 {
		var err error
		if chat, err = s.ChatOf(ctx, ref); err != nil {
			return 0, err
		}
	}
	keys := []string{
		s.key("case"), s.key("bychat"), s.key("owner"), s.key("relay"),
		s.key("lease"), s.key("since"), s.key("notified"), s.key("told"),
	}
	for _, l := range langs {
		keys = append(keys, s.waitKey(l))
	}
	id := ""
	if chat != 0 {
		id = strconv.FormatInt(chat, 10)
	}
	v, err := discardScript.Run(ctx, s.rdb, keys, ref, id).Text()
	if err != nil {
		return 0, fmt.Errorf("discard case: %w", err)
	}
	if v == "" {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// ChatOf finds the person of a case from the chat → case index, for a
// case that cannot be read; 0 when no chat points at it. It scans the
// index: only lost cases need it.
func (s *Store) ChatOf(ctx context.Context, ref string) (int64, error) {
	iter := s.rdb.HScan(ctx, s.key("bychat"), 0, "", 500).Iterator()
	for iter.Next(ctx) {
		chat := iter.Val()
		if !iter.Next(ctx) {
			break
		}
		if iter.Val() == ref {
			return strconv.ParseInt(chat, 10, 64)
		}
	}
	if err := iter.Err(); err != nil {
		return 0, fmt.Errorf("find chat of case: %w", err)
	}
	return 0, nil
}

// loss is who hears of a lost case.
type loss struct {
	chat     int64  // the person, 0 when unknown (looked up)
	langCode string // the person's client language, when they wrote
	person   bool   // tell the person their case is lost
	holder   bool   // tell the volunteer who held it that the person left
	bg       bool   // from the background runner: messages are Background
}

// lost handles a case found unreadable: it is discarded at once, so that
// the queue moves on, no volunteer is given it, and the person is told
// once (the next look finds no case). It is counted as an unreadable
// record.
func (s *Service) lost(ctx context.Context, b *bot.Bot, ref string, l loss) error {
	if l.chat == 0 {
		chat, err := s.st.ChatOf(ctx, ref)
		if err != nil {
			return err
		}
		l.chat = chat
	}
	holder, err := s.st.Discard(ctx, ref, l.chat, s.cfg.Languages)
	if err != nil {
		return err
	}
	if s.cfg.Lost != nil {
		s.cfg.Lost("case")
	}
	s.log.Warn("unreadable case discarded", "chat", bot.ChatHash(l.chat), "held", holder != 0)
	if b == nil {
		return nil
	}
	if holder != 0 && l.holder {
		s.tellVolunteer(ctx, b, holder, "handoff_vol_person_left", flows.Args{"Ref": ref})
	}
	if l.chat == 0 || !l.person {
		return nil
	}
	lang, err := b.Lang(ctx, l.chat, l.langCode)
	if err != nil {
		return err
	}
	return s.send(ctx, b, l.chat, lang, l.bg, reply("lost_case", flows.Args{"Ref": ref}))
}
