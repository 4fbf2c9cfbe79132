package runtime

import (
	"context"
	"sync"
	"time"
)

// A MemoryStore keeps sessions in this process's memory: the default Store
// for `storage: server` when Config.Store is nil. Data is lost on restart
// and not shared between instances; use the file, SQL or Redis stores for
// that. It implements OwnerIndex.
type MemoryStore struct {
	mu      sync.Mutex
	records map[string]Record
	owners  map[string]map[string]struct{}
	now     func() time.Time
	stop    chan struct{}
	once    sync.Once
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
		records: make(map[string]Record),
		owners:  make(map[string]map[string]struct{}),
		now:     time.Now,
		stop:    make(chan struct{}),
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
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	n := 0
	for id, r := range m.records {
		if expired(r.Expires, now) {
			m.deleteLocked(id)
			n++
		}
	}
	return n
}

func expired(t, now time.Time) bool { return !t.IsZero() && !now.Before(t) }

// Len reports how many sessions are held, expired ones included.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.records)
}

// Create implements Store.
func (m *MemoryStore) Create(ctx context.Context, id string, rec Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.records[id]; ok && !expired(old.Expires, m.now()) {
		return ErrIDTaken
	}
	m.deleteLocked(id)
	rec.Data = append([]byte(nil), rec.Data...)
	m.records[id] = rec
	m.indexLocked(id, rec.Owner)
	return nil
}

// Read implements Store.
func (m *MemoryStore) Read(ctx context.Context, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[id]
	if !ok || expired(r.Expires, m.now()) {
		return Record{}, ErrNotFound
	}
	return r, nil
}

// Update implements Store: the patch is merged under the store's lock.
func (m *MemoryStore) Update(ctx context.Context, id string, p Patch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[id]
	if !ok || expired(r.Expires, m.now()) {
		return ErrNotFound
	}
	data, err := ApplyPatch(r.Data, p)
	if err != nil {
		return err
	}
	r.Data, r.Expires = data, p.Expires
	if p.Owner != nil && *p.Owner != r.Owner {
		m.unindexLocked(id, r.Owner)
		r.Owner = *p.Owner
		m.indexLocked(id, r.Owner)
	}
	m.records[id] = r
	return nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deleteLocked(id)
	return nil
}

// IDsByOwner implements OwnerIndex.
func (m *MemoryStore) IDsByOwner(ctx context.Context, owner string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	now := m.now()
	for id := range m.owners[owner] {
		if !expired(m.records[id].Expires, now) {
			ids = append(ids, id)
		}
	}
	return ids, ctx.Err()
}

// DeleteByOwner implements OwnerIndex.
func (m *MemoryStore) DeleteByOwner(ctx context.Context, owner string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id := range m.owners[owner] {
		m.deleteLocked(id)
		n++
	}
	return n, nil
}

func (m *MemoryStore) deleteLocked(id string) {
	if r, ok := m.records[id]; ok {
		m.unindexLocked(id, r.Owner)
		delete(m.records, id)
	}
}

func (m *MemoryStore) indexLocked(id, owner string) {
	if owner == "" {
		return
	}
	if m.owners[owner] == nil {
		m.owners[owner] = make(map[string]struct{})
	}
	m.owners[owner][id] = struct{}{}
}

func (m *MemoryStore) unindexLocked(id, owner string) {
	if set := m.owners[owner]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(m.owners, owner)
		}
	}
}
