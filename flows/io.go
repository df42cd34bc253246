package flows

import (
	"strconv"
	"strings"
	"time"
)

// InputKind says what the person did.
type InputKind int

const (
	// Text is a typed message that is not a command.
	Text InputKind = iota
	// Press is a button press; Input.Data holds the button's data.
	Press
	// Command is a /command; Input.Data holds its name without the slash,
	// Input.Arg what followed it.
	Command
)

// Input is one thing the person did, already stripped of transport details.
type Input struct {
	Kind InputKind
	// Data is the text, the button data or the command name.
	Data string
	// Arg is the text after a command (a deep-link payload for /start).
	Arg string
	// Lang is the language the shell matched from the person's client
	// settings; used for a new session only.
	Lang string
	// Now is the current time in Europe/Paris: the dates of the plans are
	// French civil dates.
	Now time.Time
}

// Args are the named values a message template uses. Dates are time.Time
// and are rendered dd/mm/yyyy; numbers under "Count" select plural forms.
type Args map[string]any

// Part is one message ID with its arguments: a paragraph of a reply.
type Part struct {
	ID   string
	Args Args
}

// Choice is one button. Label is a message ID; Text, when set, is shown as
// is (language names are written in their own script).
type Choice struct {
	Data  string
	Label string
	Text  string
}

// Reply is one message to the person: paragraphs and buttons.
type Reply struct {
	Parts   []Part
	Choices []Choice
}

// Effect is work the shell does after the session is saved: scheduling,
// handing off, erasing. Kind names the handler; Data carries its input.
type Effect struct {
	Kind string
	Data map[string]string
}

// Button data of the conversation: "c:<seq>:<option>". Options that start
// with '@' are the engine's own (language, back, restart, date confirmation).
// Other features use other prefixes and never reach the engine. Telegram
// caps callback data at 64 bytes; the engine's own data stays far below.
const pressPrefix = "c:"

// Reserved option IDs, understood at every step.
const (
	optLang    = "@lang"
	optBack    = "@back"
	optRestart = "@restart"
	optYes     = "@yes"
	optNo      = "@no"
	optOffer   = "@offer"
	optUnknown = "@dk" // "I don't know" under a date question
)

func pressData(seq int, option string) string {
	return pressPrefix + strconv.Itoa(seq) + ":" + option
}

// parsePress splits button data into its sequence number and option.
func parsePress(data string) (seq int, option string, ok bool) {
	rest, found := strings.CutPrefix(data, pressPrefix)
	if !found {
		return 0, "", false
	}
	num, option, found := strings.Cut(rest, ":")
	if !found || option == "" {
		return 0, "", false
	}
	seq, err := strconv.Atoi(num)
	if err != nil || seq < 0 {
		return 0, "", false
	}
	return seq, option, true
}

// IsConversationData reports whether button data belongs to the engine.
func IsConversationData(data string) bool { return strings.HasPrefix(data, pressPrefix) }

func part(id string, args Args) Part { return Part{ID: id, Args: args} }

func say(id string, args Args) Reply { return Reply{Parts: []Part{part(id, args)}} }
