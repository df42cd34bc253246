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
	margin     = 20.0
	rightBlock = 110.0 // left edge of the addressee and signature block
	fontSize   = 10.5
	lineHeight = 5.2
	itemIndent = 5.0
)

// PDF lays the document out on A4 pages. created is written in the PDF's
// metadata (a fixed date keeps output reproducible); title too.
func (d Document) PDF(title string, created time.Time) ([]byte, error) {
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
	pdf.SetFooterFunc(func() {
		if pdf.PageCount() > 1 {
			pdf.SetY(-12)
			pdf.SetFont("serif", "", 8)
			pdf.CellFormat(0, 4, fmt.Sprintf("%d/{nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
		}
	})
	pdf.AddPage()
	for _, b := range d.Blocks {
		layout(pdf, b)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return buf.Bytes(), nil
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
