package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every setting the deployment files give the bot is one the program
// reads, so a renamed setting cannot silently stop applying in production.
func TestDeployFilesUseKnownSettings(t *testing.T) {
	// What the program reads: every name LoadConfig asks for.
	known := map[string]bool{}
	_, _ = LoadConfig(func(name string) string { known[name] = true; return "" })
	// Names the files pass to other programs (Redis, the image build).
	others := map[string]bool{"CGO_ENABLED": true, "PATH": true}
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\s*#?\s*([A-Z][A-Z0-9_]+)=`),         // env files, ENV lines
		regexp.MustCompile(`\{name: ([A-Z][A-Z0-9_]+),`),              // Kubernetes env
		regexp.MustCompile(`(?m)^\s+([A-Z][A-Z0-9_]+): `),             // compose environment, Secret data
		regexp.MustCompile(`(?m)^Environment=((?:[A-Z_]+=\S+\s*)+)$`), // systemd
	}
	files, _ := filepath.Glob("../../deploy/*")
	more, _ := filepath.Glob("../../deploy/*/*")
	seen := 0
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // a directory
		}
		for _, re := range patterns {
			for _, m := range re.FindAllStringSubmatch(string(data), -1) {
				for _, kv := range strings.Fields(m[1]) {
					name, _, _ := strings.Cut(kv, "=")
					seen++
					if !known[name] && !others[name] {
						t.Errorf("%s sets %s, which the bot does not read", filepath.Base(f), name)
					}
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("found only %d settings in deploy/: the patterns are broken", seen)
	}
}

// The image runs as a non-root user and has a healthcheck.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nUSER 10001", "\nHEALTHCHECK ", "AS build", "CGO_ENABLED=0"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Dockerfile lacks %q", strings.TrimSpace(want))
		}
	}
}
