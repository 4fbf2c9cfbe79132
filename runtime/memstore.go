package runtime

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// A MemoryStore keeps sessions in this process's memory: the default Store
// for `storage: server` when Config.Store is nil. Data is lost on restart
// and not shared between instances; use the file, SQL or Redis stores for
// that. It implements OwnerIndex.
//
// Sessions are spread over shards by a hash of their id, each with a lock
// of its own, so that requests for different sessions do not wait for each
// other; an Update merges its patch outside the lock and stores the result
// only if the session did not change meanwhile (else it merges again), so
// the lock is held for a map access, never for JSON work.
type MemoryStore struct {
	shards [memShards]memShard
	seed   maphash.Seed
	// ownersMu guards owners. It is taken inside a shard's lock (an
	// owner's index changes with the record), never the other way round.
	ownersMu sync.Mutex
	owners   map[string]map[string]struct{}
	now      func() time.Time
	stop     chan struct{}
	once     sync.Once
}

// memShards is the number of shards: enough that two requests on
// different sessions rarely share one on a machine with a few dozen cores.
const memShards = 64

// A memShard is one lock and the records under it, padded to its own
// cache lines so that two shards' locks do not share one.
type memShard struct {
	mu      sync.Mutex
	records map[string]memRecord
	version uint64 // the last version given to a record of this shard
	_       [128 - 24]byte
}

// A memRecord is a stored Record and its version, new at each change, by
// which an Update knows whether the record changed while it merged.
type memRecord struct {
	Record
	version uint64
}

func (m *MemoryStore) shard(id string) *memShard {
	return &m.shards[maphash.String(m.seed, id)%memShards]
}

// put stores rec under id with a new version; sh.mu is held.
func (sh *memShard) put(id string, rec Record) {
	sh.version++
	sh.records[id] = memRecord{rec, sh.version}
}

var (
	defaultMemOnce sync.Once
	defaultMem     *MemoryStore
)

// defaultMemoryStore is shared by every storage without a Store, and swept
// once a minute for the life of the process.
func defaultMemoryStore() *MemoryStore {
	defaultMemOnce.Do(func() { defaultMem = NewMemoryStore(time.Minute) })
	return defaultMem
}

// NewMemoryStore returns an empty MemoryStore. When sweep > 0, expired
// sessions are deleted every sweep until Close; otherwise they are only
// hidden from Read and removed when touched.
func NewMemoryStore(sweep time.Duration) *MemoryStore {
	m := &MemoryStore{
		seed:   maphash.MakeSeed(),
		owners: make(map[string]map[string]struct{}),
		now:    time.Now,
		stop:   make(chan struct{}),
	}
	for i := range m.shards {
		m.shards[i].records = make(map[string]memRecord)
	}
	if sweep > 0 {
		go m.sweepEvery(sweep)
	}
	return m
}

func (m *MemoryStore) sweepEvery(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			m.Sweep()
		case <-m.stop:
			return
		}
	}
}

// Close stops the sweep.
func (m *MemoryStore) Close() error {
	m.once.Do(func() { close(m.stop) })
	return nil
}

// Sweep deletes every expired session now and reports how many.
func (m *MemoryStore) Sweep() int {
	now := m.now()
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		for id, r := range sh.records {
			if expired(r.Expires, now) {
				m.deleteLocked(sh, id)
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}

func expired(t, now time.Time) bool { return !t.IsZero() && !now.Before(t) }

// Len reports how many sessions are held, expired ones included.
func (m *MemoryStore) Len() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		n += len(sh.records)
		sh.mu.Unlock()
	}
	return n
}

// Create implements Store.
func (m *MemoryStore) Create(ctx context.Context, id string, rec Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rec.Data = append([]byte(nil), rec.Data...)
	now := m.now()
	sh := m.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if old, ok := sh.records[id]; ok && !expired(old.Expires, now) {
		return ErrIDTaken
	}
	m.deleteLocked(sh, id)
	sh.put(id, rec)
	m.index(id, rec.Owner)
	return nil
}

// Read implements Store.
func (m *MemoryStore) Read(ctx context.Context, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	r, ok := m.get(id, m.now())
	if !ok {
		return Record{}, ErrNotFound
	}
	return r.Record, nil
}

// get returns the unexpired record under id.
func (m *MemoryStore) get(id string, now time.Time) (memRecord, bool) {
	sh := m.shard(id)
	sh.mu.Lock()
	r, ok := sh.records[id]
	sh.mu.Unlock()
	return r, ok && !expired(r.Expires, now)
}

// Update implements Store. The patch is merged into a snapshot of the
// record without the lock; the result is stored only if the record is
// still that snapshot, else the merge starts again from the new record, so
// two concurrent updates of one session both take effect, as under one
// lock. (A record's Data is never changed in place: every change stores a
// new slice.)
func (m *MemoryStore) Update(ctx context.Context, id string, p Patch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := m.now()
	sh := m.shard(id)
	for {
		r, ok := m.get(id, now)
		if !ok {
			return ErrNotFound
		}
		data, err := ApplyPatch(r.Data, p)
		if err != nil {
			return err
		}
		if m.replace(sh, id, r, data, p) {
			return nil
		}
	}
}

// replace stores the merged data of an Update under id if the record is
// still old, and reports whether it was.
func (m *MemoryStore) replace(sh *memShard, id string, old memRecord, data []byte, p Patch) bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if cur, ok := sh.records[id]; !ok || cur.version != old.version {
		return false
	}
	rec := old.Record
	rec.Data, rec.Expires = data, p.Expires
	if p.Owner != nil && *p.Owner != rec.Owner {
		m.unindex(id, rec.Owner)
		rec.Owner = *p.Owner
		m.index(id, rec.Owner)
	}
	sh.put(id, rec)
	return true
}

// Delete implements Store.
func (m *MemoryStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sh := m.shard(id)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	m.deleteLocked(sh, id)
	return nil
}

// ownerIDs returns the ids the owner index lists for owner.
func (m *MemoryStore) ownerIDs(owner string) []string {
	m.ownersMu.Lock()
	defer m.ownersMu.Unlock()
	ids := make([]string, 0, len(m.owners[owner]))
	for id := range m.owners[owner] {
		ids = append(ids, id)
	}
	return ids
}

// IDsByOwner implements OwnerIndex.
func (m *MemoryStore) IDsByOwner(ctx context.Context, owner string) ([]string, error) {
	var ids []string
	now := m.now()
	for _, id := range m.ownerIDs(owner) {
		if r, ok := m.get(id, now); ok && r.Owner == owner {
			ids = append(ids, id)
		}
	}
	return ids, ctx.Err()
}

// DeleteByOwner implements OwnerIndex. Every session whose owner is owner
// when it is called is deleted, unless another owner was set on it
// meanwhile: a record and its index entry change together under the
// record's lock, so no session of owner is missed. A session given owner
// by a commit that runs concurrently may stay, as it may under one lock
// when that commit comes last.
func (m *MemoryStore) DeleteByOwner(ctx context.Context, owner string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range m.ownerIDs(owner) {
		sh := m.shard(id)
		sh.mu.Lock()
		if r, ok := sh.records[id]; ok && r.Owner == owner {
			m.deleteLocked(sh, id)
			n++
		}
		sh.mu.Unlock()
	}
	return n, nil
}

// deleteLocked deletes the record under id; sh.mu is held.
func (m *MemoryStore) deleteLocked(sh *memShard, id string) {
	if r, ok := sh.records[id]; ok {
		m.unindex(id, r.Owner)
		delete(sh.records, id)
	}
}

// index adds id to owner's index; the record's shard lock is held.
func (m *MemoryStore) index(id, owner string) {
	if owner == "" {
		return
	}
	m.ownersMu.Lock()
	defer m.ownersMu.Unlock()
	if m.owners[owner] == nil {
		m.owners[owner] = make(map[string]struct{})
	}
	m.owners[owner][id] = struct{}{}
}

// unindex removes id from owner's index; the record's shard lock is held.
func (m *MemoryStore) unindex(id, owner string) {
	if owner == "" {
		return
	}
	m.ownersMu.Lock()
	defer m.ownersMu.Unlock()
	if set := m.owners[owner]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(m.owners, owner)
		}
	}
}
