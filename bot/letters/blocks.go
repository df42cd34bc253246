package letters

import "strings"

// BlockKind is how a block is laid out.
type BlockKind int

const (
	// Paragraph is running text.
	Paragraph BlockKind = iota
	// Line is one line of the sender block ("| ").
	Line
	// Right is one line on the right: addressee, date, signature ("> ").
	Right
	// Title is a bold line: the subject ("# ").
	Title
	// Item is one item of a list ("- ").
	Item
	// Gap is vertical space between groups (a blank line).
	Gap
)

// Block is one laid-out piece of a letter.
type Block struct {
	Kind BlockKind
	Text string
}

// Document is a composed letter.
type Document struct {
	Blocks []Block
}

var marks = map[string]BlockKind{"| ": Line, "> ": Right, "# ": Title, "- ": Item}

// parseBlocks reads a template's output: marked lines are blocks of their
// own, other lines are joined into paragraphs, runs of blank lines become
// one Gap. French spacing is applied to every text.
func parseBlocks(text string) []Block {
	var out []Block
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, Block{Kind: Paragraph, Text: typography(strings.Join(para, " "))})
			para = nil
		}
	}
	gap := func() {
		flush()
		if len(out) > 0 && out[len(out)-1].Kind != Gap {
			out = append(out, Block{Kind: Gap})
		}
	}
	for _, raw := range strings.Split(text, "\n") {
		l := strings.TrimRight(raw, " \t")
		if strings.TrimSpace(l) == "" {
			gap()
			continue
		}
		if kind, rest, ok := marked(l); ok {
			flush()
			out = append(out, Block{Kind: kind, Text: typography(strings.TrimSpace(rest))})
			continue
		}
		para = append(para, strings.TrimSpace(l))
	}
	flush()
	for len(out) > 0 && out[len(out)-1].Kind == Gap {
		out = out[:len(out)-1]
	}
	return endLists(out)
}

// endLists closes every list as French letters do: its last item ends
// with a full stop, not the semicolon of the items before it, and a gap
// separates it from what follows. Templates list items under
// conditions, so the last one is known only once they are filled in.
func endLists(in []Block) []Block {
	var out []Block
	for i, b := range in {
		last := b.Kind == Item && (i+1 == len(in) || in[i+1].Kind != Item)
		if last {
			b.Text = strings.TrimRight(strings.TrimSuffix(strings.TrimSpace(b.Text), ";"), " \u00a0\u202f")
			if !strings.HasSuffix(b.Text, ".") {
				b.Text += "."
			}
		}
		out = append(out, b)
		if last && i+1 < len(in) && in[i+1].Kind != Gap {
			out = append(out, Block{Kind: Gap})
		}
	}
	return out
}

func marked(l string) (BlockKind, string, bool) {
	for m, kind := range marks {
		if rest, ok := strings.CutPrefix(l, m); ok {
			return kind, rest, true
		}
	}
	return 0, "", false
}

// Text is the letter as plain text: what the golden files hold, what a
// reviewer reads, and what is sent for a form to paste into.
func (d Document) Text() string {
	var b strings.Builder
	for _, bl := range d.Blocks {
		switch bl.Kind {
		case Gap:
			b.WriteString("\n")
		case Right:
			b.WriteString("                                        " + bl.Text + "\n")
		case Item:
			b.WriteString("– " + bl.Text + "\n")
		default:
			b.WriteString(bl.Text + "\n")
		}
	}
	return b.String()
}

// French typography: a no-break space before ":" and inside « », a narrow
// no-break space before ";", "?" and "!", and after "n°", so no line ever
// starts with a colon or a closing guillemet.
var typographyReplacer = strings.NewReplacer(
	" :", "\u00a0:",
	" ;", "\u202f;",
	" ?", "\u202f?",
	" !", "\u202f!",
	"« ", "«\u00a0",
	" »", "\u00a0»",
	"n° ", "n°\u00a0",
)

func typography(s string) string { return typographyReplacer.Replace(s) }
