package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/anefbot/anefbot/locales"
)

// printMessages writes every message of a language (all languages when
// lang is empty) with sample arguments, so translators and reviewers can
// read every text without Telegram.
func (m *Main) printMessages(lang string) error {
	c, err := locales.New()
	if err != nil {
		return err
	}
	langs := []string{}
	for _, l := range locales.Languages {
		if lang == "" || l.Code == lang {
			langs = append(langs, l.Code)
		}
	}
	if len(langs) == 0 {
		return fmt.Errorf("no language %q; known: %s", lang, knownLanguages())
	}
	for _, code := range langs {
		review := "reviewed"
		if !c.Reviewed(code) {
			review = "not reviewed by a native speaker yet"
		}
		fmt.Fprintf(m.Stdout, "# %s (%s)\n\n", code, review)
		for _, id := range c.IDs(locales.Reference) {
			args := map[string]any{}
			for _, a := range c.Args(id) {
				args[a] = "{" + a + "}" // shown as such when no sample fits
				if v, ok := sampleArgs[a]; ok {
					args[a] = v
				}
			}
			text, err := c.Text(code, id, args)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "[%s]\n%s\n\n", id, text)
		}
	}
	return nil
}

// sampleArgs gives the common template arguments a plausible value;
// others are shown by name.
var sampleArgs = map[string]any{
	"Count": 3, "Days": 90, "Language": "Français", "Reference": "Français", "Command": "/exemple",
	"Example": time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), "Date": time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC),
	"Open": time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), "Close": time.Date(2027, 1, 14, 0, 0, 0, 0, time.UTC),
	"Filed": time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), "Until": time.Date(2027, 5, 20, 0, 0, 0, 0, time.UTC),
	"Reviewed": time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), "Link": "https://www.service-public.gouv.fr/particuliers/vosdroits/F36206",
	"Phone": "0806 001 620",
}

func knownLanguages() string {
	var codes []string
	for _, l := range locales.Languages {
		codes = append(codes, l.Code)
	}
	return strings.Join(codes, ", ")
}
