package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// inventoryDoc is the page whose tables list every Redis key.
const inventoryDoc = "../../docs/privacy.md"

// inventoryRow is one row of the inventory: the key patterns it names,
// the longest life it allows and what /forget does to it.
type inventoryRow struct {
	patterns []string
	// ttl is the longest TTL; ttlNone: the key has no expiry; ttlDue:
	// the expiry is at most ttl after the later of the last reminder's
	// due time and now.
	ttl     time.Duration
	ttlNone bool
	ttlDue  bool
	kept    bool // "kept" after /forget, rather than "erased"
	res     []*regexp.Regexp
}

var backticked = regexp.MustCompile("`([^`]+)`")

// inventoryTable reads the tables of the section "Inventory of Redis
// keys" of docs/privacy.md. Every row must follow the grammar the page
// states; the test fails on one that does not, so the page cannot drift
// into prose a test cannot check.
func inventoryTable(t *testing.T, prefix string) []inventoryRow {
	t.Helper()
	raw, err := os.ReadFile(inventoryDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Inventory of Redis keys\n")
	if !ok {
		t.Fatalf("%s has no section \"Inventory of Redis keys\"", inventoryDoc)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var rows []inventoryRow
	ttlCol, forgetCol := -1, -1
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "|") {
			ttlCol, forgetCol = -1, -1 // a table ended
			continue
		}
		cells := tableCells(line)
		switch {
		case strings.HasPrefix(cells[0], "---"):
			continue
		case cells[0] == "key":
			ttlCol, forgetCol = column(cells, "TTL"), column(cells, "after /forget")
			if ttlCol < 0 || forgetCol < 0 {
				t.Fatalf("inventory table without \"TTL\" and \"after /forget\" columns: %s", line)
			}
			continue
		}
		if ttlCol < 0 || len(cells) <= max(ttlCol, forgetCol) {
			t.Fatalf("inventory row outside a table or short of cells: %s", line)
		}
		row, err := parseRow(cells[0], cells[ttlCol], cells[forgetCol], prefix)
		if err != nil {
			t.Fatalf("%s: %v in row: %s", inventoryDoc, err, line)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no inventory rows found", inventoryDoc)
	}
	return rows
}

// tableCells splits a markdown table row on its unescaped pipes.
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

func column(cells []string, name string) int {
	for i, c := range cells {
		if c == name {
			return i
		}
	}
	return -1
}

func parseRow(keys, ttl, forget, prefix string) (inventoryRow, error) {
	var row inventoryRow
	for _, m := range backticked.FindAllStringSubmatch(keys, -1) {
		row.patterns = append(row.patterns, m[1])
		row.res = append(row.res, keyPattern(m[1], prefix))
	}
	if len(row.patterns) == 0 {
		return row, fmt.Errorf("no key pattern")
	}
	m := backticked.FindStringSubmatch(ttl)
	if m == nil || !strings.HasPrefix(ttl, "`") {
		return row, fmt.Errorf("the TTL cell does not start with a TTL in backticks")
	}
	switch v := m[1]; {
	case v == "none":
		row.ttlNone = true
	case strings.HasPrefix(v, "due+"):
		d, err := time.ParseDuration(strings.TrimPrefix(v, "due+"))
		if err != nil {
			return row, fmt.Errorf("TTL %q: %w", v, err)
		}
		row.ttl, row.ttlDue = d, true
	default:
		d, err := time.ParseDuration(v)
		if err != nil {
			return row, fmt.Errorf("TTL %q: %w", v, err)
		}
		row.ttl = d
	}
	switch {
	case strings.HasPrefix(forget, "erased"):
	case strings.HasPrefix(forget, "kept"):
		row.kept = true
	default:
		return row, fmt.Errorf("the after /forget cell starts with neither \"erased\" nor \"kept\"")
	}
	return row, nil
}

// placeholder is a <name> in a key pattern.
var placeholder = regexp.MustCompile(`<[^<>]+>`)

// keyPattern turns "<p>{c:<chat>}:s" into a regular expression: <p> is
// the prefix, <chat> a chat ID (captured), any other <name> one segment.
func keyPattern(p, prefix string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, loc := range placeholder.FindAllStringIndex(p, -1) {
		b.WriteString(regexp.QuoteMeta(p[last:loc[0]]))
		switch p[loc[0]:loc[1]] {
		case "<p>":
			b.WriteString(regexp.QuoteMeta(prefix))
		case "<chat>":
			b.WriteString(`(?P<chat>-?[0-9]+)`)
		default:
			b.WriteString(`[^:{}|]+`)
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(p[last:]))
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// rowOf returns the row whose pattern key matches, the pattern, and the
// chat ID the key names ("" when none).
func rowOf(rows []inventoryRow, key string) (row inventoryRow, pattern, chat string, ok bool) {
	for _, r := range rows {
		for i, re := range r.res {
			m := re.FindStringSubmatch(key)
			if m == nil {
				continue
			}
			if j := re.SubexpIndex("chat"); j >= 0 {
				chat = m[j]
			}
			return r, r.patterns[i], chat, true
		}
	}
	return inventoryRow{}, "", "", false
}

// The grammar the test reads: a row that breaks it fails, and patterns
// match what they should.
func TestInventoryTableParses(t *testing.T) {
	rows := inventoryTable(t, "anef:")
	for _, tt := range []struct {
		key, pattern, chat string
	}{
		{"anef:{c:7305081946}:s", "<p>{c:<chat>}:s", "7305081946"},
		{"anef:{q}:dep:42", "<p>{q}:dep:<chat>", "42"},
		{"anef:{u:123}", "<p>{u:<update id>}", ""},
		{"anef:{q}:wait:fr", "<p>{q}:wait:<lang>", ""},
	} {
		_, pattern, chat, ok := rowOf(rows, tt.key)
		if !ok || pattern != tt.pattern || chat != tt.chat {
			t.Errorf("%s: row %q chat %q (%v), want %q %q", tt.key, pattern, chat, ok, tt.pattern, tt.chat)
		}
	}
	for _, key := range []string{"anef:{c:1}:nope", "other:{c:1}:s", "anef:{c:1}:s:x"} {
		if _, p, _, ok := rowOf(rows, key); ok {
			t.Errorf("%s matched %q", key, p)
		}
	}
	for _, bad := range [][3]string{
		{"`<p>x`", "90 days", "erased"},
		{"`<p>x`", "`90d`", "erased"},
		{"`<p>x`", "`1h`", "maybe"},
		{"no pattern", "`1h`", "erased"},
	} {
		if _, err := parseRow(bad[0], bad[1], bad[2], "anef:"); err == nil {
			t.Errorf("row %q accepted", bad)
		}
	}
}
