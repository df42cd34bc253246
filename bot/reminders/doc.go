// Package reminders keeps people from missing the dates of their ANEF
// procedure: it schedules the reminders that follow from their facts
// (flows.Reminders), sends them at a civil hour in Europe/Paris from any
// number of replicas, and gives the person the /reminders command, the
// buttons of each reminder and a calendar file (.ics, RFC 5545).
//
// Due reminders live in one Redis sorted set scored by due time; a
// scheduler claims due members atomically by moving their score to the end
// of a lease (Lua), so each is sent by one replica, and again by another if
// the first dies before recording it as sent. The person's reminders live
// in a hash under their chat's hash tag, which the sending records against,
// once, so a reminder is never sent twice in normal operation. Everything
// expires a week after the last date.
package reminders
