package locales

import (
	"os"
	"strings"
	"testing"
)

// TestDraftLanguage checks the files of a language that is being added,
// before it is listed in Languages:
//
//	ANEFBOT_DRAFT_LANG=ps go test ./locales/ -run TestDraftLanguage
//
// Every reference message is there, with the same arguments, nothing more,
// no French or English sentence left as is.
func TestDraftLanguage(t *testing.T) {
	lang := os.Getenv("ANEFBOT_DRAFT_LANG")
	if lang == "" {
		t.Skip("set ANEFBOT_DRAFT_LANG to check a language being added")
	}
	raw := rawMessages(t)
	names, _ := fsGlob()
	for _, name := range names {
		if !strings.HasSuffix(name, "."+Reference+".toml") {
			continue
		}
		draft := strings.TrimSuffix(name, Reference+".toml") + lang + ".toml"
		if _, err := files.ReadFile(draft); err != nil {
			t.Errorf("missing %s", draft)
		}
	}
	for id, texts := range raw[Reference] {
		got, ok := raw[lang][id]
		if !ok {
			t.Errorf("missing %s", id)
			continue
		}
		if a, b := args(texts), args(got); a != b {
			t.Errorf("%s uses arguments {%s}, the reference {%s}", id, b, a)
		}
		for i, s := range got {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s is empty", id)
			}
			for _, src := range []string{Reference, "en"} {
				orig := raw[src][id]
				if src != lang && i < len(orig) && s == orig[i] && latinWords.MatchString(argRE.ReplaceAllString(s, "")) {
					t.Errorf("%s is the %s text unchanged", id, src)
				}
			}
		}
	}
	for id := range raw[lang] {
		if _, ok := raw[Reference][id]; !ok {
			t.Errorf("%s is not in the reference", id)
		}
	}
}
