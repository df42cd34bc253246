package letters

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var images = flag.Bool("images", false, "render the first page of each letter to docs/letters/<id>.png (needs pdftoppm)")

// TestPageImages refreshes the page images of docs/letters.md from each
// letter's realistic scenario: go test ./bot/letters -run PageImages
// -images. It needs pdftoppm (poppler-utils) and is never run by CI.
func TestPageImages(t *testing.T) {
	if !*images {
		t.Skip("run with -images to refresh docs/letters/*.png")
	}
	tool, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatal("pdftoppm not found: apt-get install poppler-utils")
	}
	dir := filepath.Join("..", "..", "docs", "letters")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range Letters {
		doc, err := Compose(l.ID, scenarios(l.ID)[0].facts)
		if err != nil {
			t.Fatal(err)
		}
		pdf, err := doc.PDF("Lettre", day("2026-11-29"))
		if err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(t.TempDir(), l.ID+".pdf")
		if err := os.WriteFile(in, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, l.ID)
		cmd := exec.Command(tool, "-png", "-f", "1", "-l", "1", "-scale-to", "700", "-singlefile", in, out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm %s: %v: %s", l.ID, err, b)
		}
	}
}
