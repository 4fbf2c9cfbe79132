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
// It works the same over a standalone Redis, a primary behind Sentinel
// (redis.NewFailoverClient) and Redis Cluster (redis.NewClusterClient):
//
//	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"10.0.0.1:7000", "10.0.0.2:7000"}})
//	st := redisstore.New(rdb, redisstore.Options{})
//
// # Layout
//
// A session is one Redis hash, <prefix>s:<id>, with one field per session
// key ("k:<key>", whose value is "<n>:<JSON>": n records the key's place,
// so that keys come back in the order JavaScript would keep them) and
// bookkeeping fields ("m:seq"; "m:exp", the expiry in Unix ms or 0,
// which Read returns without asking for the key's TTL; "m:owner", "m:otok"
// and "m:oexp" for the owner index). The owner index of owner o is one hash, <prefix>i:<o>,
// with a field per session id whose value is "<token>:<ms>": the token
// that session got when it was given this owner, and a time after which
// the entry may be dropped if its session is gone. (Earlier versions kept
// a set, <prefix>o:<o>, which is no longer read and expires by itself; a
// session from then is entered in the new index on its next update.)
//
// Every command and script touches one key only, so on a cluster the
// sessions spread over all slots (their ids are random), any owner name
// works (braces in it are only a hash tag of that one key), and no command
// can fail with CROSSSLOT. A Prefix containing a hash tag ("{app}:") would
// put every key in one slot; keep braces out of it on a cluster.
//
// # Expiry
//
// Native: each session hash gets PEXPIREAT at the session's expiry
// (PERSIST when it has none), so Redis deletes expired sessions itself and
// no sweep is needed. Expiry follows the Redis server's clock. An owner
// index outlives every session in it: an update that moves a session's
// expiry past the index's (m:oexp) first extends the index, to twice the
// session's remaining life, so that this extra round trip is rare. Entries
// of sessions that are gone are dropped by IDsByOwner and DeleteByOwner.
//
// # Concurrency and atomicity
//
// Create, Read, Update and Delete of one session are each one atomic
// command or Lua script on the session's hash: Update applies only what a
// request changed (runtime.Patch: HSET of the set keys, HDEL of the
// removed ones, the new expiry) and returns runtime.ErrNotFound, writing
// nothing, when the session is missing, expired, deleted or revoked, so a
// request that read a session before its logout or revocation cannot
// bring it back. Concurrent requests that change different keys of one
// session all persist; two that set the same key: the last write wins.
// Read is one HGETALL (a session written before m:exp existed needs a
// PEXPIRETIME more, until its next update).
//
// A request's round trip thus costs two network round trips, one command
// each: HGETALL, and the update script (EVALSHA). TestRoundTripCommands
// counts them.
//
// The owner index is not atomic with the sessions, since on a cluster it
// lives in another slot. It is kept safe by order: a session's entry is
// written to the owner's index before the session gets that owner, and
// removed only after the session has lost that owner or is gone, and only
// while it holds the token that session was given (so a concurrent change
// of owner cannot remove a newer entry). The index thus always lists every
// session of its owner, and may list a few that are not (those it skips).
// DeleteByOwner reads the index, then deletes each listed session that
// still has that owner: a session that gets the owner while DeleteByOwner
// runs (a login at the same moment) may survive it, as if it had logged
// in just after; every session that had the owner when DeleteByOwner
// started, and kept it, is gone when it returns. If a master is down, it
// returns the error and how many it deleted on the others. Giving a
// session an owner (a login) costs one more round trip than a plain
// update, and Delete of a session with an owner one more (its index
// entry).
//
// # Outages and failover
//
// When Redis (or the cluster master of a session's slot) is unreachable,
// every method returns the client's error, which runtime.Storage passes on
// as a *runtime.StoreError: a session never reads as empty because Redis
// was down. Configure the client's timeouts (DialTimeout, ReadTimeout,
// MaxRetries, and on a cluster MaxRedirects) for how long a request may
// wait. On a cluster, sessions in the slots of a master that is down fail
// until it is back or its replica has taken over (after the cluster's
// cluster-node-timeout); with cluster-require-full-coverage yes (Redis's
// default) every request fails from when the cluster has noticed (about
// that timeout) until then. After such a failure the store
// has the cluster client reload its slot map, so requests reach the new
// master at once rather than after the client's
// ClusterStateReloadInterval. (Tests: with a node timeout of one second,
// the replica took over about 2 s after its master was killed, and commits
// succeeded again within about 4 s.) Replication is asynchronous, so
// a failover may lose the last writes that the old master acknowledged
// but had not yet sent to its replica: such a session then reads as it was
// a moment before (a key set just before reverts, a logout or revocation
// just before may be undone, a session just created may be missing and
// the browser gets a new one). If the lost write was a logout, a
// revocation or a change of owner while the removal of the index entry,
// on another master, was kept, the revived session is missing from its
// owner's index and a later revocation of that owner does not find it.
// It never reads as another session's data.
// A restarted master with an append-only file (appendfsync always) keeps
// everything it acknowledged.
package redisstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
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
	rdb     redis.UniversalClient
	prefix  string
	cluster *redis.ClusterClient // rdb, when it is one
}

// New returns a Store over rdb: a *redis.Client, a *redis.Client from
// redis.NewFailoverClient (Sentinel) or a *redis.ClusterClient.
func New(rdb redis.UniversalClient, o Options) *Store {
	if o.Prefix == "" {
		o.Prefix = "sessiongen:"
	}
	cluster, _ := rdb.(*redis.ClusterClient)
	return &Store{rdb: rdb, prefix: o.Prefix, cluster: cluster}
}

// noticeFailure makes a cluster client reload its slot map (in the
// background) after a failure to reach a server: go-redis
// keeps sending a dead master's slots to it until a MOVED reply or its
// ClusterStateReloadInterval (a minute by default), so without this the
// sessions of a master that failed over would fail for that long after its
// replica took over.
func (s *Store) noticeFailure(err error) {
	if s.cluster != nil && err != nil && isNetworkFailure(err) {
		s.cluster.ReloadState(context.Background())
	}
}

// isNetworkFailure reports whether err is a failure to reach a server (a
// refused or broken connection, a timeout), not an answer.
func isNetworkFailure(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

func (s *Store) key(id string) string         { return s.prefix + "s:" + id }
func (s *Store) ownerKey(owner string) string { return s.prefix + "i:" + owner }

// luaChunked calls a command whose arguments after the key may be many,
// in chunks (unpack has a stack limit), and returns the replies of the
// chunks joined when they are arrays; up to 200 arguments, the common
// case, in one call without copying its reply. Field/value pairs are never split,
// the chunks being of an even length.
const luaChunked = `
local function chunked(cmd, key, args)
  if #args <= 200 then return redis.call(cmd, key, unpack(args)) end
  local out = {}
  for i = 1, #args, 200 do
    local r = redis.call(cmd, key, unpack(args, i, math.min(i + 199, #args)))
    if type(r) == 'table' then
      for _, v in ipairs(r) do out[#out + 1] = v end
    end
  end
  return out
end
`

// create: KEYS[1] session; ARGV: expires ms ("0" never), owner, owner
// token, owner index expiry, then key/value pairs. Returns 0 when the id is
// taken.
var createScript = redis.NewScript(luaChunked + `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fv = {}
local n = 0
for i = 5, #ARGV, 2 do
  n = n + 1
  fv[#fv + 1] = 'k:' .. ARGV[i]
  fv[#fv + 1] = n .. ':' .. ARGV[i + 1]
end
for _, v in ipairs({'m:seq', n, 'm:exp', ARGV[1]}) do fv[#fv + 1] = v end
if ARGV[2] ~= '' then
  for _, v in ipairs({'m:owner', ARGV[2], 'm:otok', ARGV[3], 'm:oexp', ARGV[4]}) do fv[#fv + 1] = v end
end
chunked('HSET', KEYS[1], fv)
if ARGV[1] ~= '0' then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end
return 1
`)

// update: KEYS[1] session; ARGV: 1 expires ms, 2 owner changed ("1"/"0"),
// 3 the new owner (changed) or the owner whose index the caller extended
// to ARGV[5] (not changed, "" if none), 4 the new owner's token, 5 owner
// index expiry, 6 number of deleted keys, the deleted keys, then key/value
// pairs. Returns {0} when the session is missing or expired, {-1, owner,
// token} when the owner's index must first be extended, otherwise 1 or,
// when the owner changed, {1, previous owner, previous token}; only 1 and
// {1} write anything.
//
// Few commands, since each costs the script about as much as the rest of
// it: one HMGET reads the bookkeeping and the set keys' current fields
// (their places); m:seq, which every session has, tells whether it
// exists. Then one HDEL of the deleted keys (if any), one HSET of every
// field written, and PEXPIREAT or PERSIST only when the expiry changed
// (m:exp).
var updateScript = redis.NewScript(luaChunked + `
local first = 7 + tonumber(ARGV[6])
local fields = {'m:seq', 'm:owner', 'm:otok', 'm:oexp', 'm:exp'}
for i = first, #ARGV, 2 do fields[#fields + 1] = 'k:' .. ARGV[i] end
local cur = chunked('HMGET', KEYS[1], fields)
if not cur[1] then return {0} end
local owner, otok, oexp = cur[2] or '', cur[3] or '', cur[4] or ''
local fv = {}
if ARGV[2] == '1' then
  if ARGV[3] == '' then
    redis.call('HDEL', KEYS[1], 'm:owner', 'm:otok', 'm:oexp')
  else
    fv = {'m:owner', ARGV[3], 'm:otok', ARGV[4], 'm:oexp', ARGV[5]}
  end
elseif owner ~= '' then
  local covered = oexp == '0' or (oexp ~= '' and ARGV[1] ~= '0' and tonumber(ARGV[1]) <= tonumber(oexp))
  if not covered then
    if ARGV[3] ~= owner then return {-1, owner, otok} end
    fv = {'m:oexp', ARGV[5]}
  end
end
if first > 7 then
  local del = {}
  for i = 7, first - 1 do del[#del + 1] = 'k:' .. ARGV[i] end
  chunked('HDEL', KEYS[1], del)
end
local seq = tonumber(cur[1])
local next = seq
for i = first, #ARGV, 2 do
  local old = cur[6 + (i - first) / 2]
  local place
  if old then
    place = string.sub(old, 1, string.find(old, ':', 1, true) - 1)
  else
    next = next + 1
    place = next
  end
  fv[#fv + 1] = 'k:' .. ARGV[i]
  fv[#fv + 1] = place .. ':' .. ARGV[i + 1]
end
if next ~= seq then
  fv[#fv + 1] = 'm:seq'
  fv[#fv + 1] = next
end
local expChanged = cur[5] ~= ARGV[1]
if expChanged then
  fv[#fv + 1] = 'm:exp'
  fv[#fv + 1] = ARGV[1]
end
if #fv > 0 then chunked('HSET', KEYS[1], fv) end
if expChanged then
  if ARGV[1] == '0' then
    redis.call('PERSIST', KEYS[1])
  else
    redis.call('PEXPIREAT', KEYS[1], ARGV[1])
  end
end
if ARGV[2] == '0' then return 1 end
return {1, owner, otok}
`)

// del: KEYS[1] session. Returns {deleted, owner, owner token}.
var deleteScript = redis.NewScript(`
local o = redis.call('HMGET', KEYS[1], 'm:owner', 'm:otok')
return {redis.call('DEL', KEYS[1]), o[1] or '', o[2] or ''}
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

// Create implements runtime.Store. A session with an owner is first entered
// in the owner's index (HSETNX: an id that is taken keeps its entry).
func (s *Store) Create(ctx context.Context, id string, rec runtime.Record) (err error) {
	defer func() { s.noticeFailure(err) }()
	fields, err := splitObject(rec.Data)
	if err != nil {
		return err
	}
	var tok, oexp string
	if rec.Owner != "" {
		tok, oexp = newToken(), indexExpiry(rec.Expires)
		if err := s.indexAdd(ctx, rec.Owner, id, tok, rec.Expires, oexp, true); err != nil {
			return err
		}
	}
	args := make([]any, 0, 4+2*len(fields))
	args = append(args, expArg(rec.Expires), rec.Owner, tok, oexp)
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

// Read implements runtime.Store: one HGETALL. The expiry is the hash's
// m:exp field, which Create and Update write with the key's PEXPIREAT; a
// session written before m:exp existed costs a PEXPIRETIME more, until its
// next update.
func (s *Store) Read(ctx context.Context, id string) (_ runtime.Record, err error) {
	defer func() { s.noticeFailure(err) }()
	key := s.key(id)
	m, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return runtime.Record{}, err
	}
	if len(m) == 0 {
		return runtime.Record{}, runtime.ErrNotFound
	}
	rec, exp, err := parseSession(id, m)
	if err != nil {
		return runtime.Record{}, err
	}
	if exp == "" {
		if exp, err = s.earlierExpiry(ctx, key); err != nil {
			return runtime.Record{}, err
		}
	}
	ms, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return runtime.Record{}, fmt.Errorf("redisstore: session %s: bad field m:exp %q", id, exp)
	}
	if ms > 0 {
		rec.Expires = time.UnixMilli(ms)
	}
	return rec, nil
}

// earlierExpiry returns the expiry of a session written before m:exp
// existed, from the key's PEXPIRETIME, as m:exp has it ("0": never).
func (s *Store) earlierExpiry(ctx context.Context, key string) (string, error) {
	d, err := s.rdb.PExpireTime(ctx, key).Result()
	switch {
	case err != nil:
		return "", err
	case d == -2: // deleted since the HGETALL
		return "", runtime.ErrNotFound
	case d < 0:
		return "0", nil
	}
	return strconv.FormatInt(d.Milliseconds(), 10), nil
}

// parseSession turns a session's hash into its record (data and owner)
// and its m:exp field ("" when the hash has none).
func parseSession(id string, m map[string]string) (rec runtime.Record, exp string, err error) {
	type kv struct {
		seq        int
		key, value string
	}
	entries := make([]kv, 0, len(m))
	size := 2
	for f, v := range m {
		switch {
		case strings.HasPrefix(f, "k:"):
			seqStr, val, ok := strings.Cut(v, ":")
			seq, err := strconv.Atoi(seqStr)
			if !ok || err != nil {
				return runtime.Record{}, "", fmt.Errorf("redisstore: session %s: bad field %q", id, f)
			}
			entries = append(entries, kv{seq, f[2:], val})
			size += len(f) + len(val) + 2
		case f == "m:owner":
			rec.Owner = v
		case f == "m:exp":
			exp = v
		}
	}
	slices.SortFunc(entries, func(a, b kv) int { return a.seq - b.seq })
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, e := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = runtime.String.Append(b, e.key) // JavaScript's escaping; a string never fails
		b = append(b, ':')
		b = append(b, e.value...)
	}
	rec.Data = append(b, '}')
	return rec, exp, nil
}

// Update implements runtime.Store. When the patch gives the session an
// owner, the session is first entered in that owner's index, and after the
// update its entry in the previous owner's index is removed.
func (s *Store) Update(ctx context.Context, id string, p runtime.Patch) (err error) {
	defer func() { s.noticeFailure(err) }()
	u := update{changed: p.Owner != nil}
	if u.changed {
		u.owner, u.oexp = *p.Owner, indexExpiry(p.Expires)
	}
	if u.changed && u.owner != "" {
		u.tok = newToken()
		if err := s.indexAdd(ctx, u.owner, id, u.tok, p.Expires, u.oexp, false); err != nil {
			return err
		}
	}
	for range 3 {
		res, err := s.runUpdate(ctx, id, p, u)
		if err != nil {
			return err
		}
		switch res.status {
		case 0:
			if u.tok != "" {
				// Best effort: a left-over entry is skipped and dropped later.
				_ = s.indexRemove(ctx, u.owner, id, u.tok)
			}
			return runtime.ErrNotFound
		case 1:
			if u.changed && res.owner != "" && res.owner != u.owner {
				_ = s.indexRemove(ctx, res.owner, id, res.tok) // best effort, as above
			}
			return nil
		}
		// The session outlives its owner's index: extend the index
		// (re-entering the session if its entry went missing), then retry.
		u.oexp = indexExpiry(p.Expires)
		if err := s.indexAdd(ctx, res.owner, id, res.tok, p.Expires, u.oexp, true); err != nil {
			return err
		}
		u.owner = res.owner
	}
	return fmt.Errorf("redisstore: session %s: its owner kept changing during the update", id)
}

// An update is what Update passes to its script besides the patch.
type update struct {
	changed   bool
	owner     string // the new owner (changed), or the owner whose index was extended
	tok, oexp string
}

// An updateResult is the update script's answer.
type updateResult struct {
	status     int64 // 0 not found, -1 extend the index first, 1 done
	owner, tok string
}

func (s *Store) runUpdate(ctx context.Context, id string, p runtime.Patch, u update) (updateResult, error) {
	changed := "0"
	if u.changed {
		changed = "1"
	}
	args := make([]any, 0, 6+len(p.Delete)+2*len(p.Set))
	args = append(args, expArg(p.Expires), changed, u.owner, u.tok, u.oexp, len(p.Delete))
	for _, k := range p.Delete {
		args = append(args, k)
	}
	for _, f := range p.Set {
		args = append(args, f.Key, []byte(f.Value))
	}
	res, err := updateScript.Run(ctx, s.rdb, []string{s.key(id)}, args...).Result()
	if err != nil {
		return updateResult{}, err
	}
	var r updateResult
	switch v := res.(type) {
	case int64: // the common case, an update without a change of owner: no table to decode
		r.status = v
	case []any:
		r.status, _ = v[0].(int64)
		if len(v) == 3 {
			r.owner, _ = v[1].(string)
			r.tok, _ = v[2].(string)
		}
	}
	return r, nil
}

// Delete implements runtime.Store. The session's entry in its owner's index
// is removed after it.
func (s *Store) Delete(ctx context.Context, id string) (err error) {
	defer func() { s.noticeFailure(err) }()
	v, err := deleteScript.Run(ctx, s.rdb, []string{s.key(id)}).Slice()
	if err != nil {
		return err
	}
	if owner, _ := v[1].(string); owner != "" {
		tok, _ := v[2].(string)
		_ = s.indexRemove(ctx, owner, id, tok) // best effort: a left-over entry is skipped and dropped later
	}
	return nil
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
