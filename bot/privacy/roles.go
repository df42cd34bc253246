package privacy

// Roles says who may use the commands that reach other people's cases.
// Administrators are the Telegram user IDs of ADMIN_IDS; volunteers are
// whoever the handoff feature lists. Everyone else is a person being
// helped. The zero Roles has no administrator.
type Roles struct {
	admins map[int64]bool
}

// NewRoles returns roles with the given administrators.
func NewRoles(admins []int64) Roles {
	r := Roles{admins: make(map[int64]bool, len(admins))}
	for _, id := range admins {
		if id > 0 {
			r.admins[id] = true
		}
	}
	return r
}

// IsAdmin reports whether a Telegram user is an administrator. User ID 0
// (an update without a sender) never is.
func (r Roles) IsAdmin(userID int64) bool { return userID > 0 && r.admins[userID] }
