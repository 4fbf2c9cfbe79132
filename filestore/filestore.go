// Package filestore keeps server-side sessions as files in a directory, one
// file per session, in React Router's createFileSessionStorage layout: the
// session with id "abcd1234…" lives in dir/abcd/1234…, holding
// {"data":…,"expires":"2026-01-02T03:04:05.678Z","owner":…} ("expires"
// and "owner" are left out when unset). It implements runtime.Store and
// runtime.OwnerIndex; use it for a single machine that must keep sessions
// across restarts, without a database.
//
// # Writes and concurrency
//
// Every write goes to a temporary file in the session's directory, is
// synced, and is renamed over the session's file, so a reader sees the old
// or the new session whole, never a torn one, even after a crash. Reads
// take no lock.
//
// Create, Update and Delete run under an exclusive flock(2) lock on one of
// 256 lock files (dir/.locks/00 … ff, chosen by the id's first two hex
// digits) held by an in-process mutex as well, so several processes on one
// machine (and several FileStores in one process) may share a directory:
// an Update reads, applies its runtime.Patch and writes under the lock, and
// concurrent requests that change different keys of one session all
// persist. Two that set the same key: the last write wins. Keys keep their
// order as in JavaScript (runtime.ApplyPatch). flock locks do not work
// across machines on most network file systems: share a directory between
// machines only with the SQL or Redis stores instead.
//
// # Owner index
//
// A session with an owner (the schema's `index: true` key) has an empty
// marker file dir/owners/<sha256(owner)>/<id>, so IDsByOwner and
// DeleteByOwner read one small directory instead of every session. A marker
// is written before the session that needs it and removed after, so a crash
// can leave a stale marker (skipped, and removed by Sweep) but never a
// session missing from the index.
//
// # Expiry
//
// Read and Update treat a file whose expires has passed as absent at once.
// The files themselves are deleted by Sweep, which walks the directory;
// Options.SweepEvery runs it periodically until Close. With several
// processes on one directory, one sweeping is enough; more is harmless.
//
// Disk errors (full disk, permissions) are returned as errors, which
// runtime.Storage reports as a *runtime.StoreError; they never read as an
// empty session.
package filestore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sessiongen/sessiongen/runtime"
)

// Options configure a FileStore.
type Options struct {
	// SweepEvery, when positive, runs Sweep that often until Close.
	SweepEvery time.Duration
	// OnSweepError receives errors of the periodic sweep; nil drops them.
	OnSweepError func(error)
	// NoSync skips fsync of each written file: faster, but a machine crash
	// (not a process crash) can then lose or empty recent sessions.
	NoSync bool
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// A FileStore is a runtime.Store over a directory. It is safe for
// concurrent use, and several FileStores (in several processes) may share
// one directory on one machine.
type FileStore struct {
	dir    string
	opt    Options
	now    func() time.Time
	locks  [256]stripe
	stop   chan struct{}
	done   chan struct{}
	closed sync.Once
}

type stripe struct {
	mu sync.Mutex
	f  *os.File // opened on first use, kept until Close
}

const (
	locksDir  = ".locks"
	ownersDir = "owners"
)

// New returns a FileStore over dir, creating it (0700) if needed.
func New(dir string, o Options) (*FileStore, error) {
	if dir == "" {
		return nil, errors.New("filestore: empty directory")
	}
	if err := os.MkdirAll(filepath.Join(dir, locksDir), 0o700); err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	s := &FileStore{dir: dir, opt: o, now: o.Now, stop: make(chan struct{}), done: make(chan struct{})}
	if s.now == nil {
		s.now = time.Now
	}
	if o.SweepEvery > 0 {
		go s.sweepEvery(o.SweepEvery)
	} else {
		close(s.done)
	}
	return s, nil
}

func (s *FileStore) sweepEvery(d time.Duration) {
	defer close(s.done)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if _, err := s.Sweep(context.Background()); err != nil && s.opt.OnSweepError != nil {
				s.opt.OnSweepError(err)
			}
		}
	}
}

// Close stops the periodic sweep (waiting for a running one to finish) and
// closes the lock files.
func (s *FileStore) Close() error {
	s.closed.Do(func() { close(s.stop) })
	<-s.done
	for i := range s.locks {
		l := &s.locks[i]
		l.mu.Lock()
		if l.f != nil {
			l.f.Close()
			l.f = nil
		}
		l.mu.Unlock()
	}
	return nil
}

// validID refuses ids that could name a path outside the directory.
func validID(id string) error {
	if len(id) < 8 {
		return fmt.Errorf("filestore: id %q too short", id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("filestore: id %q is not lower-case hex", id)
		}
	}
	return nil
}

func hexval(c byte) int {
	if c >= 'a' {
		return int(c-'a') + 10
	}
	return int(c - '0')
}

func (s *FileStore) path(id string) string { return filepath.Join(s.dir, id[:4], id[4:]) }

func (s *FileStore) ownerDir(owner string) string {
	h := sha256.Sum256([]byte(owner))
	return filepath.Join(s.dir, ownersDir, hex.EncodeToString(h[:]))
}

// lock takes the in-process and the file lock of id's stripe.
func (s *FileStore) lock(id string) (unlock func(), err error) {
	l := &s.locks[hexval(id[0])<<4|hexval(id[1])]
	l.mu.Lock()
	if l.f == nil {
		f, err := os.OpenFile(filepath.Join(s.dir, locksDir, id[:2]), os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			l.mu.Unlock()
			return nil, err
		}
		l.f = f
	}
	if err := flock(l.f); err != nil {
		l.mu.Unlock()
		return nil, fmt.Errorf("filestore: lock: %w", err)
	}
	return func() {
		funlock(l.f)
		l.mu.Unlock()
	}, nil
}

// file is the JSON of one session file.
type file struct {
	Data    json.RawMessage `json:"data"`
	Expires *time.Time      `json:"expires,omitempty"`
	Owner   string          `json:"owner,omitempty"`
}

// load reads id's file; fs.ErrNotExist when there is none.
func (s *FileStore) load(id string) (file, error) {
	b, err := os.ReadFile(s.path(id))
	if err != nil {
		return file{}, err
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return file{}, fmt.Errorf("filestore: session file %s: %w", s.path(id), err)
	}
	return f, nil
}

func (f file) expired(now time.Time) bool {
	return f.Expires != nil && !now.Before(*f.Expires)
}

func (f file) record() runtime.Record {
	r := runtime.Record{Data: f.Data, Owner: f.Owner}
	if f.Expires != nil {
		r.Expires = *f.Expires
	}
	return r
}

// retryDir runs op, creating dir first when op fails because dir is gone
// (a sweep may remove an empty directory at any moment).
func retryDir(dir string, op func() error) error {
	err := op()
	for i := 0; i < 5 && errors.Is(err, fs.ErrNotExist); i++ {
		if err = os.MkdirAll(dir, 0o700); err == nil {
			err = op()
		}
	}
	return err
}

// save writes id's file atomically: temporary file, sync, rename.
func (s *FileStore) save(id string, f file) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	path := s.path(id)
	dir := filepath.Dir(path)
	var tmp *os.File
	if err := retryDir(dir, func() (err error) {
		tmp, err = os.CreateTemp(dir, ".tmp-*")
		return err
	}); err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if !s.opt.NoSync {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (s *FileStore) index(id, owner string) error {
	if owner == "" {
		return nil
	}
	dir := s.ownerDir(owner)
	return retryDir(dir, func() error {
		f, err := os.OpenFile(filepath.Join(dir, id), os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		return f.Close()
	})
}

func (s *FileStore) unindex(id, owner string) error {
	if owner == "" {
		return nil
	}
	err := os.Remove(filepath.Join(s.ownerDir(owner), id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func expiresPtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// Create implements runtime.Store.
func (s *FileStore) Create(ctx context.Context, id string, rec runtime.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validID(id); err != nil {
		return err
	}
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	old, err := s.load(id)
	switch {
	case err == nil && !old.expired(s.now()):
		return runtime.ErrIDTaken
	case err == nil:
		if err := s.unindex(id, old.Owner); err != nil {
			return err
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := s.index(id, rec.Owner); err != nil {
		return err
	}
	return s.save(id, file{Data: rec.Data, Expires: expiresPtr(rec.Expires), Owner: rec.Owner})
}

// Read implements runtime.Store. It takes no lock: files are replaced by
// rename, so it sees a whole file.
func (s *FileStore) Read(ctx context.Context, id string) (runtime.Record, error) {
	if err := ctx.Err(); err != nil {
		return runtime.Record{}, err
	}
	if validID(id) != nil {
		return runtime.Record{}, runtime.ErrNotFound
	}
	f, err := s.load(id)
	if errors.Is(err, fs.ErrNotExist) || err == nil && f.expired(s.now()) {
		return runtime.Record{}, runtime.ErrNotFound
	}
	if err != nil {
		return runtime.Record{}, err
	}
	return f.record(), nil
}

// Update implements runtime.Store: read, patch and write under the lock.
func (s *FileStore) Update(ctx context.Context, id string, p runtime.Patch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if validID(id) != nil {
		return runtime.ErrNotFound
	}
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	f, err := s.load(id)
	if errors.Is(err, fs.ErrNotExist) || err == nil && f.expired(s.now()) {
		return runtime.ErrNotFound
	}
	if err != nil {
		return err
	}
	if f.Data, err = runtime.ApplyPatch(f.Data, p); err != nil {
		return err
	}
	f.Expires = expiresPtr(p.Expires)
	oldOwner := f.Owner
	if p.Owner != nil && *p.Owner != f.Owner {
		f.Owner = *p.Owner
		if err := s.index(id, f.Owner); err != nil {
			return err
		}
	}
	if err := s.save(id, f); err != nil {
		return err
	}
	if f.Owner != oldOwner {
		return s.unindex(id, oldOwner)
	}
	return nil
}

// Delete implements runtime.Store.
func (s *FileStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if validID(id) != nil {
		return nil
	}
	unlock, err := s.lock(id)
	if err != nil {
		return err
	}
	defer unlock()
	return s.deleteLocked(id, "")
}

// deleteLocked removes id's file and its owner marker. With onlyOwner set,
// it leaves a session that has another owner alone.
func (s *FileStore) deleteLocked(id, onlyOwner string) error {
	f, err := s.load(id)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		// An unreadable file is removed all the same.
		return errors.Join(err, os.Remove(s.path(id)))
	}
	if onlyOwner != "" && f.Owner != onlyOwner {
		return nil
	}
	if err := os.Remove(s.path(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return s.unindex(id, f.Owner)
}

// ownerIDs lists the markers under owner.
func (s *FileStore) ownerIDs(owner string) ([]string, error) {
	ents, err := os.ReadDir(s.ownerDir(owner))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(ents))
	for _, e := range ents {
		if validID(e.Name()) == nil {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}

// IDsByOwner implements runtime.OwnerIndex. Stale markers are skipped.
func (s *FileStore) IDsByOwner(ctx context.Context, owner string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if owner == "" {
		return nil, nil
	}
	cand, err := s.ownerIDs(owner)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var ids []string
	for _, id := range cand {
		f, err := s.load(id)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if f.Owner == owner && !f.expired(now) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// DeleteByOwner implements runtime.OwnerIndex.
func (s *FileStore) DeleteByOwner(ctx context.Context, owner string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if owner == "" {
		return 0, nil
	}
	cand, err := s.ownerIDs(owner)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range cand {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		deleted, err := s.deleteIfOwner(id, owner)
		if err != nil {
			return n, err
		}
		if deleted {
			n++
		}
	}
	return n, nil
}

func (s *FileStore) deleteIfOwner(id, owner string) (bool, error) {
	unlock, err := s.lock(id)
	if err != nil {
		return false, err
	}
	defer unlock()
	f, err := s.load(id)
	if errors.Is(err, fs.ErrNotExist) {
		// A stale marker.
		return false, s.unindex(id, owner)
	}
	if err != nil {
		return false, err
	}
	if f.Owner != owner {
		return false, s.unindex(id, owner)
	}
	return true, s.deleteLocked(id, owner)
}

// Sweep deletes the files of expired sessions, stale owner markers,
// temporary files left by a crash, and empty directories, and reports how
// many sessions it deleted.
func (s *FileStore) Sweep(ctx context.Context) (int, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, err
	}
	now := s.now()
	n := 0
	var errs []error
	for _, d := range ents {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		name := d.Name()
		if !d.IsDir() || len(name) != 4 || validPrefix(name) != nil {
			continue
		}
		sub := filepath.Join(s.dir, name)
		files, err := os.ReadDir(sub)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, fe := range files {
			fn := fe.Name()
			if strings.HasPrefix(fn, ".tmp-") {
				// A writer's temporary file: removed only when old enough
				// that no writer can still be using it.
				if info, err := fe.Info(); err == nil && now.Sub(info.ModTime()) > time.Hour {
					os.Remove(filepath.Join(sub, fn))
				}
				continue
			}
			id := name + fn
			if validID(id) != nil {
				continue
			}
			f, err := s.load(id)
			if err == nil && !f.expired(now) || errors.Is(err, fs.ErrNotExist) {
				continue
			}
			deleted, err := s.deleteIfExpired(id, now)
			if err != nil {
				errs = append(errs, err)
			}
			if deleted {
				n++
			}
		}
		os.Remove(sub) // only succeeds when empty
	}
	errs = append(errs, s.sweepOwners(ctx, now))
	return n, errors.Join(errs...)
}

func validPrefix(p string) error { return validID(p + "0000") }

func (s *FileStore) deleteIfExpired(id string, now time.Time) (bool, error) {
	unlock, err := s.lock(id)
	if err != nil {
		return false, err
	}
	defer unlock()
	f, err := s.load(id)
	if errors.Is(err, fs.ErrNotExist) || err == nil && !f.expired(now) {
		return false, nil
	}
	return true, s.deleteLocked(id, "")
}

// sweepOwners removes markers whose session is gone, expired or owned by
// someone else, and empty owner directories.
func (s *FileStore) sweepOwners(ctx context.Context, now time.Time) error {
	root := filepath.Join(s.dir, ownersDir)
	dirs, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if err := ctx.Err(); err != nil {
			return err
		}
		dir := filepath.Join(root, d.Name())
		marks, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, m := range marks {
			id := m.Name()
			if validID(id) != nil {
				continue
			}
			f, err := s.load(id)
			if err == nil && !f.expired(now) && s.ownerDir(f.Owner) == dir {
				continue
			}
			s.pruneMarker(id, dir, now)
		}
		os.Remove(dir) // only succeeds when empty
	}
	return nil
}

// pruneMarker re-checks under the lock before removing a marker, so that
// it cannot race with a Create or Update that just wrote it.
func (s *FileStore) pruneMarker(id, dir string, now time.Time) {
	unlock, err := s.lock(id)
	if err != nil {
		return
	}
	defer unlock()
	f, err := s.load(id)
	if err == nil && !f.expired(now) && s.ownerDir(f.Owner) == dir {
		return
	}
	os.Remove(filepath.Join(dir, id))
}
