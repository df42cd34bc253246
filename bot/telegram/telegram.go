// Package telegram is anefbot's Telegram transport, on
// github.com/go-telegram-bot-api/telegram-bot-api/v5: it turns Bot API
// updates into bot.Updates (long polling), and sends bot.Out messages.
// Telegram's errors are translated here, once, into bot's errors; the bot
// token never appears in an error or a log.
package telegram

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/anefbot/anefbot/bot"
)

// DefaultEndpoint is Telegram's Bot API, in tgbotapi's endpoint format.
const DefaultEndpoint = tgbotapi.APIEndpoint

// Client talks to the Bot API. It is safe for concurrent use.
type Client struct {
	api   *tgbotapi.BotAPI
	token string
	http  *http.Client
}

// Dial checks the token with getMe. endpoint is in tgbotapi's format
// ("http://127.0.0.1:8081/bot%s/%s"); empty means Telegram's.
func Dial(token, endpoint string) (*Client, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	// Keep connections to the Bot API open: the default transport keeps
	// two idle connections per host, and a busy bot then spends much of
	// its CPU opening new ones.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
	hc := &http.Client{Timeout: 60 * time.Second, Transport: tr}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, hc)
	if err != nil {
		return nil, redact(err, token)
	}
	return &Client{api: api, token: token, http: hc}, nil
}

// Username is the bot's @username, as getMe gave it.
func (c *Client) Username() string { return c.api.Self.UserName }

// API exposes the underlying client for features that need other methods
// (documents, commands); errors from it must go through Translate.
func (c *Client) API() *tgbotapi.BotAPI { return c.api }

// Send implements bot.Sender. It uses Request, not tgbotapi's Send: the
// bot needs only whether Telegram took the message, and decoding the
// Message Telegram returns was a good part of the CPU a reply cost.
func (c *Client) Send(ctx context.Context, m bot.Out) error {
	if m.Document != nil {
		doc := tgbotapi.NewDocument(m.ChatID, tgbotapi.FileBytes{Name: m.Document.Name, Bytes: m.Document.Data})
		doc.Caption = m.Text
		doc.ReplyMarkup = keyboard(m.Buttons)
		_, err := c.api.Request(doc)
		return c.Translate(err)
	}
	msg := tgbotapi.NewMessage(m.ChatID, m.Text)
	msg.DisableWebPagePreview = true
	msg.ReplyMarkup = keyboard(m.Buttons)
	_, err := c.api.Request(msg)
	return c.Translate(err)
}

// keyboard builds an inline keyboard, or nil (no markup) without buttons.
func keyboard(buttons [][]bot.Button) any {
	if len(buttons) == 0 {
		return nil
	}
	rows := make([][]tgbotapi.InlineKeyboardButton, 0, len(buttons))
	for _, row := range buttons {
		r := make([]tgbotapi.InlineKeyboardButton, 0, len(row))
		for _, b := range row {
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
		rows = append(rows, r)
	}
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// Ack implements bot.Sender.
func (c *Client) Ack(ctx context.Context, callbackID string) error {
	_, err := c.api.Request(tgbotapi.NewCallback(callbackID, ""))
	return c.Translate(err)
}

// Translate maps a Bot API error onto bot's errors, with the token removed.
func (c *Client) Translate(err error) error {
	if err == nil {
		return nil
	}
	var apiErr *tgbotapi.Error
	if errors.As(err, &apiErr) {
		msg := errors.New(redactText(apiErr.Message, c.token))
		switch {
		case apiErr.Code == http.StatusTooManyRequests:
			return &bot.RetryError{RetryAfter: time.Duration(apiErr.RetryAfter) * time.Second, Err: msg}
		case apiErr.Code == http.StatusForbidden,
			apiErr.Code == http.StatusBadRequest && strings.Contains(strings.ToLower(apiErr.Message), "chat not found"):
			return errors.Join(bot.ErrUnreachable, msg)
		case apiErr.Code >= 500:
			return &bot.RetryError{Err: msg}
		case apiErr.Code >= 400:
			return errors.Join(bot.ErrRejected, msg)
		}
	}
	// Network errors, timeouts, unreadable answers: worth retrying.
	return &bot.RetryError{Err: redact(err, c.token)}
}

func redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	return errors.New(redactText(err.Error(), token))
}

func redactText(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "REDACTED")
}
