package bench

// sessiongen's side of the comparison, through the code sessiongen generates
// from sessions/sessions.yaml, as an app calls it: typed getters and setters
// on SignedSession, EncryptedSession and ServerSession, and their storages.
//
// The timed handlers are written out for each storage, without a generic
// helper or an interface in between, so that each measures the calls an app
// would make.

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessiongen/sessiongen/bench/sessions"
	"github.com/sessiongen/sessiongen/redisstore"
	"github.com/sessiongen/sessiongen/runtime"
)

// Cookie names of the sessions other than the signed one (cookieName).
const (
	cookieNameEncrypted = "__session_enc"
	cookieNameServer    = "__session_srv"
)

func benchConfig() sessions.Config { return sessions.Config{Secrets: []string{secret}} }

// must stops tb on err: the storages are built from a fixed, valid config.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// fullSession is the setter side of the incoming cookie: the full 5-key
// session, as a handler would fill it.
type fullSession interface {
	SetUserID(string)
	SetTheme(string)
	SetRoles([]string)
	SetLastSeen(int64)
	FlashMessage(string)
}

func fill(s fullSession) {
	s.SetUserID(valUserID)
	s.SetTheme(valTheme)
	s.SetRoles(valRoles)
	s.SetLastSeen(valLastSeen)
	s.FlashMessage(valFlash)
}

// readableSession is the getter side, for the tests' decode.
type readableSession interface {
	UserID() (string, bool)
	Theme() (string, bool)
	Roles() ([]string, bool)
	LastSeen() (int64, bool)
	PopMessage() (string, bool)
	Runtime() *runtime.Session
}

func viewOf(s readableSession) (view, error) {
	if err := s.Runtime().ReadError(); err != nil {
		return view{}, err
	}
	var v view
	v.UserID, _ = s.UserID()
	v.Theme, _ = s.Theme()
	v.Roles, _ = s.Roles()
	v.LastSeen, _ = s.LastSeen()
	v.Flash, _ = s.PopMessage()
	return v, nil
}

// newSessiongen is impl=sessiongen: the signed cookie (React Router's
// format), the row the goals apply to.
func newSessiongen(tb testing.TB) *impl {
	st, err := sessions.NewSignedStorage(benchConfig())
	must(tb, err)
	im := &impl{
		name: "sessiongen",
		read: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			uid, ok1 := s.UserID()
			theme, ok2 := s.Theme()
			roles, ok3 := s.Roles()
			return checkRead(uid, ok1, theme, ok2, roles, ok3)
		},
		write: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			s.SetUserID(valUserID)
			s.SetTheme(valTheme)
			s.FlashMessage(valFlash)
			return st.CommitSession(w, s)
		},
		roundTrip: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			uid, ok1 := s.UserID()
			theme, ok2 := s.Theme()
			roles, ok3 := s.Roles()
			if err := checkRead(uid, ok1, theme, ok2, roles, ok3); err != nil {
				return err
			}
			s.SetLastSeen(nextLastSeen)
			return st.CommitSession(w, s)
		},
		decode: func(cookie string) (view, error) {
			s, err := st.GetSessionHeader(context.Background(), cookie)
			if err != nil {
				return view{}, err
			}
			return viewOf(s)
		},
	}
	s, err := st.GetSessionHeader(context.Background(), "")
	must(tb, err)
	fill(s)
	line, err := st.CommitSessionHeader(s)
	must(tb, err)
	im.cookie = cookiePair(line)
	return im
}

// newSessiongenEncrypted is impl=sessiongen-encrypted: the same session in
// an encrypted cookie (encrypt: true).
func newSessiongenEncrypted(tb testing.TB) *impl {
	st, err := sessions.NewEncryptedStorage(benchConfig())
	must(tb, err)
	im := &impl{
		name:       "sessiongen-encrypted",
		cookieName: cookieNameEncrypted,
		read: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			uid, ok1 := s.UserID()
			theme, ok2 := s.Theme()
			roles, ok3 := s.Roles()
			return checkRead(uid, ok1, theme, ok2, roles, ok3)
		},
		write: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			s.SetUserID(valUserID)
			s.SetTheme(valTheme)
			s.FlashMessage(valFlash)
			return st.CommitSession(w, s)
		},
		roundTrip: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			uid, ok1 := s.UserID()
			theme, ok2 := s.Theme()
			roles, ok3 := s.Roles()
			if err := checkRead(uid, ok1, theme, ok2, roles, ok3); err != nil {
				return err
			}
			s.SetLastSeen(nextLastSeen)
			return st.CommitSession(w, s)
		},
		decode: func(cookie string) (view, error) {
			s, err := st.GetSessionHeader(context.Background(), cookie)
			if err != nil {
				return view{}, err
			}
			return viewOf(s)
		},
	}
	s, err := st.GetSessionHeader(context.Background(), "")
	must(tb, err)
	fill(s)
	line, err := st.CommitSessionHeader(s)
	must(tb, err)
	im.cookie = cookiePair(line)
	return im
}

// memoryConfig is benchConfig with an in-memory store of the impl's own:
// the runtime's MemoryStore, the default's type, but not the process-wide
// default, which would keep every session Write creates for the rest of the
// run and slow the garbage collections of every later benchmark. No sweep
// goroutine (nothing expires during a benchmark), so nothing keeps it alive.
func memoryConfig() sessions.Config {
	cfg := benchConfig()
	cfg.Store = runtime.NewMemoryStore(0)
	return cfg
}

// newSessiongenServerMemory is impl=sessiongen-server-memory: the session on
// the server, in the in-memory store; the cookie holds the signed id.
func newSessiongenServerMemory(tb testing.TB) *impl {
	st, err := sessions.NewServerStorage(memoryConfig())
	must(tb, err)
	return newSessiongenServer(tb, "sessiongen-server-memory", st)
}

// redisAddrEnv names the Redis server of impl=sessiongen-server-redis.
const redisAddrEnv = "SESSIONGEN_REDIS_ADDR"

// skipRedisOnce says once on standard error why the Redis rows are absent,
// since go test shows a benchmark's skip message only with -v.
var skipRedisOnce sync.Once

// newSessiongenServerRedis is impl=sessiongen-server-redis: the server
// session over redisstore, on the Redis at $SESSIONGEN_REDIS_ADDR. Without
// it the row is skipped, under CI=true too: a benchmark's missing row fails
// nothing (redisstore's own tests are where a missing Redis fails CI).
func newSessiongenServerRedis(tb testing.TB) *impl {
	rdb, prefix := redisClient(tb)
	cfg := benchConfig()
	cfg.Store = redisstore.New(rdb, redisstore.Options{Prefix: prefix})
	st, err := sessions.NewServerStorage(cfg)
	must(tb, err)
	return newSessiongenServer(tb, "sessiongen-server-redis", st)
}

// redisClient connects to $SESSIONGEN_REDIS_ADDR and returns a key prefix
// of the benchmark's own, whose keys are deleted after it; it skips tb
// without the variable.
func redisClient(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	addr := os.Getenv(redisAddrEnv)
	if addr == "" {
		msg := "impl=sessiongen-server-redis and impl=redis-bare skipped: " + redisAddrEnv + " is unset (e.g. 127.0.0.1:6379; as root, `bash .ci/setup.d/30-redis.sh` starts one). " +
			"Benchmarks are not tests: the rows are skipped, not failed, under CI=true too."
		skipRedisOnce.Do(func() { fmt.Fprintln(os.Stderr, "bench:", msg) })
		tb.Skip(msg)
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	tb.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		tb.Fatalf("%s=%s: %v", redisAddrEnv, addr, err)
	}
	prefix := "sessiongen-bench:" + rand.Text()[:12] + ":"
	tb.Cleanup(func() { deletePrefix(tb, rdb, prefix) })
	return rdb, prefix
}

// deletePrefix deletes the keys a benchmark wrote (Write creates a session
// an iteration).
func deletePrefix(tb testing.TB, rdb *redis.Client, prefix string) {
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			rdb.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		rdb.Unlink(ctx, keys...)
	}
	if err := iter.Err(); err != nil {
		tb.Logf("deleting the bench's Redis keys (%s*): %v", prefix, err)
	}
}

func newSessiongenServer(tb testing.TB, name string, st *sessions.ServerStorage) *impl {
	im := &impl{
		name:       name,
		cookieName: cookieNameServer,
		read: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			uid, ok1 := s.UserID()
			theme, ok2 := s.Theme()
			roles, ok3 := s.Roles()
			return checkRead(uid, ok1, theme, ok2, roles, ok3)
		},
		write: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			s.SetUserID(valUserID)
			s.SetTheme(valTheme)
			s.FlashMessage(valFlash)
			return st.CommitSession(w, s)
		},
		roundTrip: func(w http.ResponseWriter, r *http.Request) error {
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			uid, ok1 := s.UserID()
			theme, ok2 := s.Theme()
			roles, ok3 := s.Roles()
			if err := checkRead(uid, ok1, theme, ok2, roles, ok3); err != nil {
				return err
			}
			s.SetLastSeen(nextLastSeen)
			return st.CommitSession(w, s)
		},
		decode: func(cookie string) (view, error) {
			s, err := st.GetSessionHeader(context.Background(), cookie)
			if err != nil {
				return view{}, err
			}
			if s.ID() == "" {
				return view{}, errors.New("sessiongen: no server session behind the cookie")
			}
			return viewOf(s)
		},
	}
	s, err := st.GetSessionHeader(context.Background(), "")
	must(tb, err)
	fill(s)
	line, err := st.CommitSessionHeader(s)
	must(tb, err)
	im.cookie = cookiePair(line)
	return im
}

// newSessiongenShared is sessiongen with server storage (the in-memory
// store) for the lost-writes comparison: a commit sends the store only the
// keys that request changed. The keys w00… are not in the schema, so they
// go through the untyped session, as an app's undeclared keys would.
func newSessiongenShared(tb testing.TB) *sharedImpl {
	st, err := sessions.NewServerStorage(memoryConfig())
	must(tb, err)
	return &sharedImpl{
		name: "sessiongen",
		create: func() (string, error) {
			s, err := st.GetSessionHeader(context.Background(), "")
			if err != nil {
				return "", err
			}
			s.SetUserID(valUserID)
			line, err := st.CommitSessionHeader(s)
			return cookiePair(line), err
		},
		update: func(cookie, key string, loaded func()) error {
			r, w := newRequest(cookie), newRespWriter()
			s, err := st.GetSession(r)
			if err != nil {
				return err
			}
			if s.ID() == "" {
				return errors.New("sessiongen: the shared session was not found")
			}
			loaded()
			runtime.Set(s.Runtime(), key, true)
			return st.CommitSession(w, s)
		},
		has: func(cookie string, keys []string) (int, error) {
			s, err := st.GetSessionHeader(context.Background(), cookie)
			if err != nil {
				return 0, err
			}
			n := 0
			for _, k := range keys {
				if s.Runtime().Has(k) {
					n++
				}
			}
			return n, nil
		},
	}
}
