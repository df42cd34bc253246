package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The deploy guide names only settings the program reads, and both its
// sections tell how to run the check before going live.
func TestDeployGuide(t *testing.T) {
	data, err := os.ReadFile("../../docs/deploy-guide.md")
	if err != nil {
		t.Fatal(err)
	}
	guide := string(data)
	known := map[string]bool{
		// Read by `anefbot check` only, until the team group is used.
		"HANDOFF_GROUP_ID": true,
	}
	for _, s := range settings {
		known[s.Name] = true
	}
	named := regexp.MustCompile("`([A-Z][A-Z0-9]*_[A-Z0-9_]+)[=`]").FindAllStringSubmatch(guide, -1)
	if len(named) < 8 {
		t.Fatalf("found only %d settings in the guide: the pattern is broken", len(named))
	}
	for _, m := range named {
		if !known[m[1]] {
			t.Errorf("the guide names %s, which the program does not read", m[1])
		}
	}
	fr, en, ok := strings.Cut(guide, "## English")
	if !ok {
		t.Fatal("no English section")
	}
	for name, section := range map[string]string{"French": fr, "English": en} {
		for _, want := range []string{"run --rm anefbot check", "@BotFather", "/invite", "OPERATOR_NAME", "DATA_KEY"} {
			if !strings.Contains(section, want) {
				t.Errorf("the %s section lacks %q", name, want)
			}
		}
	}
}

// The image is built with a pinned Go patch release (the standard
// library is compiled into the binary: a floating tag would hide which
// one, and whether it has the fixes the vulnerability check asks for).
func TestDockerfilePinsTheGoPatchRelease(t *testing.T) {
	data, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^FROM golang:1\.\d+\.\d+-alpine AS build$`).Match(data) {
		t.Error("deploy/Dockerfile does not build FROM golang:1.N.P-alpine (a patch release)")
	}
}
