package privacy

import (
	"context"
	"errors"
	"strings"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// Item is one thing a feature holds about a person: a label (a message ID,
// rendered in the person's language) and the value as stored, or a
// message ID alone (an answer chosen with a button).
type Item struct {
	ID   string
	Args flows.Args
	Text string // the stored value (a date, what the person typed); may be empty
	// ValueID, instead of Text, is an answer chosen with a button: the
	// message ID of the button's label.
	ValueID string
}

// Holding is what one feature holds about a person, under a title (a
// message ID).
type Holding struct {
	Title string
	Items []Item
}

// Exporter returns what one feature holds about a chat, read through that
// feature's own store; nothing held is no Holding and no error.
type Exporter func(ctx context.Context, chatID int64) ([]Holding, error)

// Access answers /mydata (GDPR art. 15, the right of access): it sends
// the person a text file of everything the features hold about them. It
// is safe for concurrent use.
type Access struct {
	exporters func() []Exporter
}

// NewAccess returns /mydata over the exporters, read at each request
// (features register theirs while the bot is assembled).
func NewAccess(exporters func() []Exporter) *Access {
	return &Access{exporters: exporters}
}

// Middleware takes /mydata in private chats.
func (a *Access) Middleware(b *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		if !u.Private || u.Kind != bot.Message {
			return next(ctx, u)
		}
		if name, _, _ := bot.Command(u.Text); name != "mydata" {
			return next(ctx, u)
		}
		lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
		if err != nil {
			return err
		}
		return a.send(ctx, b, u.ChatID, lang)
	}
}

// send gathers every feature's holdings and sends them as one file. A
// feature that fails does not hide the others: the person is told part
// is missing and may ask again.
func (a *Access) send(ctx context.Context, b *bot.Bot, chatID int64, lang string) error {
	var all []Holding
	var errs []error
	for _, export := range a.exporters() {
		hs, err := export(ctx, chatID)
		all = append(all, hs...)
		errs = append(errs, err)
	}
	failed := errors.Join(errs...)
	if failed != nil {
		b.Logger().Error("mydata", "chat", bot.ChatHash(chatID), "err", failed)
	}
	if len(all) == 0 {
		id := "mydata_nothing"
		if failed != nil {
			id = "mydata_failed"
		}
		return b.Say(ctx, chatID, lang, id, nil)
	}
	text, err := renderHoldings(b, lang, all)
	if err != nil {
		return err
	}
	caption := "mydata_caption"
	if failed != nil {
		caption = "mydata_partial"
	}
	cap, err := b.Catalog().Text(lang, caption, nil)
	if err != nil {
		return err
	}
	doc := &bot.Document{Name: fileName, Data: []byte(text)}
	return b.Sender().Send(ctx, bot.Out{ChatID: chatID, Text: cap, Document: doc})
}

// fileName is the name of the file /mydata sends: plain ASCII, which
// every phone can save.
const fileName = "anefbot-mydata.txt"

// renderHoldings writes the holdings as plain text, one section each.
func renderHoldings(b *bot.Bot, lang string, hs []Holding) (string, error) {
	var sb strings.Builder
	for i, h := range hs {
		title, err := b.Catalog().Text(lang, h.Title, nil)
		if err != nil {
			return "", err
		}
		if i > 0 {
			sb.WriteString("\n")
		}
		sb.WriteString("== " + title + " ==\n")
		for _, it := range h.Items {
			sb.WriteString(renderItem(b, lang, it) + "\n")
		}
	}
	return sb.String(), nil
}

// renderItem renders a label and its value. A question whose text needs
// arguments the file cannot give (a date computed in the conversation)
// shows "…" in their place; a label that does not render at all is shown
// by its ID rather than dropped: the person gets everything.
func renderItem(b *bot.Bot, lang string, it Item) string {
	if it.ID == "" {
		return "• " + it.Text
	}
	args := it.Args
	if args == nil {
		args = flows.Args{}
		for _, a := range b.Catalog().Args(it.ID) {
			args[a] = "…"
		}
	}
	label, err := b.Catalog().Text(lang, it.ID, args)
	if err != nil {
		label = it.ID
	}
	label = strings.TrimSpace(label)
	if it.ValueID != "" {
		if v, err := b.Catalog().Text(lang, it.ValueID, nil); err == nil {
			it.Text = "→ " + strings.TrimSpace(v)
		}
	}
	if it.Text == "" {
		return "• " + label
	}
	return "• " + label + " " + it.Text
}
