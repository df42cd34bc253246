package main

import (
	"fmt"
	"sync"

	"github.com/anefbot/anefbot/locales"
)

// say prints a start-up line (locales/firstrun.<lang>.toml) to the
// terminal in the person's language (ANEFBOT_LANG, else LANG). These
// lines come before the catalog of the bot is loaded, so it is loaded
// here; a catalog that does not load is reported by the bot right after.
func (m *Main) say(lang, id string) {
	c, err := startCatalog()
	if err != nil {
		return
	}
	if text, err := c.Text(c.Match(lang), id, nil); err == nil {
		fmt.Fprintln(m.Stderr, text)
	}
}

var startCatalog = sync.OnceValues(locales.New)
