// Package redisstore keeps conversation sessions in Redis, through
// redis.UniversalClient so that a standalone server, Sentinel or Cluster
// work alike.
//
// One session is one hash under "<prefix>{c:<chat id>}:s" with two fields:
// v, the version, and d, the encoded session. Every key of a chat carries
// the hash tag {c:<chat id>}, so scripts touching several keys of one chat
// stay legal on Redis Cluster. Load is one HMGET; Save is one script that
// writes only if the version is unchanged (compare-and-swap), then sets
// the expiry.
package redisstore
