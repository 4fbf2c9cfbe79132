package redisstore

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// indexGrace is how long past its session's expiry (or past its writing,
// for a session without expiry) an index entry whose session is gone is
// kept: a Create may have written the entry and not yet the session, and
// the masters' clocks may differ a little.
const indexGrace = time.Minute

// indexAdd: KEYS[1] owner index; ARGV: id ("" to only extend the index),
// entry value, index expiry ms ("0" never), "1" to keep an existing entry.
// Extends the index so that it lives at least until ARGV[3].
var indexAddScript = redis.NewScript(`
local existed = redis.call('EXISTS', KEYS[1])
if ARGV[1] ~= '' then
  if ARGV[4] == '1' then
    redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
  else
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  end
elseif existed == 0 then
  return 0
end
if ARGV[3] == '0' then
  redis.call('PERSIST', KEYS[1])
  return 1
end
local cur = redis.call('PEXPIRETIME', KEYS[1])
if existed == 0 or (cur >= 0 and cur < tonumber(ARGV[3])) then
  redis.call('PEXPIREAT', KEYS[1], ARGV[3])
end
return 1
`)

// indexRemove: KEYS[1] owner index; ARGV: pairs of id and token. Removes
// each entry that still holds that token; returns how many.
var indexRemoveScript = redis.NewScript(`
local n = 0
for i = 1, #ARGV, 2 do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v and string.sub(v, 1, #ARGV[i + 1] + 1) == ARGV[i + 1] .. ':' then
    redis.call('HDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n
`)

// deleteIfOwner: KEYS[1] session; ARGV[1] owner. Deletes the session if it
// has that owner (1); 0 when it has another or none, -1 when it is gone.
var deleteIfOwnerScript = redis.NewScript(`
local o = redis.call('HGET', KEYS[1], 'm:owner')
if o == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return redis.call('EXISTS', KEYS[1]) - 1
`)

// newToken returns the token of one owner assignment; it only has to
// differ from the session's other assignments.
func newToken() string { return strconv.FormatUint(rand.Uint64(), 36) }

// indexExpiry returns how long an owner index must live for a session
// expiring at exp: twice the session's remaining life, so that sliding
// expiry extends the index rarely ("0": never expires).
func indexExpiry(exp time.Time) string {
	if exp.IsZero() {
		return "0"
	}
	return expArg(exp.Add(max(0, time.Until(exp))))
}

func (s *Store) indexAdd(ctx context.Context, owner, id, tok string, exp time.Time, oexp string, keep bool) error {
	after := time.Now()
	if !exp.IsZero() {
		after = exp
	}
	value := tok + ":" + strconv.FormatInt(after.Add(indexGrace).UnixMilli(), 10)
	nx := "0"
	if keep {
		nx = "1"
	}
	return indexAddScript.Run(ctx, s.rdb, []string{s.ownerKey(owner)}, id, value, oexp, nx).Err()
}

func (s *Store) indexRemove(ctx context.Context, owner string, idTok ...string) error {
	if len(idTok) == 0 {
		return nil
	}
	args := make([]any, len(idTok))
	for i, v := range idTok {
		args[i] = v
	}
	return indexRemoveScript.Run(ctx, s.rdb, []string{s.ownerKey(owner)}, args...).Err()
}

// An entry is one session listed in an owner's index.
type entry struct {
	id, tok string
	after   time.Time // when the entry may be dropped if its session is gone
}

func (s *Store) entries(ctx context.Context, owner string) ([]entry, error) {
	m, err := s.rdb.HGetAll(ctx, s.ownerKey(owner)).Result()
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(m))
	for id, v := range m {
		tok, ms, _ := strings.Cut(v, ":")
		n, _ := strconv.ParseInt(ms, 10, 64)
		out = append(out, entry{id: id, tok: tok, after: time.UnixMilli(n)})
	}
	return out, nil
}

// IDsByOwner implements runtime.OwnerIndex: the index's entries whose
// session still has owner (one pipelined HGET per session, which a
// cluster client sends to each master in parallel). Entries of sessions
// that are gone are dropped.
func (s *Store) IDsByOwner(ctx context.Context, owner string) (_ []string, err error) {
	defer func() { s.noticeFailure(err) }()
	if owner == "" {
		return nil, ctx.Err()
	}
	es, err := s.entries(ctx, owner)
	if err != nil || len(es) == 0 {
		return nil, err
	}
	cmds := make([]*redis.SliceCmd, len(es))
	if _, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, e := range es {
			cmds[i] = p.HMGet(ctx, s.key(e.id), "m:owner", "m:seq")
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var ids, gone []string
	for i, e := range es {
		v := cmds[i].Val()
		switch {
		case v[0] == owner:
			ids = append(ids, e.id)
		case v[1] == nil && time.Now().After(e.after):
			gone = append(gone, e.id, e.tok)
		}
	}
	return ids, s.indexRemove(ctx, owner, gone...)
}

// DeleteByOwner implements runtime.OwnerIndex: it deletes each session in
// the owner's index that still has owner (one pipelined script per
// session), then removes their entries and those of sessions that are
// gone.
func (s *Store) DeleteByOwner(ctx context.Context, owner string) (_ int, err error) {
	defer func() { s.noticeFailure(err) }()
	if owner == "" {
		return 0, ctx.Err()
	}
	es, err := s.entries(ctx, owner)
	if err != nil || len(es) == 0 {
		return 0, err
	}
	cmds := make([]*redis.Cmd, len(es))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, e := range es {
			// EVAL, not EVALSHA: a pipeline cannot fall back on NOSCRIPT.
			cmds[i] = deleteIfOwnerScript.Eval(ctx, p, []string{s.key(e.id)}, owner)
		}
		return nil
	})
	n := 0
	var done []string
	for i, e := range es {
		r, cerr := cmds[i].Int()
		switch {
		case cerr != nil:
		case r == 1:
			n++
			done = append(done, e.id, e.tok)
		case r == -1 && time.Now().After(e.after):
			done = append(done, e.id, e.tok)
		}
	}
	if err != nil {
		return n, err
	}
	return n, s.indexRemove(ctx, owner, done...)
}
