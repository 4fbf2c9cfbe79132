// Package redisstore keeps server-side sessions in Redis (7.0 or newer)
// through github.com/redis/go-redis/v9. It implements runtime.Store and
// runtime.OwnerIndex, and is the store for several app instances that
// share sessions with the least latency. It is a Go module of its own, so
// that the sessiongen core does not depend on a Redis client.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	st := redisstore.New(rdb, redisstore.Options{})
//	storage, err := sessions.NewUserStorage(sessions.Config{Secrets: secrets, Store: st})
//
// # Layout
//
// A session is one Redis hash, <prefix>s:<id>, with one field per session
// key ("k:<key>", whose value is "<n>:<JSON>": n records the key's place,
// so that keys come back in the order JavaScript would keep them) and two
// bookkeeping fields ("m:seq", "m:owner"). A session with an owner (the
// schema's `index: true` key) is a member of the set <prefix>o:<owner>.
//
// # Expiry
//
// Native: each hash gets PEXPIREAT at the session's expiry (PERSIST when it
// has none), so Redis deletes expired sessions itself and no sweep is
// needed. Expiry follows the Redis server's clock. An owner set expires
// with the latest of its sessions; members that outlive their session are
// skipped and removed by IDsByOwner and DeleteByOwner.
//
// # Concurrency
//
// Create, Update, Delete and the owner operations are Lua scripts, so each
// is atomic: Update applies only what a request changed (runtime.Patch:
// HSET of the set keys, HDEL of the removed ones, the new expiry and the
// owner index) and returns runtime.ErrNotFound, writing nothing, when the
// session is missing or expired. Concurrent requests that change different
// keys of one session all persist; two that set the same key: the last
// write wins. Read is one MULTI (HGETALL and PEXPIRETIME).
//
// The scripts touch the owner sets of the session they change, whose names
// they compute, so the store needs a single Redis (standalone, or a primary
// behind Sentinel), not Redis Cluster.
//
// When Redis is unreachable every method returns the client's error, which
// runtime.Storage passes on as a *runtime.StoreError: a session never reads
// as empty because Redis was down. Configure the client's timeouts
// (DialTimeout, ReadTimeout, MaxRetries) for how long a request may wait.
package redisstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessiongen/sessiongen/runtime"
)

// Options configure a Store.
type Options struct {
	// Prefix starts every key the store writes. Default "sessiongen:".
	Prefix string
}

// A Store is a runtime.Store over Redis. It is safe for concurrent use, and
// any number of app instances may share one Redis through their own
// clients.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

// New returns a Store over rdb.
func New(rdb redis.UniversalClient, o Options) *Store {
	if o.Prefix == "" {
		o.Prefix = "sessiongen:"
	}
	return &Store{rdb: rdb, prefix: o.Prefix}
}

func (s *Store) key(id string) string         { return s.prefix + "s:" + id }
func (s *Store) ownerKey(owner string) string { return s.prefix + "o:" + owner }

// luaTouchOwner adds an id to its owner's set and makes the set live at
// least as long as the session (ARGV-style expiry string, "0" = never).
const luaTouchOwner = `
local function touch_owner(set, id, exp)
  local existed = redis.call('EXISTS', set)
  redis.call('SADD', set, id)
  if exp == '0' then
    redis.call('PERSIST', set)
    return
  end
  local cur = redis.call('PEXPIRETIME', set)
  if existed == 0 or (cur >= 0 and cur < tonumber(exp)) then
    redis.call('PEXPIREAT', set, exp)
  end
end
local function hset_all(key, fv)
  for i = 1, #fv, 200 do
    redis.call('HSET', key, unpack(fv, i, math.min(i + 199, #fv)))
  end
end
`

// create: KEYS[1] session; ARGV: expires ms ("0" never), owner, owner-set
// prefix, id, then key/value pairs. Returns 0 when the id is taken.
var createScript = redis.NewScript(luaTouchOwner + `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fv = {}
local n = 0
for i = 5, #ARGV, 2 do
  n = n + 1
  fv[#fv + 1] = 'k:' .. ARGV[i]
  fv[#fv + 1] = n .. ':' .. ARGV[i + 1]
end
fv[#fv + 1] = 'm:seq'
fv[#fv + 1] = n
if ARGV[2] ~= '' then
  fv[#fv + 1] = 'm:owner'
  fv[#fv + 1] = ARGV[2]
end
hset_all(KEYS[1], fv)
if ARGV[1] ~= '0' then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end
if ARGV[2] ~= '' then touch_owner(ARGV[3] .. ARGV[2], ARGV[4], ARGV[1]) end
return 1
`)

// update: KEYS[1] session; ARGV: expires ms, owner changed ("1"/"0"), new
// owner, owner-set prefix, id, number of deleted keys, the deleted keys,
// then key/value pairs. Returns 0, changing nothing, when the session is
// missing or expired.
var updateScript = redis.NewScript(luaTouchOwner + `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local i = 7
for _ = 1, tonumber(ARGV[6]) do
  redis.call('HDEL', KEYS[1], 'k:' .. ARGV[i])
  i = i + 1
end
while i <= #ARGV do
  local f = 'k:' .. ARGV[i]
  local old = redis.call('HGET', KEYS[1], f)
  local seq
  if old then
    seq = string.sub(old, 1, string.find(old, ':', 1, true) - 1)
  else
    seq = redis.call('HINCRBY', KEYS[1], 'm:seq', 1)
  end
  redis.call('HSET', KEYS[1], f, seq .. ':' .. ARGV[i + 1])
  i = i + 2
end
local owner = redis.call('HGET', KEYS[1], 'm:owner') or ''
if ARGV[2] == '1' and ARGV[3] ~= owner then
  if owner ~= '' then redis.call('SREM', ARGV[4] .. owner, ARGV[5]) end
  owner = ARGV[3]
  if owner == '' then
    redis.call('HDEL', KEYS[1], 'm:owner')
  else
    redis.call('HSET', KEYS[1], 'm:owner', owner)
  end
end
if ARGV[1] == '0' then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIREAT', KEYS[1], ARGV[1])
end
if owner ~= '' then touch_owner(ARGV[4] .. owner, ARGV[5], ARGV[1]) end
return 1
`)

// del: KEYS[1] session; ARGV: owner-set prefix, id.
var deleteScript = redis.NewScript(`
local owner = redis.call('HGET', KEYS[1], 'm:owner')
if owner then redis.call('SREM', ARGV[1] .. owner, ARGV[2]) end
return redis.call('DEL', KEYS[1])
`)

// byOwner: KEYS[1] owner set; ARGV: session-key prefix, owner. Returns the
// ids still owned by owner, removing the other members.
var byOwnerScript = redis.NewScript(`
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('HGET', ARGV[1] .. id, 'm:owner') == ARGV[2] then
    out[#out + 1] = id
  else
    redis.call('SREM', KEYS[1], id)
  end
end
return out
`)

// deleteByOwner: KEYS[1] owner set; ARGV: session-key prefix, owner.
var deleteByOwnerScript = redis.NewScript(`
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local k = ARGV[1] .. id
  if redis.call('HGET', k, 'm:owner') == ARGV[2] then
    redis.call('DEL', k)
    n = n + 1
  end
end
redis.call('DEL', KEYS[1])
return n
`)

func expArg(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	ms := t.UnixMilli()
	if ms < 1 {
		ms = 1 // long past: Redis deletes the key at once
	}
	return strconv.FormatInt(ms, 10)
}

// Create implements runtime.Store.
func (s *Store) Create(ctx context.Context, id string, rec runtime.Record) error {
	fields, err := splitObject(rec.Data)
	if err != nil {
		return err
	}
	args := make([]any, 0, 4+2*len(fields))
	args = append(args, expArg(rec.Expires), rec.Owner, s.prefix+"o:", id)
	for _, f := range fields {
		args = append(args, f.Key, []byte(f.Value))
	}
	n, err := createScript.Run(ctx, s.rdb, []string{s.key(id)}, args...).Int()
	if err != nil {
		return err
	}
	if n == 0 {
		return runtime.ErrIDTaken
	}
	return nil
}

// Read implements runtime.Store.
func (s *Store) Read(ctx context.Context, id string) (runtime.Record, error) {
	var all *redis.MapStringStringCmd
	var exp *redis.DurationCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		all = p.HGetAll(ctx, s.key(id))
		exp = p.PExpireTime(ctx, s.key(id))
		return nil
	})
	if err != nil {
		return runtime.Record{}, err
	}
	m := all.Val()
	if len(m) == 0 {
		return runtime.Record{}, runtime.ErrNotFound
	}
	type kv struct {
		seq        int
		key, value string
	}
	entries := make([]kv, 0, len(m))
	var rec runtime.Record
	for f, v := range m {
		switch {
		case strings.HasPrefix(f, "k:"):
			seqStr, val, ok := strings.Cut(v, ":")
			seq, err := strconv.Atoi(seqStr)
			if !ok || err != nil {
				return runtime.Record{}, fmt.Errorf("redisstore: session %s: bad field %q", id, f)
			}
			entries = append(entries, kv{seq, f[2:], val})
		case f == "m:owner":
			rec.Owner = v
		}
	}
	slices.SortFunc(entries, func(a, b kv) int { return a.seq - b.seq })
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.key)
		b.Write(k)
		b.WriteByte(':')
		b.WriteString(e.value)
	}
	b.WriteByte('}')
	rec.Data = b.Bytes()
	if d := exp.Val(); d > 0 {
		rec.Expires = time.UnixMilli(d.Milliseconds())
	}
	return rec, nil
}

// Update implements runtime.Store.
func (s *Store) Update(ctx context.Context, id string, p runtime.Patch) error {
	args := make([]any, 0, 6+len(p.Delete)+2*len(p.Set))
	changed, owner := "0", ""
	if p.Owner != nil {
		changed, owner = "1", *p.Owner
	}
	args = append(args, expArg(p.Expires), changed, owner, s.prefix+"o:", id, len(p.Delete))
	for _, k := range p.Delete {
		args = append(args, k)
	}
	for _, f := range p.Set {
		args = append(args, f.Key, []byte(f.Value))
	}
	n, err := updateScript.Run(ctx, s.rdb, []string{s.key(id)}, args...).Int()
	if err != nil {
		return err
	}
	if n == 0 {
		return runtime.ErrNotFound
	}
	return nil
}

// Delete implements runtime.Store.
func (s *Store) Delete(ctx context.Context, id string) error {
	return deleteScript.Run(ctx, s.rdb, []string{s.key(id)}, s.prefix+"o:", id).Err()
}

// IDsByOwner implements runtime.OwnerIndex from the owner's set.
func (s *Store) IDsByOwner(ctx context.Context, owner string) ([]string, error) {
	if owner == "" {
		return nil, ctx.Err()
	}
	return byOwnerScript.Run(ctx, s.rdb, []string{s.ownerKey(owner)}, s.prefix+"s:", owner).StringSlice()
}

// DeleteByOwner implements runtime.OwnerIndex from the owner's set.
func (s *Store) DeleteByOwner(ctx context.Context, owner string) (int, error) {
	if owner == "" {
		return 0, ctx.Err()
	}
	return deleteByOwnerScript.Run(ctx, s.rdb, []string{s.ownerKey(owner)}, s.prefix+"s:", owner).Int()
}

// splitObject returns the keys and raw values of a JSON object in order.
func splitObject(data []byte) ([]runtime.Field, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("redisstore: session data is not a JSON object")
	}
	var fields []runtime.Field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("redisstore: session data: %w", err)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("redisstore: session data: %w", err)
		}
		fields = append(fields, runtime.Field{Key: tok.(string), Value: v})
	}
	return fields, nil
}
