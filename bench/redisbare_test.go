package bench

import (
	"context"
	"net/http"
	"testing"

	"github.com/redis/go-redis/v9"
)

// impl=redis-bare: the network round trips one session round trip needs,
// made with the bare go-redis client and nothing else: the read (HGETALL
// and PEXPIRETIME in one MULTI, as redisstore reads) and one write (HSET of
// the changed field). Beside impl=sessiongen-server-redis, its ratio says
// what redisstore adds to the round trips themselves. Skipped, like that
// row, without SESSIONGEN_REDIS_ADDR.
func newRedisBare(tb testing.TB) *impl {
	rdb, prefix := redisClient(tb)
	ctx := context.Background()
	key := prefix + "bare"
	must(tb, rdb.HSet(ctx, key, "userId", `"`+valUserID+`"`, "theme", `"`+valTheme+`"`,
		"roles", `["admin","editor"]`, "lastSeen", valLastSeen, "__flash_message__", `"`+valFlash+`"`).Err())
	read := func() error {
		_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HGetAll(ctx, key)
			p.PExpireTime(ctx, key)
			return nil
		})
		return err
	}
	return &impl{
		name: "redis-bare",
		read: func(http.ResponseWriter, *http.Request) error { return read() },
		write: func(http.ResponseWriter, *http.Request) error {
			return rdb.HSet(ctx, key, "userId", `"`+valUserID+`"`).Err()
		},
		roundTrip: func(http.ResponseWriter, *http.Request) error {
			if err := read(); err != nil {
				return err
			}
			return rdb.HSet(ctx, key, "lastSeen", nextLastSeen).Err()
		},
	}
}
