package letters

import (
	"bytes"
	_ "embed"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
)

// DejaVu Serif 2.37, Bitstream Vera licence (fonts/LICENSE). Only the
// glyphs a letter uses are embedded in the PDF (fpdf subsets the font).
var (
	//go:embed fonts/DejaVuSerif.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSerif-Bold.ttf
	fontBold []byte
)

// Page layout, in millimetres and points.
const (
	margin     = 18.0
	rightBlock = 110.0 // left edge of the addressee and signature block
	fontSize   = 10.0
	lineHeight = 4.9
	itemIndent = 5.0
)

// PDF lays the document out on A4 pages. created is written in the PDF's
// metadata (a fixed date keeps output reproducible); title too. A letter
// that needs more than one page is laid out a second time with "n/N" at
// the foot of every page; a one-page letter has no number.
func (d Document) PDF(title string, created time.Time) ([]byte, error) {
	pdf, err := d.render(title, created, false)
	if err != nil {
		return nil, err
	}
	if pdf.PageCount() > 1 {
		if pdf, err = d.render(title, created, true); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func (d Document) render(title string, created time.Time, numbered bool) (*fpdf.Fpdf, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	pdf.AddUTF8FontFromBytes("serif", "", fontRegular)
	pdf.AddUTF8FontFromBytes("serif", "B", fontBold)
	pdf.SetTitle(title, true)
	pdf.SetCreator("anefbot", true)
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCatalogSort(true)
	pdf.SetLang("fr")
	pdf.AliasNbPages("{nb}")
	if numbered {
		pdf.SetFooterFunc(func() {
			pdf.SetY(-12)
			pdf.SetFont("serif", "", 8)
			pdf.CellFormat(0, 4, fmt.Sprintf("%d/{nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
		})
	}
	pdf.AddPage()
	tail := d.tail()
	for i, b := range d.Blocks {
		if i == tail && !fits(pdf, d.Blocks[tail:]) {
			// The closing and the signature never stand alone on a
			// page: the last paragraph goes over with them.
			pdf.AddPage()
		}
		layout(pdf, b)
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return pdf, nil
}

// tail is the index of the block where the letter's end starts: the last
// paragraph before the closing formula, with its list, the closing and
// the signature. -1 when the letter has fewer than two paragraphs.
func (d Document) tail() int {
	var paras []int
	for i, b := range d.Blocks {
		if b.Kind == Paragraph {
			paras = append(paras, i)
		}
	}
	if len(paras) < 2 {
		return -1
	}
	return paras[len(paras)-2]
}

// fits reports whether blocks fit in what is left of the current page.
func fits(pdf *fpdf.Fpdf, blocks []Block) bool {
	_, pageH := pdf.GetPageSize()
	return pdf.GetY()+height(pdf, blocks) <= pageH-margin
}

// height is the space blocks take, as layout draws them.
func height(pdf *fpdf.Fpdf, blocks []Block) float64 {
	pageW, _ := pdf.GetPageSize()
	h := 0.0
	for _, b := range blocks {
		w := pageW - 2*margin
		pdf.SetFont("serif", "", fontSize)
		switch b.Kind {
		case Gap:
			h += lineHeight * 0.8
			continue
		case Right:
			w = pageW - margin - rightBlock
		case Item:
			w -= 2 * itemIndent
		case Title:
			pdf.SetFont("serif", "B", fontSize)
		}
		h += float64(len(pdf.SplitText(b.Text, w))) * lineHeight
	}
	return h
}
func layout(pdf *fpdf.Fpdf, b Block) {
	pdf.SetFont("serif", "", fontSize)
	switch b.Kind {
	case Gap:
		pdf.Ln(lineHeight * 0.8)
	case Right:
		pdf.SetX(rightBlock)
		pdf.MultiCell(0, lineHeight, b.Text, "", "L", false)
	case Title:
		pdf.SetFont("serif", "B", fontSize)
		pdf.MultiCell(0, lineHeight, b.Text, "", "L", false)
	case Item:
		pdf.SetX(margin + itemIndent)
		pdf.CellFormat(itemIndent, lineHeight, "–", "", 0, "L", false, 0, "")
		pdf.MultiCell(0, lineHeight, b.Text, "", "L", false)
	default:
		pdf.MultiCell(0, lineHeight, b.Text, "", "L", false)
	}
}
