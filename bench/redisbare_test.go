package bench

import (
	"context"
	"net/http"
	"strconv"
	"testing"
)

// impl=redis-bare: the network round trips one session round trip needs,
// made with the bare go-redis client and nothing else, one command each:
// the read (HGETALL of the session's hash, as redisstore reads) and the
// write (HSET of the changed field, where redisstore runs its update
// script, which checks that the session still exists and keeps the key's
// place). Write is one HSET of a new hash's fields, where redisstore runs
// its create script. Beside impl=sessiongen-server-redis, its ratio says
// what redisstore, its scripts and the session add to the round trips
// themselves. Skipped, like that row, without SESSIONGEN_REDIS_ADDR.
func newRedisBare(tb testing.TB) *impl {
	rdb, prefix := redisClient(tb)
	ctx := context.Background()
	key := prefix + "bare"
	must(tb, rdb.HSet(ctx, key, "userId", `"`+valUserID+`"`, "theme", `"`+valTheme+`"`,
		"roles", `["admin","editor"]`, "lastSeen", valLastSeen, "__flash_message__", `"`+valFlash+`"`).Err())
	read := func() error {
		m, err := rdb.HGetAll(ctx, key).Result()
		if err == nil && m["userId"] != `"`+valUserID+`"` {
			err = errBadRead
		}
		return err
	}
	n := 0
	return &impl{
		name: "redis-bare",
		read: func(http.ResponseWriter, *http.Request) error { return read() },
		write: func(http.ResponseWriter, *http.Request) error {
			n++
			return rdb.HSet(ctx, prefix+"new:"+strconv.Itoa(n), "userId", `"`+valUserID+`"`, "theme", `"`+valTheme+`"`,
				"__flash_message__", `"`+valFlash+`"`).Err()
		},
		roundTrip: func(http.ResponseWriter, *http.Request) error {
			if err := read(); err != nil {
				return err
			}
			return rdb.HSet(ctx, key, "lastSeen", nextLastSeen).Err()
		},
	}
}
