package outbox

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/anefbot/anefbot/bot"
)

// MaxText is Telegram's limit on a message text, in UTF-16 code units
// (how Telegram counts; never fewer than runes).
const MaxText = 4096

// Split cuts a text message longer than MaxText into several, on paragraph
// boundaries when it can, else on line breaks, else between characters.
// The buttons go with the last part. Documents are returned unchanged.
func Split(m bot.Out) []bot.Out {
	if m.Document != nil || length(m.Text) <= MaxText {
		return []bot.Out{m}
	}
	parts := splitText(m.Text, MaxText)
	out := make([]bot.Out, len(parts))
	for i, p := range parts {
		out[i] = bot.Out{ChatID: m.ChatID, Text: p, Background: m.Background, Erased: m.Erased}
	}
	out[len(out)-1].Buttons = m.Buttons
	return out
}

func length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// splitText packs whole paragraphs into parts of at most limit; a
// paragraph too long on its own is cut on lines, then on characters.
func splitText(s string, limit int) []string {
	var parts []string
	var cur strings.Builder
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			parts = append(parts, t)
		}
		cur.Reset()
	}
	for _, para := range pieces(s, "\n\n", limit) {
		if cur.Len() > 0 && length(cur.String())+2+length(para) > limit {
			flush()
		}
		if cur.Len() > 0 {
			cur.WriteString("\n\n")
		}
		cur.WriteString(para)
	}
	flush()
	return parts
}

// pieces splits s on sep, and further cuts any piece over limit on line
// breaks, then between characters.
func pieces(s, sep string, limit int) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		switch {
		case length(p) <= limit:
			out = append(out, p)
		case sep == "\n\n":
			out = append(out, packLines(p, limit)...)
		default:
			out = append(out, cutRunes(p, limit)...)
		}
	}
	return out
}

// packLines packs the lines of a long paragraph into pieces of at most
// limit.
func packLines(p string, limit int) []string {
	var out []string
	cur := ""
	for _, line := range pieces(p, "\n", limit) {
		if cur != "" && length(cur)+1+length(line) > limit {
			out = append(out, cur)
			cur = ""
		}
		if cur != "" {
			cur += "\n"
		}
		cur += line
	}
	return append(out, cur)
}

func cutRunes(s string, limit int) []string {
	var out []string
	for s != "" {
		n, size := 0, 0
		for size < len(s) {
			r, w := utf8.DecodeRuneInString(s[size:])
			if n+utf16.RuneLen(r) > limit {
				break
			}
			n += utf16.RuneLen(r)
			size += w
		}
		out = append(out, s[:size])
		s = s[size:]
	}
	return out
}
