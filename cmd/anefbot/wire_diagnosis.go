package main

import (
	"fmt"

	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

func init() {
	register(feature{name: "diagnosis", order: 0, setup: setupDiagnosis})
}

// setupDiagnosis hands the engine the free-text keyword lists of the
// locale files (messages kw_<step>_<option>, see flows/matching.go), so
// that translators edit them like any other text.
func setupDiagnosis(w *wiring) error {
	g, err := flows.Diagnosis()
	if err != nil {
		return fmt.Errorf("diagnosis: %w", err)
	}
	w.engine.Keywords = keywordTexts(w.catalog, g)
	return nil
}

// keywordTexts reads, per language, the keyword messages that language
// defines itself: a language without lists simply relies on the others.
func keywordTexts(c *locales.Catalog, g *flows.Graph) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, l := range locales.Languages {
		texts := map[string]string{}
		for _, id := range flows.KeywordIDs(g) {
			if !c.Has(l.Code, id) {
				continue
			}
			if s, err := c.Text(l.Code, id, nil); err == nil {
				texts[id] = s
			}
		}
		out[l.Code] = texts
	}
	return out
}
