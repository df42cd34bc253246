// Package privacy holds what lets a person trust anefbot with their
// situation: /privacy says who is responsible for the data, what is kept,
// why and on what basis, for how long, who sees it and the person's
// rights (notice.go); /mydata sends them everything the features hold
// about them (access.go);
// /forget (after a confirmation) erases everything every feature keeps
// about them and says what was erased; a per-person rate limit keeps one
// flood from starving everyone else; and Roles tells administrators from
// everyone else.
//
// Its Redis key, the rate-limit counter "<prefix>{c:<chat id>}:rl", lives
// at most the mute period and is erased by /forget.
package privacy
