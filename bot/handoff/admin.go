package handoff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// adminCommand handles the administrators' commands (ADMIN_IDS only).
func (s *Service) adminCommand(ctx context.Context, b *bot.Bot, u bot.Update, name, arg string) (bool, error) {
	switch name {
	case "invite", "addvolunteer", "volunteers", "pause", "resume", "remove", "stats", "admin":
	default:
		return false, nil // not one of ours: no Redis call
	}
	lang, err := b.Lang(ctx, u.ChatID, u.LangCode)
	if err != nil {
		return true, err
	}
	switch name {
	case "invite":
		return true, s.invite(ctx, b, u.ChatID, lang, arg)
	case "addvolunteer":
		return true, s.addVolunteer(ctx, b, u.ChatID, lang, arg)
	case "volunteers":
		return true, s.listVolunteers(ctx, b, u.ChatID, lang)
	case "pause", "resume", "remove":
		return true, s.manage(ctx, b, u.ChatID, lang, name, arg)
	case "stats":
		return true, s.stats(ctx, b, u.ChatID, lang)
	case "admin":
		return true, b.Say(ctx, u.ChatID, lang, "handoff_admin_help", nil)
	}
	return false, nil
}

// errSpec: the volunteer description could not be read.
var errSpec = errors.New("want languages (fr,ar), optional départements (75,93), optional name")

// parseSpec reads "fr,ar 75,93 Amina": languages, then départements if
// the next word is a list of them, then the name shown to people.
func parseSpec(words []string) (Invite, error) {
	if len(words) == 0 {
		return Invite{}, errSpec
	}
	inv := Invite{Langs: strings.Split(strings.ToLower(words[0]), ",")}
	for _, l := range inv.Langs {
		if !langPattern.MatchString(l) {
			return Invite{}, errSpec
		}
	}
	words = words[1:]
	if len(words) > 0 {
		deps := strings.Split(strings.ToUpper(words[0]), ",")
		ok := true
		for _, d := range deps {
			ok = ok && depPattern.MatchString(d)
		}
		if ok {
			inv.Deps, words = deps, words[1:]
		}
	}
	inv.Name = strings.Join(words, " ")
	if len([]rune(inv.Name)) > 32 {
		return Invite{}, errSpec
	}
	return inv, nil
}

// invite creates a one-time deep link for a new volunteer.
func (s *Service) invite(ctx context.Context, b *bot.Bot, chat int64, lang, arg string) error {
	inv, err := parseSpec(strings.Fields(arg))
	if err != nil {
		return b.Say(ctx, chat, lang, "handoff_admin_invite_usage", nil)
	}
	code, err := s.st.CreateInvite(ctx, inv, s.cfg.InviteTTL)
	if err != nil {
		return err
	}
	link := "/start " + code
	if u := s.cfg.Username(); u != "" {
		link = "https://t.me/" + u + "?start=" + code
	}
	return b.Say(ctx, chat, lang, "handoff_admin_invite", flows.Args{
		"Link": link, "Langs": strings.Join(inv.Langs, ", "), "Count": int(s.cfg.InviteTTL.Hours() / 24),
	})
}

// redeem makes the sender a volunteer with an invitation code. A code
// that is unknown, used or expired is left to the conversation, which
// greets them as anyone else: the link reveals nothing.
func (s *Service) redeem(ctx context.Context, b *bot.Bot, u bot.Update, code string) (bool, error) {
	inv, err := s.st.RedeemInvite(ctx, code)
	if errors.Is(err, ErrBadInvite) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	v := Volunteer{ID: u.UserID, Name: inv.Name, Langs: inv.Langs, Deps: inv.Deps, Status: Available}
	if err := s.st.PutVolunteer(ctx, v); err != nil {
		return true, err
	}
	s.log.Info("volunteer joined", "chat", bot.ChatHash(u.ChatID))
	for _, a := range s.cfg.Admins {
		s.tellAdmin(ctx, b, a, "handoff_admin_joined", flows.Args{"ID": strconv.FormatInt(v.ID, 10), "Name": v.Name})
	}
	return true, b.Say(ctx, v.ID, volunteerLang(b.Catalog(), v), "handoff_vol_welcome", nil)
}

func (s *Service) tellAdmin(ctx context.Context, b *bot.Bot, admin int64, id string, args flows.Args) {
	lang, err := b.Lang(ctx, admin, "")
	if err == nil {
		err = b.Say(ctx, admin, lang, id, args)
	}
	if err != nil {
		s.log.Warn("tell admin", "chat", bot.ChatHash(admin), "err", err)
	}
}

// addVolunteer adds a volunteer by Telegram user ID: "/addvolunteer
// 123456 fr,ar 75 Amina". They can use the bot once they have started it.
func (s *Service) addVolunteer(ctx context.Context, b *bot.Bot, chat int64, lang, arg string) error {
	words := strings.Fields(arg)
	if len(words) < 2 {
		return b.Say(ctx, chat, lang, "handoff_admin_add_usage", nil)
	}
	id, err := strconv.ParseInt(words[0], 10, 64)
	inv, err2 := parseSpec(words[1:])
	if err != nil || id <= 0 || err2 != nil {
		return b.Say(ctx, chat, lang, "handoff_admin_add_usage", nil)
	}
	v := Volunteer{ID: id, Name: inv.Name, Langs: inv.Langs, Deps: inv.Deps, Status: Available}
	if err := s.st.PutVolunteer(ctx, v); err != nil {
		return err
	}
	return b.Say(ctx, chat, lang, "handoff_admin_added", flows.Args{"ID": words[0]})
}

func (s *Service) listVolunteers(ctx context.Context, b *bot.Bot, chat int64, lang string) error {
	vols, busy, err := s.st.Roster(ctx)
	if err != nil {
		return err
	}
	if len(vols) == 0 {
		return b.Say(ctx, chat, lang, "handoff_admin_no_volunteers", nil)
	}
	var lines []string
	for _, v := range vols {
		line := fmt.Sprintf("%d · %s · %s", v.ID, strings.Join(v.Langs, ","), v.Status)
		if v.Name != "" {
			line += " · " + v.Name
		}
		if len(v.Deps) > 0 {
			line += " · " + strings.Join(v.Deps, ",")
		}
		if busy[v.ID] {
			line += " · 💬"
		}
		lines = append(lines, line)
	}
	return b.Say(ctx, chat, lang, "handoff_admin_volunteers", flows.Args{"Count": len(vols), "List": strings.Join(lines, "\n")})
}

// manage pauses, resumes or removes a volunteer. Removing one who holds a
// case puts it back in the queue and tells the person.
func (s *Service) manage(ctx context.Context, b *bot.Bot, chat int64, lang, verb, arg string) error {
	id, err := strconv.ParseInt(strings.TrimSpace(arg), 10, 64)
	if err != nil {
		return b.Say(ctx, chat, lang, "handoff_admin_manage_usage", flows.Args{"Command": "/" + verb})
	}
	v, err := s.st.Volunteer(ctx, id)
	if errors.Is(err, ErrNoVolunteer) {
		return b.Say(ctx, chat, lang, "handoff_admin_unknown_volunteer", flows.Args{"ID": arg})
	}
	if err != nil {
		return err
	}
	switch verb {
	case "remove":
		if err := s.dropVolunteer(ctx, b, id); err != nil {
			return err
		}
	case "pause":
		v.Status = Paused
		err = s.st.PutVolunteer(ctx, v)
	default:
		v.Status = Available
		err = s.st.PutVolunteer(ctx, v)
	}
	if err != nil {
		return err
	}
	return b.Say(ctx, chat, lang, "handoff_admin_done_"+verb, flows.Args{"ID": arg})
}

// dropVolunteer returns the case a volunteer holds to the queue, telling
// the person, and deletes the volunteer.
func (s *Service) dropVolunteer(ctx context.Context, b *bot.Bot, id int64) error {
	c, err := s.held(ctx, b, id)
	if err != nil && !errors.Is(err, ErrNoCase) {
		return err
	}
	if _, err := s.st.RemoveVolunteer(ctx, id); err != nil {
		return err
	}
	if c.Ref == "" || s.st.Release(ctx, id, c) != nil {
		return nil
	}
	if err := s.backInQueue(ctx, b, c, "handoff_released"); err != nil {
		s.log.Warn("tell person", "chat", bot.ChatHash(c.Chat), "err", err)
	}
	return s.notify(ctx, b, c, []int64{id}, false)
}

// stats shows, per language: waiting, taken, closed, median wait and
// handling time, over the retention period.
func (s *Service) stats(ctx context.Context, b *bot.Bot, chat int64, lang string) error {
	st, err := s.st.Stats(ctx, s.cfg.Languages, s.cfg.Clock())
	if err != nil {
		return err
	}
	r := reply("handoff_admin_stats_title", flows.Args{"Count": int(s.st.Retention.Hours() / 24)})
	for _, l := range st {
		r.Parts = append(r.Parts, flows.Part{ID: "handoff_admin_stats_line", Args: flows.Args{
			"Lang": l.Lang, "Waiting": l.Waiting, "Taken": l.Taken, "Closed": l.Closed,
			"Wait": int(l.MedianWait.Minutes()), "Handling": int(l.MedianHandling.Minutes()),
		}})
	}
	return s.send(ctx, b, chat, lang, false, r)
}
