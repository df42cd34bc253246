package telegram

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/anefbot/anefbot/bot"
)

// ctxClient binds every request to a context, so that a long poll ends
// at once on shutdown instead of after its timeout.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (c ctxClient) Do(r *http.Request) (*http.Response, error) { return c.c.Do(r.WithContext(c.ctx)) }

// Poll receives updates by long polling until ctx ends, handing each to
// submit in order. Errors are retried with a capped backoff.
func (c *Client) Poll(ctx context.Context, timeout int, submit func(context.Context, bot.Update) error, log *slog.Logger) error {
	return c.PollBatches(ctx, timeout, submit, nil, log)
}

// PollBatches is Poll with settle, called after each batch is submitted
// and before the next getUpdates, which tells Telegram the batch is done
// (Telegram forgets updates below the offset asked for): settle waits
// until the batch is handled, so a crash never loses an update. nil
// settles nothing.
func (c *Client) PollBatches(ctx context.Context, timeout int, submit func(context.Context, bot.Update) error, settle func(context.Context), log *slog.Logger) error {
	api := *c.api
	api.Client = ctxClient{ctx: ctx, c: &http.Client{Timeout: time.Duration(timeout+15) * time.Second}}
	cfg := tgbotapi.NewUpdate(0)
	cfg.Timeout = timeout
	backoff := time.Second
	for ctx.Err() == nil {
		updates, err := api.GetUpdates(cfg)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			log.Warn("get updates", "err", c.Translate(err), "retry_in", backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			backoff = min(2*backoff, time.Minute)
			continue
		}
		backoff = time.Second
		for _, raw := range updates {
			cfg.Offset = raw.UpdateID + 1
			u, ok := Convert(raw)
			if !ok {
				continue
			}
			if err := submit(ctx, u); err != nil {
				return err
			}
		}
		if settle != nil {
			settle(ctx)
		}
	}
	return nil
}

// Convert turns a Bot API update into a bot.Update; false for updates
// with no chat to answer (inline queries, channel membership…).
func Convert(raw tgbotapi.Update) (bot.Update, bool) {
	u := bot.Update{ID: int64(raw.UpdateID)}
	switch {
	case raw.Message != nil && raw.Message.Chat != nil:
		m := raw.Message
		u.ChatID, u.Private = m.Chat.ID, m.Chat.IsPrivate()
		u.Kind, u.Text = bot.Message, m.Text
		if m.Text == "" || m.ForwardDate != 0 {
			u.Kind = bot.Unsupported
		}
		if m.From != nil {
			u.UserID, u.LangCode = m.From.ID, m.From.LanguageCode
		}
	case raw.CallbackQuery != nil:
		q := raw.CallbackQuery
		if q.Message == nil || q.Message.Chat == nil {
			return u, false
		}
		u.ChatID, u.Private = q.Message.Chat.ID, q.Message.Chat.IsPrivate()
		u.Kind, u.Data, u.CallbackID = bot.Callback, q.Data, q.ID
		if q.From != nil {
			u.UserID, u.LangCode = q.From.ID, q.From.LanguageCode
		}
	case raw.EditedMessage != nil && raw.EditedMessage.Chat != nil:
		m := raw.EditedMessage
		u.ChatID, u.Private, u.Kind, u.Edited = m.Chat.ID, m.Chat.IsPrivate(), bot.Unsupported, true
		if m.From != nil {
			u.UserID, u.LangCode = m.From.ID, m.From.LanguageCode
		}
	default:
		return u, false
	}
	return u, u.ChatID != 0
}
