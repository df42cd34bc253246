package letters

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/bot/intake"
	"github.com/anefbot/anefbot/flows"
)

// OfferID is the plan offer's ID: pressing it yields effect "offer:letter".
const OfferID = "letter"

// pressPrefix starts the data of the letter conversation's buttons:
// "l:<seq>:<option>".
const pressPrefix = "l:"

// FollowUp is the hook a reminders feature provides to remind the person,
// on day due, to follow up on a letter sent on day sent. The day due comes
// from the day sent and the rule that applies (followUpOf); see
// docs/letters.md.
type FollowUp func(ctx context.Context, chatID int64, lang, letterID string, sent, due time.Time) error

// Service is the letter conversation: the plan offer, the effect that
// starts it, the middleware that takes the person's answers while a
// letter is prepared, and the forgetter. Safe for concurrent use.
type Service struct {
	store    *Store
	followUp FollowUp
	skip     skipWords
	// Lost, when set, counts a draft found unreadable (a metric).
	Lost func()
}

// NewService returns a Service over store; followUp may be nil.
func NewService(store *Store, followUp FollowUp) *Service {
	return &Service{store: store, followUp: followUp}
}

// Offer is the "Get a letter" button, shown under the plans where a
// letter is a step (For).
func (s *Service) Offer() flows.Offer {
	return flows.Offer{ID: OfferID, Label: "letters_btn_offer", Show: func(plan string, f flows.Facts) bool {
		return len(For(plan, f)) > 0
	}}
}

// lost tells the person, once, that the letter they were preparing could
// not be read again (its key is gone) and is lost; the store has deleted
// it, so what they do next starts afresh.
func (s *Service) lost(ctx context.Context, b *bot.Bot, u bot.Update) error {
	if s.Lost != nil {
		s.Lost()
	}
	b.Logger().Warn("unreadable letter draft dropped", "chat", bot.ChatHash(u.ChatID))
	lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
	if err != nil {
		return err
	}
	return b.Say(ctx, u.ChatID, lang, "lost_draft", nil)
}

// Forget erases the chat's letter in preparation, for /forget.
func (s *Service) Forget(ctx context.Context, chatID int64) ([]string, error) {
	ok, err := s.store.Delete(ctx, chatID)
	if err != nil || !ok {
		return nil, err
	}
	return []string{"letters_forgotten"}, nil
}

// today is the French civil date of now, as flows computes dates.
func today(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// Start is the effect handler of "offer:letter": it offers the letters of
// the plan, or starts the only one.
func (s *Service) Start(ctx context.Context, b *bot.Bot, chatID int64, sess flows.Session, e flows.Effect) error {
	now := b.Now()
	letters := For(e.Data["plan"], flows.Facts{Answers: sess.Answers, Today: today(now)})
	if len(letters) == 0 {
		return b.Say(ctx, chatID, sess.Lang, "letters_none", nil)
	}
	facts := flows.Facts{Answers: sess.Answers, Today: today(now)}
	d := Draft{Lang: sess.Lang, Situation: Situation(e.Data["plan"], facts), Values: known(sess), Seq: firstSeq(now)}
	if len(letters) == 1 {
		return s.choose(ctx, b, chatID, d, letters[0].ID)
	}
	for _, l := range letters {
		d.Offer = append(d.Offer, l.ID)
	}
	return s.saveAndAsk(ctx, b, chatID, d)
}

// pick asks which of the offered letters to prepare.
func pick(d Draft) flows.Reply {
	r := flows.Reply{Parts: []flows.Part{{ID: "letters_pick"}}}
	for _, id := range d.Offer {
		r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "pick="+id), Label: "letters_title_" + id})
	}
	r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "cancel"), Label: "letters_btn_cancel"})
	return r
}

// firstSeq starts a new draft's button numbers away from those of an
// earlier draft, so a button left on an old letter's message never
// matches a question of the new one.
func firstSeq(now time.Time) int { return int(now.Unix()%1_000_000) * 100 }

// known copies what the session already holds for the letters, so it is
// not asked again.
func known(sess flows.Session) map[string]string {
	v := map[string]string{}
	for _, l := range Letters {
		for _, f := range l.Fields {
			if f.Session == "" {
				continue
			}
			if a := sess.Answer(f.Session); a != "" && f.valid(a) {
				v[f.Key] = a
			}
		}
	}
	return v
}

// valid checks a value taken from the session.
func (f Field) valid(v string) bool {
	switch f.Kind {
	case DateField:
		_, err := time.Parse(isoDate, v)
		return err == nil
	case DepField:
		_, ok := Departement(v)
		return ok
	case ChoiceField:
		return contains(f.Choices, v)
	}
	return false
}

func data(seq int, option string) string {
	return pressPrefix + strconv.Itoa(seq) + ":" + option
}

func parseData(s string) (seq int, option string, ok bool) {
	rest, ok := strings.CutPrefix(s, pressPrefix)
	if !ok {
		return 0, "", false
	}
	num, option, ok := strings.Cut(rest, ":")
	seq, err := strconv.Atoi(num)
	return seq, option, ok && err == nil && option != ""
}

// Preload reads the chat's draft in the round trip in which the intake
// gate takes the chat (an intake.Preload), for the updates Middleware
// reads it for.
func (s *Service) Preload(ctx context.Context, pipe redis.Pipeliner, u bot.Update) func(*intake.Unit, bool) {
	if !readsDraft(u) {
		return nil
	}
	return s.store.preload(ctx, pipe, u.ChatID)
}

// readsDraft reports whether Middleware reads or drops the chat's draft
// to handle u: the letter's own buttons (but "remind me"); typed text,
// /cancel and /back, which answer the letter's question when one is
// being prepared; /start, /restart and "start again", which drop it.
func readsDraft(u bot.Update) bool {
	if !u.Private {
		return false
	}
	switch u.Kind {
	case bot.Callback:
		_, opt, ok := parseData(u.Data)
		return strings.HasPrefix(u.Data, pressPrefix) && !(ok && strings.HasPrefix(opt, "remind=")) ||
			strings.HasSuffix(u.Data, ":@restart")
	case bot.Message:
		switch cmd, _, _ := bot.Command(u.Text); cmd {
		case "", "cancel", "back", "start", "restart":
			return true
		}
	}
	return false
}

// Middleware takes the person's answers and button presses while a letter
// is being prepared, before the conversation engine. Only text messages
// and a few commands read the draft (read ahead by Preload under the
// intake gate); other updates pass straight on.
func (s *Service) Middleware(b *bot.Bot, next bot.Handler) bot.Handler {
	return func(ctx context.Context, u bot.Update) error {
		if !u.Private {
			return next(ctx, u)
		}
		switch {
		case u.Kind == bot.Callback && strings.HasPrefix(u.Data, pressPrefix):
			b.Ack(ctx, u)
			return s.press(ctx, b, u)
		case u.Kind == bot.Message:
			return s.message(ctx, b, u, next)
		case u.Kind == bot.Callback && strings.HasSuffix(u.Data, ":@restart"):
			// "Start again" under a plan: the letter is dropped, so that a
			// date typed for the diagnosis is not read as a letter's answer.
			if _, err := s.store.Delete(ctx, u.ChatID); err != nil {
				return err
			}
		}
		return next(ctx, u)
	}
}

func (s *Service) message(ctx context.Context, b *bot.Bot, u bot.Update, next bot.Handler) error {
	cmd, _, _ := bot.Command(u.Text)
	switch cmd {
	case "start", "restart", "forget":
		// Starting over drops the letter in preparation, then the
		// conversation goes on as usual.
		if _, err := s.store.Delete(ctx, u.ChatID); err != nil {
			return err
		}
		return next(ctx, u)
	case "", "cancel", "back":
	default:
		return next(ctx, u)
	}
	d, ok, err := s.store.Load(ctx, u.ChatID)
	if errors.Is(err, ErrDraftLost) {
		return s.lost(ctx, b, u)
	}
	if err != nil {
		return err
	}
	if !ok {
		return next(ctx, u)
	}
	switch cmd {
	case "cancel":
		return s.cancel(ctx, b, u.ChatID, d)
	case "back":
		return s.back(ctx, b, u.ChatID, d)
	}
	return s.answer(ctx, b, u.ChatID, d, u.Text)
}

func (s *Service) press(ctx context.Context, b *bot.Bot, u bot.Update) error {
	seq, opt, ok := parseData(u.Data)
	if id, found := strings.CutPrefix(opt, "remind="); ok && found {
		return s.remind(ctx, b, u, id)
	}
	if id, found := strings.CutPrefix(opt, "sent="); ok && found {
		return s.startSent(ctx, b, u, id)
	}
	d, found, err := s.store.Load(ctx, u.ChatID)
	if errors.Is(err, ErrDraftLost) {
		return s.lost(ctx, b, u)
	}
	if err != nil {
		return err
	}
	if !found {
		lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
		if err != nil {
			return err
		}
		return b.Say(ctx, u.ChatID, lang, "letters_expired", nil)
	}
	if !ok || seq != d.Seq {
		if err := b.Say(ctx, u.ChatID, d.Lang, "letters_stale", nil); err != nil {
			return err
		}
		return s.ask(ctx, b, u.ChatID, d)
	}
	return s.option(ctx, b, u.ChatID, d, opt)
}

func (s *Service) option(ctx context.Context, b *bot.Bot, chatID int64, d Draft, opt string) error {
	switch {
	case opt == "cancel":
		return s.cancel(ctx, b, chatID, d)
	case opt == "back":
		return s.back(ctx, b, chatID, d)
	case opt == "again":
		return s.choose(ctx, b, chatID, Draft{Lang: d.Lang, Situation: d.Situation, Seq: d.Seq, Values: d.preset()}, d.Letter)
	case opt == "make" && d.Letter != "" && d.Mode == "" && d.next() == nil:
		return s.produce(ctx, b, chatID, d)
	case opt == "skip":
		if f := d.next(); f != nil && f.Optional {
			return s.set(ctx, b, chatID, d, f.Key, "")
		}
	case opt == "today":
		if f := d.next(); f != nil && f.Today {
			return s.set(ctx, b, chatID, d, f.Key, today(b.Now()).Format(isoDate))
		}
	case opt == "edit" && d.Letter != "" && d.Mode == "" && d.next() == nil:
		d.Seq++
		return s.saveAndReply(ctx, b, chatID, d, editMenu(d))
	case opt == "review" && d.Letter != "" && d.Mode == "" && d.next() == nil:
		return s.ask(ctx, b, chatID, d)
	case strings.HasPrefix(opt, "edit="):
		if d.Mode == "" && d.next() == nil && d.editable(strings.TrimPrefix(opt, "edit=")) {
			return s.edit(ctx, b, chatID, d, strings.TrimPrefix(opt, "edit="))
		}
	case strings.HasPrefix(opt, "pick="):
		id := strings.TrimPrefix(opt, "pick=")
		for _, o := range d.Offer {
			if o == id && d.Letter == "" {
				return s.choose(ctx, b, chatID, d, id)
			}
		}
	case strings.HasPrefix(opt, "ch="):
		v := strings.TrimPrefix(opt, "ch=")
		if f := d.next(); f != nil && f.Kind == ChoiceField && contains(f.Choices, v) {
			return s.set(ctx, b, chatID, d, f.Key, v)
		}
	}
	// A button that does not fit the current question: show it again.
	if err := b.Say(ctx, chatID, d.Lang, "letters_stale", nil); err != nil {
		return err
	}
	return s.ask(ctx, b, chatID, d)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// preset keeps the values that came from the session (not typed now) when
// the person starts the letter again.
func (d Draft) preset() map[string]string {
	v := map[string]string{}
	for k, x := range d.Values {
		if !contains(d.Asked, k) {
			v[k] = x
		}
	}
	return v
}

func (s *Service) choose(ctx context.Context, b *bot.Bot, chatID int64, d Draft, id string) error {
	d.Letter, d.Offer = id, nil
	d.Seq++
	return s.saveAndAsk(ctx, b, chatID, d)
}

func (s *Service) saveAndReply(ctx context.Context, b *bot.Bot, chatID int64, d Draft, r flows.Reply) error {
	if err := s.store.Save(ctx, chatID, d); err != nil {
		return err
	}
	return b.Reply(ctx, chatID, d.Lang, []flows.Reply{r})
}

func (s *Service) saveAndAsk(ctx context.Context, b *bot.Bot, chatID int64, d Draft) error {
	if err := s.store.Save(ctx, chatID, d); err != nil {
		return err
	}
	return s.ask(ctx, b, chatID, d)
}

// fields are what the draft asks: the letter's fields, or the questions
// recording that it was sent.
func (d Draft) fields() []Field {
	if d.Mode == modeSent {
		return sentFields
	}
	l, _ := ByID(d.Letter)
	return l.Fields
}

// next returns the first field of the letter still to ask, or nil when
// the letter is complete.
func (d Draft) next() *Field {
	if _, ok := ByID(d.Letter); !ok {
		return nil
	}
	fields := d.fields()
	for i := range fields {
		f := &fields[i]
		if _, done := d.Values[f.Key]; !done && f.needed(d.Situation, d.Values) {
			return f
		}
	}
	return nil
}

func (s *Service) set(ctx context.Context, b *bot.Bot, chatID int64, d Draft, key, value string) error {
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	d.Values[key] = value
	d.Asked = append(d.Asked, key)
	d.Seq++
	return s.saveAndAsk(ctx, b, chatID, d)
}

func (s *Service) answer(ctx context.Context, b *bot.Bot, chatID int64, d Draft, text string) error {
	f := d.next()
	if d.Letter == "" || f == nil {
		if err := b.Say(ctx, chatID, d.Lang, "letters_use_buttons", nil); err != nil {
			return err
		}
		return s.ask(ctx, b, chatID, d)
	}
	now := b.Now()
	if s.skip.is(b.Catalog(), text) {
		// The word of the skip button, typed: skip where skipping is
		// allowed, a clear refusal where it is not.
		if !f.Optional {
			return b.Say(ctx, chatID, d.Lang, "letters_skip_required", nil)
		}
		return s.set(ctx, b, chatID, d, f.Key, "")
	}
	v, err := f.Accept(text, now)
	if err != nil {
		return b.Say(ctx, chatID, d.Lang, err.Error(), flows.Args{"Max": f.Max, "Example": exampleDate(now)})
	}
	return s.set(ctx, b, chatID, d, f.Key, v)
}

func exampleDate(now time.Time) time.Time { return today(now).AddDate(0, 0, -3) }

func (s *Service) back(ctx context.Context, b *bot.Bot, chatID int64, d Draft) error {
	if n := len(d.Asked); n > 0 {
		delete(d.Values, d.Asked[n-1])
		d.Asked = d.Asked[:n-1]
		d.Seq++
		return s.saveAndAsk(ctx, b, chatID, d)
	}
	return s.ask(ctx, b, chatID, d)
}

func (s *Service) cancel(ctx context.Context, b *bot.Bot, chatID int64, d Draft) error {
	if _, err := s.store.Delete(ctx, chatID); err != nil {
		return err
	}
	return b.Say(ctx, chatID, d.Lang, "letters_cancelled", nil)
}

// ask shows the current question, or the summary when nothing is missing.
func (s *Service) ask(ctx context.Context, b *bot.Bot, chatID int64, d Draft) error {
	if d.Letter == "" {
		return b.Reply(ctx, chatID, d.Lang, []flows.Reply{pick(d)})
	}
	f := d.next()
	if f == nil && d.Mode == modeSent {
		return s.record(ctx, b, chatID, d)
	}
	if f == nil {
		return b.Reply(ctx, chatID, d.Lang, []flows.Reply{s.review(d, b.Now())})
	}
	r := flows.Reply{Parts: []flows.Part{{ID: "letters_ask_" + f.Key, Args: flows.Args{"Example": exampleDate(b.Now())}}}}
	if f.Key == fPref {
		r.Parts = append(prefectureNamed(d), r.Parts...)
	}
	if len(d.Asked) == 0 && d.Mode == "" {
		r.Parts = append([]flows.Part{{ID: "letters_intro_" + d.Letter}}, r.Parts...)
	}
	for _, c := range f.Choices {
		r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "ch="+c), Label: "letters_choice_" + f.Key + "_" + c})
	}
	if f.Today {
		r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "today"), Label: "letters_btn_today"})
	}
	if f.Optional {
		r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "skip"), Label: "letters_btn_skip"})
	}
	if len(d.Asked) > 0 {
		r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "back"), Label: "letters_btn_back"})
	}
	r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "cancel"), Label: "letters_btn_cancel"})
	return b.Reply(ctx, chatID, d.Lang, []flows.Reply{r})
}

func (s *Service) remind(ctx context.Context, b *bot.Bot, u bot.Update, id string) error {
	lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
	if err != nil {
		return err
	}
	if _, ok := ByID(id); !ok || s.followUp == nil {
		return b.Say(ctx, u.ChatID, lang, "letters_stale", nil)
	}
	// A button of an earlier version, under a letter made today: the
	// follow-up of a letter whose sending day is not known.
	made := today(b.Now())
	if err := s.followUp(ctx, u.ChatID, lang, id, made, made.AddDate(0, 0, FollowUpDays)); err != nil {
		return fmt.Errorf("letter follow-up: %w", err)
	}
	return nil
}
