package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// maxAttempts bounds the load-step-save retries when concurrent updates of
// one chat race (across replicas; on one replica the Pool serialises them).
// Each round has a winner, so n racing updates need at most n rounds.
const maxAttempts = 64

// maxTextRunes is the longest text handed to the engine: Telegram's own
// message limit.
const maxTextRunes = 4096

// Config wires a Bot.
type Config struct {
	Engine  *flows.Engine
	Store   SessionStore
	Catalog *locales.Catalog
	Sender  Sender
	Clock   Clock        // defaults to time.Now
	Logger  *slog.Logger // defaults to slog.Default()
	// Effects maps an effect kind to its handler; kinds without one are
	// ignored.
	Effects map[string]EffectFunc
	// Middlewares wrap Handle, the first outermost.
	Middlewares []Middleware
	// Lost, when set, counts a record found unreadable (sealed with a key
	// no longer configured) and treated as lost; kind is "session",
	// "case" or "draft". A metric, shared with the features.
	Lost func(kind string)
}

// Bot handles updates. It is safe for concurrent use, but updates of one
// chat must be handed to it in order (see Pool).
type Bot struct {
	cfg     Config
	paris   *time.Location
	log     *slog.Logger
	handler Handler
}

// New returns a Bot.
func New(cfg Config) (*Bot, error) {
	if cfg.Engine == nil || cfg.Store == nil || cfg.Catalog == nil || cfg.Sender == nil {
		return nil, errors.New("bot: engine, store, catalog and sender are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("bot: load Europe/Paris: %w", err)
	}
	b := &Bot{cfg: cfg, paris: paris, log: cfg.Logger.With("component", "bot")}
	b.handler = b.converse
	for i := len(cfg.Middlewares) - 1; i >= 0; i-- {
		b.handler = cfg.Middlewares[i](b, b.handler)
	}
	return b, nil
}

// Handle processes one update through the middlewares, then the
// conversation engine.
func (b *Bot) Handle(ctx context.Context, u Update) error { return b.handler(ctx, u) }

// Store returns the session store.
func (b *Bot) Store() SessionStore { return b.cfg.Store }

// Catalog returns the message catalog.
func (b *Bot) Catalog() *locales.Catalog { return b.cfg.Catalog }

// Engine returns the conversation engine.
func (b *Bot) Engine() *flows.Engine { return b.cfg.Engine }

// Sender returns the sender every reply goes through.
func (b *Bot) Sender() Sender { return b.cfg.Sender }

// Logger returns the bot's logger.
func (b *Bot) Logger() *slog.Logger { return b.cfg.Logger }

// Now returns the current time in Europe/Paris, the time zone of every
// date the bot computes.
func (b *Bot) Now() time.Time { return b.cfg.Clock().In(b.paris) }

// Lang returns the language to answer a chat in: its session's, else the
// closest to the client's setting.
func (b *Bot) Lang(ctx context.Context, chatID int64, langCode string) (string, error) {
	s, err := b.cfg.Store.Load(ctx, chatID)
	if err != nil {
		return "", fmt.Errorf("load session: %w", err)
	}
	if s.Lang != "" {
		return s.Lang, nil
	}
	return b.cfg.Catalog.Match(langCode), nil
}

// Ack acknowledges a button press so the client stops its spinner; other
// updates need none. A failure only costs the spinner: it is logged. When
// the transport can carry the acknowledgement in its answer to the update
// (u.Inline), no request is made.
func (b *Bot) Ack(ctx context.Context, u Update) {
	if u.Kind != Callback || u.CallbackID == "" {
		return
	}
	if u.Inline != nil && u.Inline.Take(u.CallbackID) {
		return
	}
	if err := b.cfg.Sender.Ack(ctx, u.CallbackID); err != nil {
		b.log.Warn("ack callback", "chat", ChatHash(u.ChatID), "err", err)
	}
}

// Say renders one message ID with its arguments in lang and sends it.
func (b *Bot) Say(ctx context.Context, chatID int64, lang, id string, args flows.Args) error {
	return b.Reply(ctx, chatID, lang, []flows.Reply{{Parts: []flows.Part{{ID: id, Args: args}}}})
}

// converse is the innermost handler: the conversation engine. At most one
// Redis read and one conditional write on the common path, then replies.
func (b *Bot) converse(ctx context.Context, u Update) error {
	b.Ack(ctx, u)
	if !u.Private {
		return b.notPrivate(ctx, u)
	}
	in, ok := b.input(u)
	if !ok {
		return b.unsupported(ctx, u)
	}
	res, lost, err := b.step(ctx, u.ChatID, in)
	if err != nil {
		return err
	}
	if lost {
		res.Replies = append([]flows.Reply{b.lostSession(u)}, res.Replies...)
	}
	if err := b.Reply(ctx, u.ChatID, res.Session.Lang, res.Replies); err != nil {
		return err
	}
	b.runEffects(ctx, u.ChatID, res)
	return nil
}

// step loads, steps and saves, retrying on a concurrent change: the loser
// of a race recomputes on the fresh state, so no update is lost. lost
// reports that the stored session could not be read and was replaced:
// the replacement is saved even when the step changed nothing, so the
// person is told once.
func (b *Bot) step(ctx context.Context, chatID int64, in flows.Input) (res flows.Result, lost bool, err error) {
	for attempt := 1; ; attempt++ {
		s, err := b.cfg.Store.Load(ctx, chatID)
		if err != nil {
			return flows.Result{}, false, fmt.Errorf("load session: %w", err)
		}
		lost, s.Lost = s.Lost, false
		res := b.cfg.Engine.Step(s, in)
		res.Session.Lost = false
		if !res.Changed && !lost {
			return res, false, nil
		}
		v, err := b.cfg.Store.Save(ctx, chatID, res.Session)
		if err == nil {
			res.Session.Version = v
			b.log.Debug("step", "chat", ChatHash(chatID), "session", res.Session)
			return res, lost, nil
		}
		if !errors.Is(err, ErrConflict) || attempt == maxAttempts {
			return flows.Result{}, false, fmt.Errorf("save session: %w", err)
		}
		// Spread the losers out so they do not collide again at once.
		time.Sleep(time.Duration(rand.Int64N(int64(attempt)*int64(time.Millisecond)) + 1))
	}
}

// lostSession is the word to a person whose saved conversation could not
// be read (its key is gone): said once, before the answer to what they
// sent, which starts afresh.
func (b *Bot) lostSession(u Update) flows.Reply {
	if b.cfg.Lost != nil {
		b.cfg.Lost("session")
	}
	b.log.Warn("unreadable session replaced", "chat", ChatHash(u.ChatID))
	return flows.Reply{Parts: []flows.Part{{ID: "lost_session"}}}
}

func (b *Bot) runEffects(ctx context.Context, chatID int64, res flows.Result) {
	for _, e := range res.Effects {
		fn, ok := b.cfg.Effects[e.Kind]
		if !ok {
			continue
		}
		if err := fn(ctx, b, chatID, res.Session, e); err != nil {
			b.log.Error("effect", "kind", e.Kind, "chat", ChatHash(chatID), "err", err)
		}
	}
}

// input turns an update into an engine input; false for what the engine
// cannot take.
func (b *Bot) input(u Update) (flows.Input, bool) {
	in := flows.Input{Lang: b.cfg.Catalog.Match(u.LangCode), Now: b.cfg.Clock().In(b.paris)}
	switch u.Kind {
	case Callback:
		in.Kind, in.Data = flows.Press, u.Data
	case Message:
		text := strings.TrimSpace(sanitize(u.Text))
		if text == "" {
			return in, false
		}
		if name, arg, ok := Command(text); ok {
			in.Kind, in.Data, in.Arg = flows.Command, name, arg
		} else {
			in.Kind, in.Data = flows.Text, text
		}
	default:
		return in, false
	}
	return in, true
}

// Command splits "/start@anefbot payload" into "start" and "payload"; ok
// is false for anything that is not a command. Every feature that takes
// commands reads them through it, so they all agree on what a command is.
func Command(text string) (name, arg string, ok bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	head, arg := text[1:], ""
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 {
		head, arg = head[:i], head[i:]
	}
	head, _, _ = strings.Cut(head, "@")
	head = strings.ToLower(head)
	if !commandName(head) {
		return "", "", false
	}
	return head, strings.TrimSpace(arg), true
}

// commandName reports whether s can be a Telegram command: 1 to 32 Latin
// letters, digits and underscores. Anything else ("/📎", a 4,000-character
// word) is text, so that it is never echoed back in "unknown command".
func commandName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// sanitize drops control characters (but keeps line breaks) and caps the
// length, so nothing odd reaches the engine or the store.
func sanitize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var sb strings.Builder
	n := 0
	for _, r := range s {
		if n == maxTextRunes {
			break
		}
		if r < 0x20 && r != '\n' || r == 0x7f {
			continue
		}
		sb.WriteRune(r)
		n++
	}
	return sb.String()
}

// unsupported answers a sticker, photo, voice note… with what the bot can
// take, in the person's language, and changes nothing.
// After the explanation comes the current question again, so the person
// sees what this step can take (a date to type, buttons to press).
func (b *Bot) unsupported(ctx context.Context, u Update) error {
	s, err := b.cfg.Store.Load(ctx, u.ChatID)
	if err != nil {
		return fmt.Errorf("load session: %w", err)
	}
	lang := s.Lang
	if lang == "" {
		lang = b.cfg.Catalog.Match(u.LangCode)
	}
	id := "unsupported_input"
	switch {
	case u.Forwarded:
		id = "forwarded_message"
	case u.Edited:
		id = "edited_unsupported"
	}
	replies := append([]flows.Reply{{Parts: []flows.Part{{ID: id}}}}, b.cfg.Engine.Current(s, b.Now())...)
	return b.Reply(ctx, u.ChatID, lang, replies)
}

// notPrivate: the bot only works in private chats, where what people say
// stays between them and the bot. In a group it answers /start only.
func (b *Bot) notPrivate(ctx context.Context, u Update) error {
	name, _, ok := Command(u.Text)
	if u.Kind != Message || !ok || name != "start" {
		return nil
	}
	return b.Say(ctx, u.ChatID, b.cfg.Catalog.Match(u.LangCode), "private_only", nil)
}

// Reply renders replies in lang and sends them in order.
func (b *Bot) Reply(ctx context.Context, chatID int64, lang string, replies []flows.Reply) error {
	for _, r := range replies {
		out, err := Render(b.cfg.Catalog, lang, chatID, r)
		if err != nil {
			return err
		}
		if err := b.cfg.Sender.Send(ctx, out); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	return nil
}
