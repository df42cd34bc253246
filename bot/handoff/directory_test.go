package handoff

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/locales"
)

// The shipped directory is valid and national only (no local address is
// invented: anef.md §5).
func TestShippedDirectory(t *testing.T) {
	d, err := LoadDirectory("")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Entries {
		if !e.National() || e.Address != "" {
			t.Errorf("%s: shipped entries are national, without address", e.Name)
		}
		if e.Source == "" || !strings.Contains(e.Source, "anef.md") {
			t.Errorf("%s: no anef.md source", e.Name)
		}
		for _, l := range locales.Languages {
			if e.Note[l.Code] == "" {
				t.Errorf("%s: no note in %s: a person reading %s would get the French one", e.Name, l.Code, l.Name)
			}
		}
		if e.Hours != "" {
			t.Errorf("%s: shipped hours are shown as written, in one language: put them in the notes", e.Name)
		}
	}
	if got := d.For("75"); len(got) != len(d.Entries) {
		t.Errorf("Paris gets %d entries, want the %d national ones", len(got), len(d.Entries))
	}
}

// A mistake in an operator's file stops the start-up with the entry named.
func TestDirectoryValidation(t *testing.T) {
	for name, tc := range map[string]struct{ file, want string }{
		"no entries":      {``, "no [[entry]]"},
		"unknown field":   {"[[entry]]\nname=\"A\"\ndepartements=[\"69\"]\nphone=\"01 02\"\nemail=\"x\"", "unknown fields"},
		"bad département": {"[[entry]]\nname=\"A\"\ndepartements=[\"99\"]\nphone=\"04 00 00 00 00\"", `département "99"`},
		"no contact":      {"[[entry]]\nname=\"A\"\ndepartements=[\"69\"]", "at least one way"},
		"bad url":         {"[[entry]]\nname=\"A\"\ndepartements=[\"69\"]\nurl=\"javascript:alert(1)\"", "http(s)"},
		"bad phone":       {"[[entry]]\nname=\"A\"\ndepartements=[\"69\"]\nphone=\"call us\"", "digits"},
		"note without fr": {"[[entry]]\nname=\"A\"\ndepartements=[\"69\"]\nphone=\"04 00 00 00 00\"\nnote.en=\"x\"", "note.fr"},
		"duplicate":       {"[[entry]]\nname=\"A\"\ndepartements=[\"69\"]\nphone=\"04 00\"\n[[entry]]\nname=\"A\"\ndepartements=[\"69\"]\nphone=\"04 01\"", "used twice"},
		"not toml":        {"[[entry", "invalid directory"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseDirectory([]byte(tc.file))
			if !errors.Is(err, ErrDirectory) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	d, err := ParseDirectory([]byte("[[entry]]\nname=\"Local\"\ndepartements=[\"2A\", \"69\"]\naddress=\"1 rue X\"\n[[entry]]\nname=\"Nat\"\ndepartements=[\"national\"]\nurl=\"https://example.org\""))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.For("69"); len(got) != 2 || got[0].Name != "Local" {
		t.Errorf("For(69) = %+v, want the local entry first", got)
	}
	if got := d.For("13"); len(got) != 1 || got[0].Name != "Nat" {
		t.Errorf("For(13) = %+v, want the national entry only", got)
	}
}

func TestHours(t *testing.T) {
	h, err := ParseHours("mon-fri 09:00-18:00; sat 10:00-12:00")
	if err != nil {
		t.Fatal(err)
	}
	for at, want := range map[string]bool{
		"2026-11-30 09:00": true,  // Monday, opening
		"2026-11-30 17:59": true,  // Monday
		"2026-11-30 18:00": false, // closing time
		"2026-12-05 11:00": true,  // Saturday morning
		"2026-12-05 14:00": false, // Saturday afternoon
		"2026-12-06 11:00": false, // Sunday
	} {
		tm, _ := time.Parse("2006-01-02 15:04", at)
		if got := h.Open(tm); got != want {
			t.Errorf("Open(%s) = %v, want %v", at, got, want)
		}
	}
	if any, _ := ParseHours(""); !any.Open(time.Time{}) {
		t.Error("no hours should mean any time")
	}
	for _, bad := range []string{"mon 18:00-09:00", "fri-mon 09:00-10:00", "lundi 09:00-10:00", "mon 9h-10h", "mon"} {
		if _, err := ParseHours(bad); !errors.Is(err, ErrHours) {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A note the operator wrote only in French reaches a person in another
// language introduced as French; a note in the person's language comes
// alone.
func TestDirectoryNoteFallsBackToFrenchSaidSo(t *testing.T) {
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	d := &Directory{Entries: []Entry{{
		Name: "Permanence locale", Departements: []string{"national"}, Phone: "01 02 03 04 05",
		Note: map[string]string{"fr": "Sur rendez-vous.", "ar": "بموعد مسبق."},
	}}}
	s := &Service{cfg: Config{Directory: d}}
	fa := s.directoryText(cat, "fa", "75")
	intro, _ := cat.Text("fa", "handoff_dir_note_french", map[string]any{"Note": "Sur rendez-vous."})
	if !strings.Contains(fa, intro) {
		t.Errorf("fa: the French note is not introduced as French:\n%s", fa)
	}
	ar := s.directoryText(cat, "ar", "75")
	if !strings.Contains(ar, "بموعد مسبق.") || strings.Contains(ar, "Sur rendez-vous") {
		t.Errorf("ar: want the Arabic note alone:\n%s", ar)
	}
}
