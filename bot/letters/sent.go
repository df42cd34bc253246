package letters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// "I sent it": under a letter, the person records the day they posted it
// and, if they have one, the registered-mail number. The follow-up day is
// computed from that day and the rule that applies, scheduled in their
// reminders (the FollowUp hook) and kept in the session for the
// volunteer's case summary.

// modeSent is the Draft.Mode of the questions recording a letter sent.
const modeSent = "sent"

// Keys of the questions recording a letter sent.
const (
	fSentOn     = "on"
	fRegistered = "rr"
	maxRR       = 30
)

var sentFields = []Field{
	{Key: fSentOn, Kind: DateField, Today: true},
	{Key: fRegistered, Kind: TextField, Optional: true, Max: maxRR},
}

// FollowUpDays is when a letter without a rule of its own is followed up:
// about two weeks, time for an answer to arrive. anef.md §2.3 sets no
// delay for the administration's answer to such a request, so the
// person is only reminded to look.
const FollowUpDays = 15

// Follow-up rules, naming the messages that explain them.
const (
	ruleCRPA    = "crpa"    // L232-4 CRPA: one month to give the reasons
	ruleDefault = "default" // FollowUpDays
)

// followUpOf is the day to follow up a letter sent on sent, and the rule
// it comes from. The reasons of an implicit refusal are due within one
// month (L232-4 CRPA, anef.md §3.4, §3.7); the month runs from the
// préfecture's receipt, so the reminder a month after posting comes at the
// earliest day the answer may be late.
func followUpOf(id string, sent time.Time) (time.Time, string) {
	if id == "motifs" {
		return flows.AddMonths(sent, 1), ruleCRPA
	}
	return sent.AddDate(0, 0, FollowUpDays), ruleDefault
}

// startSent begins recording that letter id was sent, from the button
// under a letter already made.
func (s *Service) startSent(ctx context.Context, b *bot.Bot, u bot.Update, id string) error {
	lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
	if err != nil {
		return err
	}
	if _, ok := ByID(id); !ok {
		return b.Say(ctx, u.ChatID, lang, "letters_stale", nil)
	}
	// A letter being prepared is not dropped for this: the person finishes
	// or cancels it first, and is told so.
	cur, found, err := s.store.Load(ctx, u.ChatID)
	if err != nil {
		return err
	}
	if found && cur.Mode == "" {
		if err := b.Say(ctx, u.ChatID, cur.Lang, "letters_sent_busy", nil); err != nil {
			return err
		}
		return s.ask(ctx, b, u.ChatID, cur)
	}
	d := Draft{Letter: id, Mode: modeSent, Lang: lang, Seq: firstSeq(b.Now()), Values: map[string]string{}}
	return s.saveAndAsk(ctx, b, u.ChatID, d)
}

// record ends "I sent it": the draft goes, the session keeps the letter
// for the case summary, and the follow-up is scheduled when its day is
// still ahead. A day already reached is never offered as a target: the
// person is told to follow up now.
func (s *Service) record(ctx context.Context, b *bot.Bot, chatID int64, d Draft) error {
	sent, err := time.Parse(isoDate, d.Values[fSentOn])
	if err != nil {
		return fmt.Errorf("letter sent: %w", err)
	}
	due, rule := followUpOf(d.Letter, sent)
	if _, err := s.store.Delete(ctx, chatID); err != nil {
		return err
	}
	if err := remember(ctx, b, chatID, d.Letter, sent, d.Values[fRegistered], due); err != nil {
		return err
	}
	b.Logger().Info("letter sent recorded", "component", "letters", "letter", d.Letter, "chat", bot.ChatHash(chatID))
	args := flows.Args{"Sent": sent, "Due": due}
	if !due.After(today(b.Now())) {
		return b.Say(ctx, chatID, d.Lang, "letters_sent_due_"+rule, args)
	}
	if err := b.Say(ctx, chatID, d.Lang, "letters_sent_recorded_"+rule, args); err != nil {
		return err
	}
	if s.followUp == nil {
		return nil
	}
	if err := s.followUp(ctx, chatID, d.Lang, d.Letter, sent, due); err != nil {
		return fmt.Errorf("letter follow-up: %w", err)
	}
	return nil
}

// sessionTries bounds the retries when the session changed meanwhile.
const sessionTries = 3

// remember keeps the letter sent in the person's session, where the case
// summary a volunteer reads is built from (bot/handoff). A chat with no
// session (nobody diagnosed) has no case: nothing is kept.
func remember(ctx context.Context, b *bot.Bot, chatID int64, id string, sent time.Time, rr string, due time.Time) error {
	for range sessionTries {
		sess, err := b.Store().Load(ctx, chatID)
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		if sess.Version == 0 {
			return nil
		}
		if sess.Answers == nil {
			sess.Answers = map[string]string{}
		}
		sess.Answers[flows.KeyLetter] = id
		sess.Answers[flows.KeyLetterSent] = sent.Format(isoDate)
		sess.Answers[flows.KeyLetterFollow] = due.Format(isoDate)
		if rr != "" {
			sess.Answers[flows.KeyLetterRR] = rr
		} else {
			delete(sess.Answers, flows.KeyLetterRR)
		}
		_, err = b.Store().Save(ctx, chatID, sess)
		if !errors.Is(err, bot.ErrConflict) {
			if err != nil {
				return fmt.Errorf("save session: %w", err)
			}
			return nil
		}
	}
	return fmt.Errorf("save session: %w", bot.ErrConflict)
}
