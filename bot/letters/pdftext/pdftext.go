// Package pdftext reads back the PDFs the letters package writes, for
// tests: it checks the file's structure (header, cross-reference table,
// trailer) and extracts the text shown with Tj, in pure Go. It handles
// what go-pdf/fpdf writes with UTF-8 fonts, not PDF in general.
package pdftext

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Text checks pdf's structure and returns its text, white space
// normalised (see Normalize): it inflates the content streams (not the
// embedded font files) and decodes the UTF-16BE strings shown with Tj.
func Text(pdf []byte) (string, error) {
	if err := Check(pdf); err != nil {
		return "", err
	}
	streams, err := contentStreams(pdf)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	for _, stream := range streams {
		for _, s := range shownStrings(stream) {
			out.WriteString(decodeUTF16BE(s))
			out.WriteString(" ")
		}
	}
	return Normalize(out.String()), nil
}

// Pages checks pdf's structure and returns the text of each page, in
// order, normalised as Text does: the content stream each page object
// names with /Contents.
func Pages(pdf []byte) ([]string, error) {
	if err := Check(pdf); err != nil {
		return nil, err
	}
	var out []string
	for _, m := range pageRE.FindAllSubmatch(pdf, -1) {
		obj := regexp.MustCompile(`(?s)\b` + string(m[1]) + ` 0 obj\s*`).FindIndex(pdf)
		if obj == nil {
			return nil, fmt.Errorf("pdf: page contents %s not found", m[1])
		}
		streams, err := contentStreams(pdf[obj[1]:])
		if err != nil || len(streams) == 0 {
			return nil, fmt.Errorf("pdf: page contents %s: %v", m[1], err)
		}
		var page strings.Builder
		for _, s := range shownStrings(streams[0]) {
			page.WriteString(decodeUTF16BE(s))
			page.WriteString(" ")
		}
		out = append(out, Normalize(page.String()))
	}
	return out, nil
}

var pageRE = regexp.MustCompile(`(?s)/Type /Page\b[^s].*?/Contents (\d+) 0 R`)

var streamRE = regexp.MustCompile(`(?s)<<([^>]*)>>\s*stream\r?\n`)

func contentStreams(pdf []byte) ([][]byte, error) {
	var out [][]byte
	for _, m := range streamRE.FindAllSubmatchIndex(pdf, -1) {
		dict := string(pdf[m[2]:m[3]])
		start := m[1]
		end := bytes.Index(pdf[start:], []byte("endstream"))
		if end < 0 {
			return nil, errors.New("pdf: stream without endstream")
		}
		data := pdf[start : start+end]
		if strings.Contains(dict, "/Length1") || strings.Contains(dict, "/Subtype") {
			continue // an embedded font file or an image
		}
		if strings.Contains(dict, "/FlateDecode") {
			r, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				continue // a font's CIDToGIDMap and the like: not text
			}
			inflated, err := io.ReadAll(r)
			if err != nil {
				return nil, fmt.Errorf("pdf: inflate: %w", err)
			}
			data = inflated
		}
		out = append(out, data)
	}
	return out, nil
}

// shownStrings returns the literal strings of "(...) Tj" operators.
func shownStrings(stream []byte) [][]byte {
	var out [][]byte
	for i := 0; i < len(stream); i++ {
		if stream[i] != '(' {
			continue
		}
		s, next := literal(stream, i+1)
		rest := bytes.TrimLeft(stream[next:], " \r\n")
		if bytes.HasPrefix(rest, []byte("Tj")) {
			out = append(out, s)
		}
		i = next - 1
	}
	return out
}

// literal reads a PDF literal string starting after its "(".
func literal(b []byte, i int) ([]byte, int) {
	var s []byte
	depth := 1
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				s = append(s, '\n')
			case 'r':
				s = append(s, '\r')
			case 't':
				s = append(s, '\t')
			default:
				if e >= '0' && e <= '7' {
					v, n := 0, 0
					for n < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7' {
						v, i, n = v*8+int(b[i]-'0'), i+1, n+1
					}
					i--
					s = append(s, byte(v))
				} else {
					s = append(s, e)
				}
			}
		case c == '(':
			depth++
			s = append(s, c)
		case c == ')':
			depth--
			if depth == 0 {
				return s, i + 1
			}
			s = append(s, c)
		default:
			s = append(s, c)
		}
	}
	return s, i
}

func decodeUTF16BE(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}

// Normalize turns no-break spaces and runs of white space into one
// space, so facts split across lines are found.
func Normalize(s string) string {
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// Check checks what a PDF reader needs first: the header, a
// cross-reference table whose offsets point at the objects, a trailer
// and the end marker.
func Check(pdf []byte) error {
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
		return fmt.Errorf("pdf: bad header %q", pdf[:min(len(pdf), 8)])
	}
	if !bytes.HasSuffix(bytes.TrimRight(pdf, "\r\n"), []byte("%%EOF")) {
		return errors.New("pdf: no end-of-file marker")
	}
	x := bytes.LastIndex(pdf, []byte("startxref"))
	if x < 0 {
		return errors.New("pdf: no startxref")
	}
	var off int
	if _, err := fmt.Sscan(string(pdf[x+len("startxref"):]), &off); err != nil || off <= 0 || off >= len(pdf) {
		return fmt.Errorf("pdf: bad startxref %d (%v)", off, err)
	}
	if !bytes.HasPrefix(pdf[off:], []byte("xref")) {
		return errors.New("pdf: startxref does not point at the xref table")
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n`).FindAllSubmatch(pdf[off:], -1)
	if len(entries) == 0 {
		return errors.New("pdf: empty xref table")
	}
	for i, e := range entries {
		o, _ := strconv.Atoi(string(e[1]))
		if o >= len(pdf) {
			return fmt.Errorf("pdf: xref entry %d points past the end", i+1)
		}
		if !regexp.MustCompile(`^\d+ 0 obj`).Match(pdf[o:min(len(pdf), o+20)]) {
			return fmt.Errorf("pdf: xref entry %d points at %q, not an object", i+1, pdf[o:min(len(pdf), o+20)])
		}
	}
	return nil
}
