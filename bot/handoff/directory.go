package handoff

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// DefaultDirectory is the directory shipped with the bot: national
// entries only, each sourced in anef.md §5 (or §1.4 for the official help
// line). Operators point HANDOFF_DIRECTORY at their own file to add local
// associations.
//
//go:embed directory.toml
var DefaultDirectory []byte

// Entry is one place a person can turn to. Texts that are not data
// (Note) are given per language; the reference language ("fr") is
// required and used when the person's language is missing.
type Entry struct {
	Name string `toml:"name"`
	// Departements it serves: département numbers ("75", "2A", "971"), or
	// ["national"].
	Departements []string `toml:"departements"`
	Address      string   `toml:"address"`
	Hours        string   `toml:"hours"`
	Phone        string   `toml:"phone"`
	URL          string   `toml:"url"`
	// Languages spoken there, as language codes; informative.
	Languages []string          `toml:"languages"`
	Note      map[string]string `toml:"note"`
	// Verify marks details not confirmed by a recent official source
	// (anef.md [verify]): the bot tells people to check them first.
	Verify bool `toml:"verify"`
	// Source says where the details come from (for reviewers).
	Source string `toml:"source"`
}

// National reports whether the entry serves everyone.
func (e Entry) National() bool { return slices.Contains(e.Departements, "national") }

// NoteIn returns the note in lang and the language it is written in: lang
// when the entry has it, else French, the reference every note has (the
// caller tells the person the note is in French); "" when there is none.
func (e Entry) NoteIn(lang string) (note, in string) {
	if n := e.Note[lang]; n != "" {
		return n, lang
	}
	if n := e.Note["fr"]; n != "" {
		return n, "fr"
	}
	return "", ""
}

// Directory is the validated list of entries.
type Directory struct {
	Entries []Entry `toml:"entry"`
}

// ErrDirectory wraps every problem found in a directory file.
var ErrDirectory = errors.New("invalid directory")

// LoadDirectory reads a directory file; an empty path is the default.
func LoadDirectory(path string) (*Directory, error) {
	data := DefaultDirectory
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrDirectory, err)
		}
	}
	return ParseDirectory(data)
}

// ParseDirectory decodes and validates a directory: every problem is
// reported at once, with the entry it is in.
func ParseDirectory(data []byte) (*Directory, error) {
	var d Directory
	md, err := toml.Decode(string(data), &d)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDirectory, err)
	}
	var errs []error
	if und := md.Undecoded(); len(und) > 0 {
		errs = append(errs, fmt.Errorf("unknown fields: %v", und))
	}
	if len(d.Entries) == 0 {
		errs = append(errs, errors.New("no [[entry]]"))
	}
	seen := map[string]bool{}
	for i, e := range d.Entries {
		for _, err := range e.validate() {
			errs = append(errs, fmt.Errorf("entry %d (%q): %w", i+1, e.Name, err))
		}
		if seen[e.Name] {
			errs = append(errs, fmt.Errorf("entry %d: name %q used twice", i+1, e.Name))
		}
		seen[e.Name] = true
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrDirectory, errors.Join(errs...))
	}
	return &d, nil
}

var (
	// depPattern: metropolitan 01–95 (20 is no longer one: Corsica is 2A
	// and 2B) and the overseas 971–976.
	depPattern   = regexp.MustCompile(`^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-6])$`)
	langPattern  = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
	phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 .]{2,18}[0-9]$`)
)

func (e Entry) validate() []error {
	var errs []error
	if strings.TrimSpace(e.Name) == "" {
		errs = append(errs, errors.New("name is required"))
	}
	if len(e.Departements) == 0 {
		errs = append(errs, errors.New(`departements is required (numbers, or ["national"])`))
	}
	for _, d := range e.Departements {
		if d != "national" && !depPattern.MatchString(d) {
			errs = append(errs, fmt.Errorf("département %q: want 01–95, 2A, 2B, 971–976 or national", d))
		}
	}
	if e.Phone == "" && e.URL == "" && e.Address == "" {
		errs = append(errs, errors.New("give at least one way to reach it: phone, url or address"))
	}
	if e.Phone != "" && !phonePattern.MatchString(e.Phone) {
		errs = append(errs, fmt.Errorf("phone %q: digits and spaces only", e.Phone))
	}
	if e.URL != "" {
		if u, err := url.Parse(e.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("url %q: want an http(s) address", e.URL))
		}
	}
	for _, l := range e.Languages {
		if !langPattern.MatchString(l) {
			errs = append(errs, fmt.Errorf("language %q: want a code like fr, ar, pt-BR", l))
		}
	}
	if e.Note != nil && e.Note["fr"] == "" {
		errs = append(errs, errors.New(`note needs a French text (note.fr), the reference`))
	}
	return errs
}

// For returns the entries serving département dep (those of dep first,
// then the national ones); with dep unknown, the national ones.
func (d *Directory) For(dep string) []Entry {
	var local, national []Entry
	for _, e := range d.Entries {
		switch {
		case dep != "" && slices.Contains(e.Departements, dep):
			local = append(local, e)
		case e.National():
			national = append(national, e)
		}
	}
	return append(local, national...)
}
