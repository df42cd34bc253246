package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// PollOptions tune long polling; zero values take the defaults.
type PollOptions struct {
	Timeout    int           // seconds a getUpdates call waits for updates
	MinBackoff time.Duration // first pause after a failure; default 1s
	MaxBackoff time.Duration // longest pause; default 1m
	// Wait pauses for d or until ctx ends (tests observe the pauses);
	// default a timer.
	Wait   func(ctx context.Context, d time.Duration)
	Logger *slog.Logger
}

func (o *PollOptions) defaults() {
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	if o.Wait == nil {
		o.Wait = sleep
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// Poll receives updates by long polling until ctx ends, handing each to
// admit in order, with the default options but the long-poll timeout.
func (c *Client) Poll(ctx context.Context, timeout int, admit func(context.Context, bot.Update) error, log *slog.Logger) error {
	return c.PollWith(ctx, PollOptions{Timeout: timeout, Logger: log}, admit)
}

// PollWith receives updates by long polling until ctx ends. Telegram
// forgets the updates below the offset a getUpdates call asks for, so an
// update is confirmed only once admit accepted it (made it durable): an
// update admit refuses is offered again, after a pause, for as long as it
// takes — Telegram keeps it meanwhile. A failed getUpdates is retried
// after a pause that doubles, or after the retry_after of a 429.
func (c *Client) PollWith(ctx context.Context, opt PollOptions, admit func(context.Context, bot.Update) error) error {
	opt.defaults()
	api := *c.api
	api.Client = ctxClient{ctx: ctx, c: &http.Client{Timeout: time.Duration(opt.Timeout+15) * time.Second}}
	cfg := tgbotapi.NewUpdate(0)
	cfg.Timeout = opt.Timeout
	backoff := opt.MinBackoff
	for ctx.Err() == nil {
		updates, err := c.getUpdates(&api, cfg)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			pause := backoff
			var retry *bot.RetryError
			if errors.As(err, &retry) && retry.RetryAfter > 0 {
				pause = retry.RetryAfter // Telegram said how long
			} else {
				backoff = min(2*backoff, opt.MaxBackoff)
			}
			opt.Logger.Warn("get updates", "err", err, "retry_in", pause)
			opt.Wait(ctx, pause)
			continue
		}
		backoff = opt.MinBackoff
		for _, u := range updates {
			if u.ChatID != 0 && !admitted(ctx, u, admit, opt) {
				return nil // stopping: Telegram keeps what was not confirmed
			}
			cfg.Offset = int(u.ID) + 1
		}
	}
	return nil
}

// admitted offers u to admit until it takes it, pausing between tries;
// false when ctx ended first.
func admitted(ctx context.Context, u bot.Update, admit func(context.Context, bot.Update) error, opt PollOptions) bool {
	pause := opt.MinBackoff
	for ctx.Err() == nil {
		err := admit(ctx, u)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			break
		}
		opt.Logger.Warn("update not taken, kept at Telegram and offered again", "update_id", u.ID, "retry_in", pause, "err", err)
		opt.Wait(ctx, pause)
		pause = min(2*pause, opt.MaxBackoff)
	}
	return false
}

// getUpdates calls getUpdates and decodes each update itself, from the
// raw JSON: tgbotapi v5.5.1 does not know every field the bot reads
// (forward_origin). Updates with nothing to answer come back with ok
// false, so the offset still moves past them.
func (c *Client) getUpdates(api *tgbotapi.BotAPI, cfg tgbotapi.UpdateConfig) ([]bot.Update, error) {
	resp, err := api.Request(cfg)
	if err != nil {
		return nil, c.Translate(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, c.Translate(fmt.Errorf("decode updates: %w", err))
	}
	out := make([]bot.Update, 0, len(raws))
	for _, raw := range raws {
		u, ok, err := Decode(raw)
		if err != nil {
			// An update the bot cannot read is skipped, not retried for
			// ever; its ID alone moves the offset.
			var head struct {
				ID int64 `json:"update_id"`
			}
			if json.Unmarshal(raw, &head) != nil {
				return nil, c.Translate(err)
			}
			u, ok = bot.Update{ID: head.ID}, false
		}
		if !ok {
			u = bot.Update{ID: u.ID} // no chat: admit has nothing to do
		}
		out = append(out, u)
	}
	return out, nil
}

// Convert turns a Bot API update into a bot.Update; false for updates
// with no chat to answer (inline queries, channel membership…). A
// message with tgbotapi's forward_date is forwarded; the newer
// forward_origin is read by Decode from the raw JSON.
func Convert(raw tgbotapi.Update) (bot.Update, bool) {
	u := bot.Update{ID: int64(raw.UpdateID)}
	switch {
	case raw.Message != nil && raw.Message.Chat != nil:
		m := raw.Message
		u.ChatID, u.Private = m.Chat.ID, m.Chat.IsPrivate()
		u.Kind, u.Text = bot.Message, m.Text
		u.Forwarded = m.ForwardDate != 0 || m.ForwardFrom != nil || m.ForwardFromChat != nil || m.ForwardSenderName != ""
		if m.Text == "" || u.Forwarded {
			// Someone else's words (maybe about someone else) are neither
			// an answer nor worth keeping while the update waits.
			u.Kind, u.Text = bot.Unsupported, ""
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
