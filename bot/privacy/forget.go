package privacy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// Button data of this package: "p:" then what the button does. Like every
// feature's buttons they reach no one else's data: a press acts only on
// the chat it comes from, which Telegram sets, never on an ID in the data.
const (
	dataPrefix = "p:"
	dataYes    = "p:fy:" // + Unix time the question was asked
	dataNo     = "p:fn"
)

// confirmFor is how long a "yes, erase everything" button stays valid: a
// press on an old message days later is more likely a slip than a wish.
const confirmFor = 15 * time.Minute

// Config wires the privacy commands.
type Config struct {
	// EraseSession deletes the chat's conversation; it reports whether
	// there was one.
	EraseSession func(ctx context.Context, chatID int64) (bool, error)
	// Forgetters returns every feature's eraser, at the time of the
	// /forget (features register theirs while the bot is assembled).
	Forgetters func() []bot.Forgetter
	// Sweep, when set, runs last and erases whatever is left under the
	// chat's hash tag (see Sweep).
	Sweep bot.Forgetter
	// RetentionDays is how long an idle conversation is kept.
	RetentionDays int
	// Clock defaults to time.Now.
	Clock bot.Clock
	// Notice is who runs the bot and the retention of this deployment,
	// for /privacy (see notice.go).
	Notice Notice
}

// Commands answers /privacy and /forget, and the buttons of /forget. It
// is safe for concurrent use.
type Commands struct {
	cfg Config
}

// NewCommands returns the privacy commands.
func NewCommands(cfg Config) *Commands {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return &Commands{cfg: cfg}
}

// Middleware takes /privacy, /forget and their buttons in private chats,
// and hands everything else on.
func (c *Commands) Middleware(b *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		if !u.Private {
			return next(ctx, u)
		}
		switch {
		case u.Kind == bot.Callback && strings.HasPrefix(u.Data, dataPrefix):
			return c.press(ctx, b, u)
		case u.Kind == bot.Message:
			switch name, _, _ := bot.Command(u.Text); name {
			case "privacy":
				return c.privacy(ctx, b, u)
			case "forget":
				return c.ask(ctx, b, u)
			}
		}
		return next(ctx, u)
	}
}

func (c *Commands) privacy(ctx context.Context, b *bot.Bot, u bot.Update) error {
	lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
	if err != nil {
		return err
	}
	return c.notice(ctx, b, u.ChatID, lang)
}

// ask asks for confirmation: erasing cannot be undone.
func (c *Commands) ask(ctx context.Context, b *bot.Bot, u bot.Update) error {
	lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
	if err != nil {
		return err
	}
	now := strconv.FormatInt(c.cfg.Clock().Unix(), 10)
	return b.Reply(ctx, u.ChatID, lang, []flows.Reply{{
		Parts: []flows.Part{{ID: "forget_confirm"}},
		Choices: []flows.Choice{
			{Data: dataYes + now, Label: "forget_btn_yes"},
			{Data: dataNo, Label: "forget_btn_no"},
		},
	}})
}

// press handles the answer to the confirmation. Any other "p:" data is
// forged or from a future version: the person is told it is stale.
func (c *Commands) press(ctx context.Context, b *bot.Bot, u bot.Update) error {
	b.Ack(ctx, u)
	lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
	if err != nil {
		return err
	}
	switch {
	case u.Data == dataNo:
		return b.Say(ctx, u.ChatID, lang, "forget_cancelled", nil)
	case strings.HasPrefix(u.Data, dataYes) && c.fresh(strings.TrimPrefix(u.Data, dataYes)):
		return c.forget(ctx, b, u.ChatID, lang)
	default:
		return b.Say(ctx, u.ChatID, lang, "forget_expired", nil)
	}
}

// fresh reports whether a confirmation asked at unix is still valid.
func (c *Commands) fresh(unix string) bool {
	sec, err := strconv.ParseInt(unix, 10, 64)
	if err != nil {
		return false
	}
	age := c.cfg.Clock().Sub(time.Unix(sec, 0))
	return age >= -time.Minute && age <= confirmFor // a minute of clock skew between replicas
}

// forget erases the session and everything each feature keeps, then says
// what is gone. A feature that fails does not stop the others; the person
// is told something could not be erased, so they can try again.
func (c *Commands) forget(ctx context.Context, b *bot.Bot, chatID int64, lang string) error {
	var erased []string
	var errs []error
	if c.cfg.Forgetters != nil {
		for _, f := range c.cfg.Forgetters() {
			ids, err := f(ctx, chatID)
			erased = append(erased, ids...)
			errs = append(errs, err)
		}
	}
	// The session last: a feature's eraser may read it to find its keys.
	had, err := c.cfg.EraseSession(ctx, chatID)
	errs = append(errs, err)
	if had {
		erased = append([]string{"erased_answers"}, erased...)
	}
	if c.cfg.Sweep != nil {
		_, err := c.cfg.Sweep(ctx, chatID)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		b.Logger().Error("forget", "chat", bot.ChatHash(chatID), "err", err)
		erased = append(erased, "forget_failed")
	}
	b.Logger().Info("forgotten", "chat", bot.ChatHash(chatID), "items", len(erased))
	out, err := bot.Render(b.Catalog(), lang, chatID, forgotten(erased))
	if err != nil {
		return err
	}
	out.Erased = true // nothing is written about the chat, whatever Telegram answers
	if err := b.Sender().Send(ctx, out); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// forgotten lists what was erased, and reminds that the chat itself is
// kept by Telegram on the person's phone until they delete it.
func forgotten(erased []string) flows.Reply {
	r := flows.Reply{Parts: []flows.Part{{ID: "forget_done"}}}
	if len(erased) == 0 {
		r.Parts[0].ID = "forget_nothing"
	}
	for _, id := range erased {
		r.Parts = append(r.Parts, flows.Part{ID: id})
	}
	r.Parts = append(r.Parts, flows.Part{ID: "forget_telegram"})
	return r
}
