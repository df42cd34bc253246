// Command plot draws the JSON output of anefbot-load as a PNG: throughput
// and bot CPU per update, latency p50/p90/p99, and the bot's peak memory,
// against the number of simulated people on a logarithmic axis. Standard
// library only, with a built-in pixel font, so it runs anywhere Go does.
//
//	go run ./cmd/anefbot-load/plot -in docs/perf/load.json -out docs/perf/load.png
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strings"
)

// report is the part of anefbot-load's JSON the plot uses.
type report struct {
	Machine struct {
		Cores        int     `json:"cores"`
		Go           string  `json:"go"`
		Redis        string  `json:"redis"`
		ThinkSeconds float64 `json:"think_s"`
		Date         string  `json:"date"`
	} `json:"machine"`
	Runs []struct {
		People      int     `json:"people"`
		UpdatesPerS float64 `json:"updates_per_s"`
		P50         float64 `json:"p50_ms"`
		P90         float64 `json:"p90_ms"`
		P99         float64 `json:"p99_ms"`
		BotCPU      float64 `json:"bot_cpu_us_per_update"`
		PeakRSS     float64 `json:"bot_peak_rss_mib"`
	} `json:"runs"`
}

func main() {
	in := flag.String("in", "load.json", "anefbot-load -json output")
	out := flag.String("out", "load.png", "PNG to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "plot:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(r.Runs) == 0 {
		return fmt.Errorf("%s: no runs", in)
	}
	img := draw(r)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var (
	white = color.RGBA{255, 255, 255, 255}
	black = color.RGBA{30, 30, 30, 255}
	grey  = color.RGBA{215, 215, 215, 255}
	blue  = color.RGBA{31, 119, 180, 255}
	green = color.RGBA{44, 160, 44, 255}
	amber = color.RGBA{230, 140, 20, 255}
	red   = color.RGBA{214, 39, 40, 255}
)

const width, height = 1560, 560

func draw(r report) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	fill(img, img.Bounds(), white)
	m := r.Machine
	text(img, 30, 14, 3, black, fmt.Sprintf("anefbot load: %d cores, %s, redis %s, think %gs, %s", m.Cores, m.Go, m.Redis, m.ThinkSeconds, m.Date))
	people := make([]float64, len(r.Runs))
	ups, cpu, rss := make([]float64, len(people)), make([]float64, len(people)), make([]float64, len(people))
	p50, p90, p99 := make([]float64, len(people)), make([]float64, len(people)), make([]float64, len(people))
	for i, run := range r.Runs {
		people[i], ups[i], cpu[i], rss[i] = float64(run.People), run.UpdatesPerS, run.BotCPU, run.PeakRSS
		p50[i], p90[i], p99[i] = run.P50, run.P90, run.P99
	}
	left := panel{x0: 90, y0: 70, x1: 500, y1: 480, xs: people}
	left.yMax = niceMax(max(maxOf(ups), maxOf(cpu)))
	left.frame(img, "updates/s, bot cpu us per update")
	left.series(img, ups, blue)
	left.series(img, cpu, green)
	legend(img, left.x0+10, left.y0+10, []string{"updates/s", "bot cpu us/update"}, []color.RGBA{blue, green})

	mid := panel{x0: 600, y0: 70, x1: 1010, y1: 480, xs: people, logY: true}
	mid.yMin, mid.yMax = decadeBelow(minPositive(p50)), decadeAbove(maxOf(p99))
	mid.frame(img, "latency, update to first reply, ms")
	mid.series(img, p50, green)
	mid.series(img, p90, amber)
	mid.series(img, p99, red)
	legend(img, mid.x0+10, mid.y0+10, []string{"p50", "p90", "p99"}, []color.RGBA{green, amber, red})

	right := panel{x0: 1110, y0: 70, x1: 1520, y1: 480, xs: people}
	right.yMax = niceMax(maxOf(rss) * 1.2)
	right.frame(img, "bot peak memory (rss), mib")
	right.series(img, rss, blue)
	return img
}

// panel is one chart: x is the number of people (log scale), y linear
// from 0 or logarithmic.
type panel struct {
	x0, y0, x1, y1 int
	xs             []float64
	yMin, yMax     float64
	logY           bool
}

func (p panel) x(v float64) int {
	lo, hi := math.Log10(minPositive(p.xs)), math.Log10(maxOf(p.xs))
	if hi == lo {
		return (p.x0 + p.x1) / 2
	}
	margin := 0.05 * (hi - lo)
	lo, hi = lo-margin, hi+margin
	return p.x0 + int((math.Log10(v)-lo)/(hi-lo)*float64(p.x1-p.x0))
}

func (p panel) y(v float64) int {
	var f float64
	if p.logY {
		v = max(v, p.yMin)
		f = (math.Log10(v) - math.Log10(p.yMin)) / (math.Log10(p.yMax) - math.Log10(p.yMin))
	} else {
		f = v / p.yMax
	}
	return p.y1 - int(f*float64(p.y1-p.y0))
}

func (p panel) frame(img *image.RGBA, title string) {
	text(img, p.x0, p.y0-26, 2, black, title)
	for _, t := range p.yTicks() {
		y := p.y(t)
		hline(img, p.x0, p.x1, y, grey)
		label := trim(t)
		text(img, p.x0-8-len(label)*8, y-5, 2, black, label)
	}
	for _, v := range p.xs {
		x := p.x(v)
		vline(img, x, p.y0, p.y1, grey)
		label := short(v)
		text(img, x-len(label)*4, p.y1+10, 2, black, label)
	}
	hline(img, p.x0, p.x1, p.y1, black)
	vline(img, p.x0, p.y0, p.y1, black)
	text(img, (p.x0+p.x1)/2-60, p.y1+34, 2, black, "simulated people")
}

func (p panel) yTicks() []float64 {
	var out []float64
	if p.logY {
		for v := p.yMin; v <= p.yMax*1.0001; v *= 10 {
			out = append(out, v)
		}
		return out
	}
	step := p.yMax / 5
	for i := 0; i <= 5; i++ {
		out = append(out, float64(i)*step)
	}
	return out
}

func (p panel) series(img *image.RGBA, ys []float64, c color.RGBA) {
	for i := range ys {
		x, y := p.x(p.xs[i]), p.y(ys[i])
		fill(img, image.Rect(x-4, y-4, x+5, y+5), c)
		if i > 0 {
			line(img, p.x(p.xs[i-1]), p.y(ys[i-1]), x, y, c)
		}
	}
}

func legend(img *image.RGBA, x, y int, names []string, colors []color.RGBA) {
	for i, n := range names {
		fill(img, image.Rect(x, y+i*20, x+14, y+i*20+12), colors[i])
		text(img, x+22, y+i*20+1, 2, black, n)
	}
}

func maxOf(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

func minPositive(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		if x > 0 {
			m = min(m, x)
		}
	}
	if math.IsInf(m, 1) {
		return 1
	}
	return m
}

func decadeBelow(v float64) float64 { return math.Pow(10, math.Floor(math.Log10(v))) }

func decadeAbove(v float64) float64 { return math.Pow(10, math.Ceil(math.Log10(max(v, 1e-3))+1e-9)) }

// niceMax rounds up to 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	d := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*d {
			return m * d
		}
	}
	return 10 * d
}

func trim(v float64) string {
	if v >= 1000 {
		return short(v)
	}
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func short(v float64) string {
	switch {
	case v >= 1e6:
		return trim(v/1e6) + "m"
	case v >= 1e3:
		return trim(v/1e3) + "k"
	}
	return trim(v)
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func hline(img *image.RGBA, x0, x1, y int, c color.RGBA) { fill(img, image.Rect(x0, y, x1+1, y+1), c) }

func vline(img *image.RGBA, x, y0, y1 int, c color.RGBA) { fill(img, image.Rect(x, y0, x+1, y1+1), c) }

// line draws a 3-pixel-wide segment.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	n := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= n; i++ {
		x := x0 + (x1-x0)*i/n
		y := y0 + (y1-y0)*i/n
		fill(img, image.Rect(x-1, y-1, x+2, y+2), c)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
