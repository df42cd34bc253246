package flows

import (
	"testing"
)

// anef.md §10 (issue "what people actually type"): at a date question a
// person may not know the date, may give only a month, or may forget the
// year. Each gets a clear path, and bad input changes nothing.
func TestWhatPeopleTypeAtADateQuestion(t *testing.T) {
	newTyping := func(t *testing.T) *convo {
		e := NewEngine(testGraph(t, 1, nil), Options{
			Languages: []Language{{Code: "fr", Name: "Français"}, {Code: "en", Name: "English"}},
			Keywords: map[string]map[string]string{
				"fr": {KeywordDateUnknown: "je ne sais pas | jsp | aucune idee"},
				"en": {KeywordDateUnknown: "i don t know | no idea"},
			},
		})
		c := &convo{t: t, e: e}
		c.cmd("start")
		c.press("o_dated")
		return c
	}
	tests := []struct {
		name    string
		play    func(c *convo) Result
		want    string
		answer  string // stored under "d"
		assumed string // KeyAssumed
	}{
		{"the button", func(c *convo) Result { return c.press("date_unknown_btn") },
			"date_unknown_ack p_past [btn_restart]", Unknown, ""},
		{"typed in French", func(c *convo) Result { return c.text("Je ne sais pas") },
			"date_unknown_ack p_past [btn_restart]", Unknown, ""},
		{"typed in English, another language than the app's", func(c *convo) Result { return c.text("no idea, sorry") },
			"date_unknown_ack p_past [btn_restart]", Unknown, ""},
		{"a month and a year", func(c *convo) Result {
			if got := ids(c.text("mars 2027")); got != "date_confirm_month [date_yes] [date_no]" {
				c.t.Fatalf("after the month: %s", got)
			}
			return c.press("date_yes")
		}, "p_done [btn_restart]", "2027-03-01", "d"},
		{"a month and a year in figures", func(c *convo) Result { c.text("03/2027"); return c.press("date_yes") },
			"p_done [btn_restart]", "2027-03-01", "d"},
		{"year first", func(c *convo) Result { c.text("2027-03"); return c.press("date_yes") },
			"p_done [btn_restart]", "2027-03-01", "d"},
		{"a day and a month: the year is asked", func(c *convo) Result { return c.text("12 mars") },
			"date_need_year", "", ""},
		{"in figures", func(c *convo) Result { return c.text("12/03") },
			"date_need_year", "", ""},
		{"English order", func(c *convo) Result { return c.text("March 12") },
			"date_need_year", "", ""},
		{"no such day stays invalid", func(c *convo) Result { return c.text("31/02") },
			"date_invalid", "", ""},
		{"a month alone is not a date", func(c *convo) Result { return c.text("mars") },
			"date_invalid", "", ""},
		{"an exact date after a month clears the assumption", func(c *convo) Result {
			c.text("mars 2027")
			c.press("date_yes")
			c.cmd("back")
			c.text("15/03/2027")
			return c.press("date_yes")
		}, "p_done [btn_restart]", "2027-03-15", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTyping(t)
			before := c.s
			got := ids(tt.play(c))
			if got != tt.want {
				t.Errorf("replies = %s\nwant      %s", got, tt.want)
			}
			if a := c.s.Answers["d"]; a != tt.answer {
				t.Errorf("answer = %q, want %q", a, tt.answer)
			}
			if a := c.s.Answers[KeyAssumed]; a != tt.assumed {
				t.Errorf("assumed = %q, want %q", a, tt.assumed)
			}
			if tt.answer == "" && (c.s.State != before.State || c.s.Seq != before.Seq) {
				t.Errorf("bad input moved the session: %s/%d -> %s/%d", before.State, before.Seq, c.s.State, c.s.Seq)
			}
		})
	}
}

// readDate at its boundaries: leap days, two fields, the 1st assumed.
func TestReadDate(t *testing.T) {
	for _, tc := range []struct {
		in        string
		want      string
		precision datePrecision
		err       bool
	}{
		{"12/03/2027", "2027-03-12", fullDate, false},
		{"mars 2027", "2027-03-01", monthOnly, false},
		{"02/2028", "2028-02-01", monthOnly, false},
		{"13/2027", "", 0, true},
		{"29/02", "2000-02-29", noYear, false}, // a day in some year: ask which
		{"30/02", "", 0, true},
		{"1er mai", "2000-05-01", noYear, false},
		{"12", "", 0, true},
	} {
		d, p, err := readDate(tc.in, testNow)
		if (err != nil) != tc.err || (err == nil && (d.Format(isoDate) != tc.want || p != tc.precision)) {
			t.Errorf("readDate(%q) = %s %d %v, want %s %d err=%v", tc.in, d.Format(isoDate), p, err, tc.want, tc.precision, tc.err)
		}
	}
	if got := withYear(day("2000-02-29"), day("2027-06-01")); got.Format(isoDate) != "2027-06-01" {
		t.Errorf("29/02 in a common year: %s", got.Format(isoDate))
	}
}
