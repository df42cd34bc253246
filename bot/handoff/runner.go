package handoff

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// tickEvery is how often the background runner looks at the queue.
const tickEvery = 30 * time.Second

// notify tells a few available volunteers who speak the case's language,
// not those in skip — unless again is set and nobody else is left (a
// reminder goes round again) — and records it.
func (s *Service) notify(ctx context.Context, b *bot.Bot, c Case, skip []int64, again bool) error {
	vols, busy, err := s.st.Roster(ctx)
	if err != nil {
		return err
	}
	picked := PickVolunteers(vols, c, busy, skip, s.cfg.NotifyBatch)
	reminder := len(skip) > 0
	if len(picked) == 0 && again {
		picked, skip = PickVolunteers(vols, c, busy, nil, s.cfg.NotifyBatch), nil
	}
	now := s.cfg.Clock()
	id := "handoff_vol_new_case"
	if reminder {
		id = "handoff_vol_reminder"
	}
	for _, v := range picked {
		lang := volunteerLang(b.Catalog(), v)
		r := reply(id, s.lineArgs(b, lang, c, now), flows.Choice{Data: Prefix + "take:" + c.Ref, Label: "handoff_btn_take"})
		if c.Urgent {
			r.Parts = append([]flows.Part{{ID: "handoff_sum_urgent"}}, r.Parts...)
		}
		if err := s.send(ctx, b, v.ID, lang, true, r); err != nil {
			s.log.Warn("notify volunteer", "chat", bot.ChatHash(v.ID), "err", err)
			continue
		}
		if err := s.st.MarkNotified(ctx, v.ID, now); err != nil {
			return err
		}
		skip = append(skip, v.ID)
	}
	return s.st.SetNotice(ctx, c.Ref, Notice{At: now.UnixMilli(), Vols: skip})
}

// Run looks at the queue every 30 seconds until ctx ends. With several
// replicas, one of them does the work of each tick.
func (s *Service) Run(ctx context.Context, b *bot.Bot) error {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		ok, err := s.st.rdb.SetNX(ctx, s.st.key("tick"), 1, tickEvery/2).Result()
		if err != nil || !ok {
			continue
		}
		if err := s.Tick(ctx, b); err != nil {
			s.log.Error("handoff tick", "err", err)
		}
	}
}

// Tick does one round at the clock's current time: leases that ended send
// cases back to the queue; cases waiting long get volunteers reminded, the
// person an honest word and contacts, and after MaxWait a close.
func (s *Service) Tick(ctx context.Context, b *bot.Bot) error {
	now := s.cfg.Clock()
	expired, err := s.st.ExpireLeases(ctx, now)
	if err != nil {
		return err
	}
	for _, e := range expired {
		if e.Lost {
			if err := s.lost(ctx, b, e.Case.Ref, loss{person: true, holder: true, bg: true}); err != nil {
				return err
			}
			continue
		}
		s.tellVolunteer(ctx, b, e.Volunteer, "handoff_vol_lease_ended", flows.Args{"Ref": e.Case.Ref, "Count": int(s.cfg.Lease.Minutes())})
		if err := s.backInQueue(ctx, b, e.Case, "handoff_lease_person"); err != nil {
			s.log.Warn("tell person", "chat", bot.ChatHash(e.Case.Chat), "err", err)
		}
		if err := s.notify(ctx, b, e.Case, []int64{e.Volunteer}, false); err != nil {
			return err
		}
	}
	refs, err := s.st.WaitingRefs(ctx, s.cfg.Languages)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		if err := s.watch(ctx, b, ref, now); err != nil {
			return err
		}
	}
	return nil
}

// watch looks after one waiting case.
func (s *Service) watch(ctx context.Context, b *bot.Bot, ref string, now time.Time) error {
	c, err := s.st.Get(ctx, ref)
	if errors.Is(err, ErrNoCase) {
		return nil
	}
	if errors.Is(err, ErrUnreadable) {
		return s.lost(ctx, b, ref, loss{person: true, bg: true})
	}
	if err != nil {
		return err
	}
	age := now.Sub(time.UnixMilli(c.Created))
	switch {
	case age >= s.cfg.MaxWait:
		return s.expire(ctx, b, c, now)
	case age >= s.cfg.NoTakeAfter:
		first, err := s.st.FirstTold(ctx, c.Ref, now.UnixMilli())
		if err != nil {
			return err
		}
		if !first {
			break // said once already
		}
		r := reply("handoff_no_take", flows.Args{"Ref": c.Ref})
		r.Parts = append(r.Parts, s.contactsPart(b, c))
		if err := s.send(ctx, b, c.Chat, c.Lang, true, r); err != nil {
			s.log.Warn("tell person", "chat", bot.ChatHash(c.Chat), "err", err)
		}
	}
	n, err := s.st.Notice(ctx, ref)
	if err != nil {
		return err
	}
	if now.Sub(time.UnixMilli(n.At)) >= s.cfg.RemindAfter {
		return s.notify(ctx, b, c, n.Vols, true)
	}
	return nil
}

// expire closes a case nobody took in MaxWait, and tells the person where
// else to turn.
func (s *Service) expire(ctx context.Context, b *bot.Bot, c Case, now time.Time) error {
	if _, err := s.st.Close(ctx, c, 0, NoAnswer, true, now); err != nil {
		return nil // taken or closed meanwhile
	}
	r := reply("handoff_expired", flows.Args{"Ref": c.Ref})
	r.Parts = append(r.Parts, s.contactsPart(b, c))
	return s.send(ctx, b, c.Chat, c.Lang, true, r)
}

// Forgetter returns the bot.Forgetter of the handoff: it erases the
// person's case and relay mapping (telling the volunteer who held it),
// and, for a volunteer, their record, their case going back to the queue.
// bot returns the running bot, to send those messages with.
func (s *Service) Forgetter(bot func() *bot.Bot) func(ctx context.Context, chat int64) ([]string, error) {
	return func(ctx context.Context, chat int64) ([]string, error) {
		b := bot()
		var erased []string
		r, err := s.st.RouteOf(ctx, chat)
		if err != nil {
			return nil, err
		}
		if err := s.st.ClearDep(ctx, chat); err != nil {
			return nil, err
		}
		if r.Own != "" {
			if err := s.forgetCase(ctx, b, chat, r.Own); err != nil {
				return erased, err
			}
			erased = append(erased, "handoff_forgot_case")
		}
		if _, err := s.st.Volunteer(ctx, chat); err == nil && b != nil {
			if err := s.dropVolunteer(ctx, b, chat); err != nil {
				return erased, err
			}
			erased = append(erased, "handoff_forgot_volunteer")
		}
		return erased, nil
	}
}

func (s *Service) forgetCase(ctx context.Context, b *bot.Bot, chat int64, ref string) error {
	c, err := s.st.Get(ctx, ref)
	if errors.Is(err, ErrNoCase) {
		return nil
	}
	if errors.Is(err, ErrUnreadable) {
		// Erased all the same: nothing of it can be read, everything
		// pointing at it goes; the person hears it in /forget's answer.
		return s.lost(ctx, b, ref, loss{chat: chat, holder: true})
	}
	if err != nil {
		return err
	}
	holder, err := s.st.Close(ctx, c, 0, Cancelled, false, s.cfg.Clock())
	if err != nil && !errors.Is(err, ErrNoCase) {
		return err
	}
	if holder != 0 && b != nil {
		s.tellVolunteer(ctx, b, holder, "handoff_vol_person_left", flows.Args{"Ref": c.Ref})
	}
	return nil
}

// Bound keeps the running bot for the forgetter, which bot.Forgetter's
// signature does not carry. The middleware sets it when the bot is built.
type Bound struct{ p atomic.Pointer[bot.Bot] }

// Set records the bot.
func (x *Bound) Set(b *bot.Bot) { x.p.Store(b) }

// Get returns the bot, or nil before it is built.
func (x *Bound) Get() *bot.Bot { return x.p.Load() }
