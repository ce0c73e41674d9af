// plantlake-emulators serves the Google Cloud APIs plantlake uses on loopback, in one process:
// Pub/Sub (pstest), Cloud Storage (fake-gcs-server) and BigQuery (bigquery-emulator, wired to the
// storage emulator so load jobs from gs:// work). It prints one line when all three are ready,
// stops cleanly on SIGINT/SIGTERM (or when stdin closes, with -exit-on-eof, so a test runner that
// dies takes it along), and keeps its state in -data DIR or in memory.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"cloud.google.com/go/pubsub/v2/pstest"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	bqserver "github.com/goccy/bigquery-emulator/server"
)

type options struct {
	host, project, data             string
	pubsubPort, storagePort, bqPort int
	bqGrpcPort, controlPort         int
	exitOnEOF                       bool
}

func main() {
	var o options
	flag.StringVar(&o.host, "host", "127.0.0.1", "address to listen on (keep it on loopback)")
	flag.StringVar(&o.project, "project", "plantlake-local", "project id the BigQuery emulator serves")
	flag.StringVar(&o.data, "data", "", "folder for Cloud Storage and BigQuery state (empty: in memory)")
	flag.IntVar(&o.pubsubPort, "pubsub-port", 8085, "Pub/Sub gRPC port (0: any free port)")
	flag.IntVar(&o.storagePort, "storage-port", 4443, "Cloud Storage HTTP port (0: any free port)")
	flag.IntVar(&o.bqPort, "bigquery-port", 9050, "BigQuery HTTP port (0: any free port)")
	flag.IntVar(&o.bqGrpcPort, "bigquery-grpc-port", 9060, "BigQuery Storage API gRPC port (0: any free port)")
	flag.IntVar(&o.controlPort, "control-port", 9099, "control port: health, and taking a service down and up (0: any free port)")
	flag.BoolVar(&o.exitOnEOF, "exit-on-eof", false, "stop when standard input closes")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("plantlake-emulators: ")

	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

func run(o options) error {
	stack, err := start(o)
	if err != nil {
		return err
	}
	defer stack.close()

	ready, _ := json.Marshal(stack.endpoints())
	// One line, stable prefix: the Node harness waits for it and parses the JSON.
	fmt.Printf("plantlake-emulators ready %s\n", ready)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	if o.exitOnEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop <- syscall.SIGTERM
		}()
	}
	sig := <-stop
	log.Printf("stopping on %s", sig)
	return nil
}

type stack struct {
	gates   map[string]*gate
	control *http.Server
	pubsub  *pstest.Server
	storage *fakestorage.Server
	bq      *bqserver.Server
	servers []*http.Server
}

func (s *stack) endpoints() map[string]string {
	return map[string]string{
		"pubsub":       s.gates["pubsub"].addr,
		"storage":      "http://" + s.gates["storage"].addr,
		"bigquery":     "http://" + s.gates["bigquery"].addr,
		"bigqueryGrpc": s.gates["bigqueryGrpc"].addr,
		"control":      "http://" + s.control.Addr,
	}
}

func start(o options) (*stack, error) {
	s := &stack{gates: map[string]*gate{}}
	addr := func(port int) string { return net.JoinHostPort(o.host, fmt.Sprint(port)) }
	internal := net.JoinHostPort(o.host, "0")

	// Pub/Sub keeps its state in memory only (pstest has no persistence).
	s.pubsub = pstest.NewServerWithAddress(internal)
	if err := s.openGate("pubsub", addr(o.pubsubPort), s.pubsub.Addr); err != nil {
		return nil, err
	}

	// Cloud Storage: the gate's address is public, so the handler must name it in upload URLs.
	storageGate, err := net.Listen("tcp", addr(o.storagePort))
	if err != nil {
		return nil, fmt.Errorf("storage: cannot listen on %s: %w", addr(o.storagePort), err)
	}
	storagePublic := storageGate.Addr().String()
	_ = storageGate.Close()
	storageOpts := fakestorage.Options{
		Scheme:      "http",
		Host:        o.host,
		NoListener:  true,
		ExternalURL: "http://" + storagePublic,
		PublicHost:  storagePublic,
	}
	if o.data != "" {
		storageOpts.StorageRoot = filepath.Join(o.data, "storage")
		if err := os.MkdirAll(storageOpts.StorageRoot, 0o755); err != nil {
			return nil, err
		}
	}
	s.storage, err = fakestorage.NewServerWithOptions(storageOpts)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	storageBackend, err := s.serveHTTP(internal, withComposePrecondition(withRewriteStorageClass(s.storage.HTTPHandler())))
	if err != nil {
		return nil, err
	}
	if err := s.openGate("storage", storagePublic, storageBackend); err != nil {
		return nil, err
	}

	// BigQuery reads gs:// URIs through the storage emulator's public address, so a storage
	// outage affects load jobs as it would on Google Cloud.
	if err := os.Setenv("STORAGE_EMULATOR_HOST", "http://"+storagePublic); err != nil {
		return nil, err
	}
	bqStorage := bqserver.TempStorage
	if o.data != "" {
		bqStorage = bqserver.Storage(fmt.Sprintf("file:%s?cache=shared", filepath.Join(o.data, "bigquery.db")))
	}
	s.bq, err = bqserver.New(bqStorage)
	if err != nil {
		return nil, fmt.Errorf("bigquery: %w", err)
	}
	if err := s.bq.SetProject(o.project); err != nil {
		return nil, fmt.Errorf("bigquery: %w", err)
	}
	bqReady := make(chan [2]string, 1)
	s.bq.SetListenCallback(func(httpAddr, grpcAddr string) { bqReady <- [2]string{httpAddr, grpcAddr} })
	bqErr := make(chan error, 1)
	go func() { bqErr <- s.bq.Serve(context.Background(), internal, internal) }()
	select {
	case a := <-bqReady:
		// The emulator runs a query job inside the jobs.insert request that creates it, and its
		// own server (a[0]) cuts every response at 5 minutes (WriteTimeout): a longer job ran, but
		// its answer never arrived, and the client waited forever (a simulated hour of R1's
		// replace took 5 to 12 minutes). The same handler is served here without a write deadline.
		bqHTTP, err := s.serveHTTP(internal, s.bq.Handler)
		if err != nil {
			return nil, fmt.Errorf("bigquery: %w", err)
		}
		if err := s.openGate("bigquery", addr(o.bqPort), bqHTTP); err != nil {
			return nil, err
		}
		if err := s.openGate("bigqueryGrpc", addr(o.bqGrpcPort), a[1]); err != nil {
			return nil, err
		}
	case err := <-bqErr:
		return nil, fmt.Errorf("bigquery: %w", err)
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("bigquery: not listening after 60 s")
	}

	if err := s.startControl(addr(o.controlPort)); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *stack) openGate(name, public, backend string) error {
	g, err := openGate(name, public, backend)
	if err != nil {
		return err
	}
	s.gates[name] = g
	return nil
}

func (s *stack) serveHTTP(addr string, h http.Handler) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
	s.servers = append(s.servers, srv)
	go func() { _ = srv.Serve(l) }()
	return l.Addr().String(), nil
}

func (s *stack) close() {
	for _, g := range s.gates {
		g.down()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if s.control != nil {
		_ = s.control.Shutdown(ctx)
	}
	for _, srv := range s.servers {
		_ = srv.Shutdown(ctx)
	}
	if s.bq != nil {
		_ = s.bq.Stop(ctx)
	}
	if s.pubsub != nil {
		_ = s.pubsub.Close()
	}
}
