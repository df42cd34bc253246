package reminders

// Retention is how long a chat's reminders are kept after the last one's
// date, for the privacy notice.
const Retention = keep
