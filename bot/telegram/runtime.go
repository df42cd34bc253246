package telegram

import (
	"context"
	"encoding/json"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/anefbot/anefbot/bot"
)

// Command is one entry of the bot's command menu.
type Command struct {
	Name        string // without the slash
	Description string
}

// SetCommands sets the command menu shown to people whose Telegram is in
// lang (a language_code; "" for everyone else).
func (c *Client) SetCommands(ctx context.Context, lang string, cmds []Command) error {
	list := make([]tgbotapi.BotCommand, len(cmds))
	for i, cmd := range cmds {
		list[i] = tgbotapi.BotCommand{Command: cmd.Name, Description: cmd.Description}
	}
	data, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("encode commands: %w", err)
	}
	params := tgbotapi.Params{"commands": string(data)}
	params.AddNonEmpty("language_code", lang)
	_, err = c.api.MakeRequest("setMyCommands", params)
	return c.Translate(err)
}

// SetWebhook asks Telegram to post updates to url with secret in the
// X-Telegram-Bot-Api-Secret-Token header. tgbotapi v5.5.1 has no field
// for secret_token, so the request is made by hand.
func (c *Client) SetWebhook(ctx context.Context, url, secret string, maxConnections int) error {
	params := tgbotapi.Params{"url": url, "secret_token": secret}
	params.AddNonZero("max_connections", maxConnections)
	data, _ := json.Marshal([]string{"message", "edited_message", "callback_query"})
	params["allowed_updates"] = string(data)
	_, err := c.api.MakeRequest("setWebhook", params)
	return c.Translate(err)
}

// DeleteWebhook removes a webhook, so long polling works (Telegram
// refuses getUpdates while a webhook is set). Pending updates are kept.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	_, err := c.api.Request(tgbotapi.DeleteWebhookConfig{})
	return c.Translate(err)
}

// Typing shows "typing…" in the chat for a few seconds.
func (c *Client) Typing(ctx context.Context, chatID int64) error {
	_, err := c.api.Request(tgbotapi.NewChatAction(chatID, tgbotapi.ChatTyping))
	return c.Translate(err)
}

// Ping checks the Bot API answers, with getMe.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.api.GetMe()
	return c.Translate(err)
}

// Decode reads one update as Telegram sends it (a webhook's body, one
// element of getUpdates' result); ok is false for updates with no chat
// to answer. Fields tgbotapi v5.5.1 does not know are read here from the
// JSON: forward_origin (Bot API 7.0), which replaced forward_from,
// forward_sender_name and forward_date.
func Decode(body []byte) (u bot.Update, ok bool, err error) {
	var raw tgbotapi.Update
	if err := json.Unmarshal(body, &raw); err != nil {
		return bot.Update{}, false, fmt.Errorf("decode update: %w", err)
	}
	u, ok = Convert(raw)
	if ok && u.Kind != bot.Callback && !u.Forwarded {
		var extra struct {
			Message *struct {
				ForwardOrigin json.RawMessage `json:"forward_origin"`
			} `json:"message"`
		}
		if json.Unmarshal(body, &extra) == nil && extra.Message != nil && len(extra.Message.ForwardOrigin) > 0 && string(extra.Message.ForwardOrigin) != "null" {
			u.Forwarded, u.Kind, u.Text = true, bot.Unsupported, ""
		}
	}
	return u, ok, nil
}
