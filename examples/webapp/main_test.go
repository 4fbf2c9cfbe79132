package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a strings.Builder safe to read while serve writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// selfSigned writes a certificate for 127.0.0.1 and its key to dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// startServe runs serve on a loopback port and returns what it printed
// first and the URL it printed.
func startServe(t *testing.T, cert, key string) (*lockedBuffer, string) {
	t.Helper()
	h, err := newServer(config{Secrets: []string{testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	t.Cleanup(func() { srv.Close() })
	out := &lockedBuffer{}
	go serve(srv, ln, cert, key, true, out)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "\n"); {
		if time.Now().After(deadline) {
			t.Fatal("serve printed nothing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	f := strings.Fields(first)
	return out, f[3]
}

func TestServeTLSWhenItSaysHTTPS(t *testing.T) {
	cert, key, pool := selfSigned(t, t.TempDir())
	_, u := startServe(t, cert, key)
	if !strings.HasPrefix(u, "https://127.0.0.1:") {
		t.Fatalf("with -cert/-key serve printed %q, want an https:// URL", u)
	}
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u + "/login")
	if err != nil {
		t.Fatalf("GET over HTTPS at the printed URL: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Errorf("GET %s/login: status %d, TLS %v", u, resp.StatusCode, resp.TLS != nil)
	}
}

func TestServePlainSaysHTTP(t *testing.T) {
	out, u := startServe(t, "", "")
	if !strings.HasPrefix(u, "http://127.0.0.1:") || !strings.Contains(out.String(), "-cert/-key") {
		t.Fatalf("without a certificate serve printed %q, want an http:// URL and how to get HTTPS", out.String())
	}
	resp, err := http.Get(u + "/login")
	if err != nil {
		t.Fatalf("GET over plain HTTP at the printed URL: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s/login: status %d", u, resp.StatusCode)
	}
}
