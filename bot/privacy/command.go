package privacy

import "strings"

// command splits "/forget@anefbot arg" into "forget"; ok is false for
// anything that is not a command. It mirrors the bot's own parsing.
func command(text string) (name string, ok bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return "", false
	}
	head, _, _ := strings.Cut(text[1:], " ")
	head, _, _ = strings.Cut(head, "\n")
	head, _, _ = strings.Cut(head, "@")
	if head == "" {
		return "", false
	}
	return strings.ToLower(head), true
}
