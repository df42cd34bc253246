package handoff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/redis/go-redis/v9"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// The diagnosis never asks the département (it changes no plan), yet it
// is in the handoff package (anef.md §8) and chooses the volunteers told
// first and the local contacts. So the handoff asks it, once, before the
// consent: optional, and shown in the summary the person agrees to send.

// Answers kept under depKey between the question and the consent.
const (
	depAsked   = "?" // the question is open: the next text is the answer
	depSkipped = "-" // the person chose not to say
)

const (
	// depAskFor: an unanswered question lapses, so that a person who
	// walked away is not told later that their text is no département.
	depAskFor = 30 * time.Minute
	// depKeepFor: an answer waits this long for the consent.
	depKeepFor = 24 * time.Hour
)

// ErrBadDepartement: the text is not a département number.
var ErrBadDepartement = errors.New("not a département number")

// ParseDepartement reads a département number as a person types it:
// spaces anywhere, any case, Arabic, Persian or Bengali digits, a single
// digit for 01–09. It accepts 01–95 except 20, 2A, 2B and 971–976.
func ParseDepartement(text string) (string, error) {
	var b strings.Builder
	for _, r := range text {
		switch {
		case unicode.IsSpace(r):
		case toASCIIDigit(r) >= 0:
			b.WriteByte(byte('0' + toASCIIDigit(r)))
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	d := b.String()
	if len(d) == 1 && d[0] >= '1' && d[0] <= '9' {
		d = "0" + d
	}
	if !depPattern.MatchString(d) {
		return "", ErrBadDepartement
	}
	return d, nil
}

// digitZeros are the zeros of the decimal digits people of the bot's
// languages may type: ASCII, Arabic-Indic, extended (Persian, Pashto),
// Devanagari, Bengali, full-width.
var digitZeros = []rune{'0', 0x0660, 0x06F0, 0x0966, 0x09E6, 0xFF10}

// toASCIIDigit returns the value of a decimal digit, or -1.
func toASCIIDigit(r rune) int {
	for _, z := range digitZeros {
		if r >= z && r <= z+9 {
			return int(r - z)
		}
	}
	return -1
}

func (s *Store) depKey(chat int64) string { return s.p + "dep:" + strconv.FormatInt(chat, 10) }

// DepAnswer returns the chat's answer to the département question: a
// number, depAsked, depSkipped, or "" when it was not asked.
func (s *Store) DepAnswer(ctx context.Context, chat int64) (string, error) {
	v, err := s.rdb.Get(ctx, s.depKey(chat)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("load département answer: %w", err)
	}
	return v, nil
}

// SetDepAnswer records the chat's answer for ttl.
func (s *Store) SetDepAnswer(ctx context.Context, chat int64, v string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.depKey(chat), v, ttl).Err(); err != nil {
		return fmt.Errorf("save département answer: %w", err)
	}
	return nil
}

// ClearDep forgets the chat's answer: it is on the case now, or the
// person declined, or asked to be forgotten.
func (s *Store) ClearDep(ctx context.Context, chat int64) error {
	if err := s.rdb.Del(ctx, s.depKey(chat)).Err(); err != nil {
		return fmt.Errorf("clear département answer: %w", err)
	}
	return nil
}

// askDep asks the optional département question, with a Skip button.
func (s *Service) askDep(ctx context.Context, b *bot.Bot, chat int64, lang string) error {
	if err := s.st.SetDepAnswer(ctx, chat, depAsked, depAskFor); err != nil {
		return err
	}
	return s.send(ctx, b, chat, lang, false, reply("handoff_dep_ask", nil, skipDep))
}

var skipDep = flows.Choice{Data: Prefix + "dep:skip", Label: "handoff_dep_skip"}

// answerDep takes a text typed while the question is open: a département
// moves on to the consent; anything else gets a short answer and changes
// nothing. False when the person has moved on to a date question of the
// diagnosis: the text is theirs to answer it, and the question lapses.
func (s *Service) answerDep(ctx context.Context, b *bot.Bot, chat int64, langCode, text string) (bool, error) {
	dep, err := ParseDepartement(text)
	if err != nil {
		if s.atDateQuestion(ctx, b, chat) {
			return false, s.st.ClearDep(ctx, chat)
		}
		lang, err := b.Lang(ctx, chat, langCode)
		if err != nil {
			return true, err
		}
		return true, s.send(ctx, b, chat, lang, false, reply("handoff_dep_invalid", nil, skipDep))
	}
	if err := s.st.SetDepAnswer(ctx, chat, dep, depKeepFor); err != nil {
		return true, err
	}
	return true, s.askConsent(ctx, b, chat, langCode)
}

// atDateQuestion: the person's conversation waits for a typed date.
func (s *Service) atDateQuestion(ctx context.Context, b *bot.Bot, chat int64) bool {
	sess, err := b.Store().Load(ctx, chat)
	if err != nil {
		return false
	}
	st := b.Engine().Graph().Step(sess.State)
	return st != nil && st.Kind == flows.AskDate
}

// skipDepPressed: the person prefers not to say; on to the consent.
func (s *Service) skipDepPressed(ctx context.Context, b *bot.Bot, chat int64, langCode string) error {
	if err := s.st.SetDepAnswer(ctx, chat, depSkipped, depKeepFor); err != nil {
		return err
	}
	return s.askConsent(ctx, b, chat, langCode)
}

// withDep completes a case's département from the person's answer when
// the session gave none.
func withDep(c Case, answer string) Case {
	if c.Summary.Departement != "" {
		return c
	}
	if dep, err := ParseDepartement(answer); err == nil {
		c.Summary.Departement = dep
	}
	return c
}
