package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ErrTokenRefused means the Bot API answered, and refused the token (or
// knows no such bot): the endpoint is right, the token is not.
var ErrTokenRefused = errors.New("the Bot API refused the token")

// Probe checks the token with getMe like Dial, but gives up after timeout:
// it is for `anefbot check`, which must answer quickly when the endpoint
// cannot be reached. A refused token is ErrTokenRefused; anything else is
// the endpoint that could not be reached. Errors never contain the token.
func Probe(token, endpoint string, timeout time.Duration) (*Client, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	hc := &http.Client{Timeout: timeout}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, hc)
	if err != nil {
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) {
			return nil, fmt.Errorf("%w (%d %s)", ErrTokenRefused, apiErr.Code, redactText(apiErr.Message, token))
		}
		return nil, redact(err, token)
	}
	return &Client{api: api, token: token, http: hc}, nil
}

// Group is what the bot sees of a group it should work in.
type Group struct {
	Title   string
	IsForum bool // topics are on
	// Status is the bot's membership: "creator", "administrator",
	// "member", "restricted", "left" or "kicked".
	Status string
	// CanManageTopics: the bot may create, rename and close topics.
	CanManageTopics bool
}

// ErrChatNotFound means the Bot API knows no such chat, or the bot is not
// in it.
var ErrChatNotFound = errors.New("chat not found, or the bot is not in it")

// Group reads a group's settings (getChat) and the bot's rights in it
// (getChatMember). go-telegram-bot-api predates forum topics, so the
// fields are read from the raw answers.
func (c *Client) Group(ctx context.Context, chatID int64) (Group, error) {
	var g Group
	var chat struct {
		Title   string `json:"title"`
		IsForum bool   `json:"is_forum"`
	}
	if err := c.call(ctx, "getChat", tgbotapi.Params{"chat_id": strconv.FormatInt(chatID, 10)}, &chat); err != nil {
		return g, err
	}
	g.Title, g.IsForum = chat.Title, chat.IsForum
	var member struct {
		Status          string `json:"status"`
		CanManageTopics bool   `json:"can_manage_topics"`
	}
	params := tgbotapi.Params{"chat_id": strconv.FormatInt(chatID, 10), "user_id": strconv.FormatInt(c.api.Self.ID, 10)}
	if err := c.call(ctx, "getChatMember", params, &member); err != nil {
		return g, err
	}
	g.Status = member.Status
	// The creator holds every right; the field is only sent for admins.
	g.CanManageTopics = member.CanManageTopics || member.Status == "creator"
	return g, nil
}

// call makes one request and decodes its result. A 400 or 403 on a chat
// is ErrChatNotFound: the bot cannot see it.
func (c *Client) call(ctx context.Context, method string, params tgbotapi.Params, out any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	resp, err := c.api.MakeRequest(method, params)
	if err != nil {
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && (apiErr.Code == 400 || apiErr.Code == 403) {
			return fmt.Errorf("%s: %w", method, ErrChatNotFound)
		}
		return fmt.Errorf("%s: %w", method, redact(err, c.token))
	}
	if err := json.Unmarshal(resp.Result, out); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// Webhook is what Telegram says of the bot's webhook (getWebhookInfo).
type Webhook struct {
	URL     string // empty: none registered
	Pending int    // updates waiting to be delivered
	// LastError is Telegram's last failure to deliver ("Connection
	// refused", "SSL error…") and LastErrorAt when it happened; empty when
	// deliveries succeed.
	LastError   string
	LastErrorAt time.Time
}

// Webhook reads the webhook Telegram has for the bot.
func (c *Client) Webhook(ctx context.Context) (Webhook, error) {
	var info struct {
		URL              string `json:"url"`
		Pending          int    `json:"pending_update_count"`
		LastErrorDate    int64  `json:"last_error_date"`
		LastErrorMessage string `json:"last_error_message"`
	}
	if err := c.call(ctx, "getWebhookInfo", tgbotapi.Params{}, &info); err != nil {
		return Webhook{}, err
	}
	w := Webhook{URL: info.URL, Pending: info.Pending, LastError: info.LastErrorMessage}
	if info.LastErrorDate > 0 {
		w.LastErrorAt = time.Unix(info.LastErrorDate, 0)
	}
	return w, nil
}
