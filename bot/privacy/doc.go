// Package privacy holds what lets a person trust anefbot with their
// situation: /privacy says what is kept, for how long and who sees it;
// /forget (after a confirmation) erases everything every feature keeps
// about them and says what was erased; a per-person rate limit keeps one
// flood from starving everyone else; and Roles tells administrators from
// everyone else.
//
// Its Redis key, the rate-limit counter "<prefix>{c:<chat id>}:rl", lives
// at most the mute period and is erased by /forget.
package privacy
