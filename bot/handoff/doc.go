// Package handoff hands a person from the bot to a human volunteer of an
// association, with the case already summarised (anef.md §8 "Handoff
// package"): the person consents, the case waits in a Redis queue ordered
// by urgency then age, per language; a volunteer who speaks the language
// takes it atomically, and the bot relays messages both ways until the
// volunteer closes the case or hands it back.
//
// Everything the queue keeps lives under one hash tag ({q}) so that every
// script is legal on Redis Cluster; nothing here touches a person's
// {c:<chat>} keys. Closed cases keep only their language, outcome and
// timings, for statistics, and expire.
//
// The package also holds the volunteers and their one-time invitations,
// and the directory of association contacts given to people when nobody
// can take their case.
package handoff
