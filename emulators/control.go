package main

// The control port answers GET /health with each service's state, and POST /services/NAME/down
// or /up to simulate an outage of one service while the others keep running.

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"time"
)

// A service's gates go down and up together (BigQuery has an HTTP and a gRPC gate).
var serviceGates = map[string][]string{
	"pubsub":   {"pubsub"},
	"storage":  {"storage"},
	"bigquery": {"bigquery", "bigqueryGrpc"},
}

func (s *stack) startControl(addr string) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		state := map[string]string{}
		for svc, names := range serviceGates {
			state[svc] = "up"
			for _, n := range names {
				if !s.gates[n].isUp() {
					state[svc] = "down"
				}
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"services": state, "endpoints": s.endpoints()})
	})
	mux.HandleFunc("POST /services/{name}/{action}", func(w http.ResponseWriter, r *http.Request) {
		names, ok := serviceGates[r.PathValue("name")]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{
				"error": "unknown service " + r.PathValue("name") + "; use pubsub, storage or bigquery",
			})
			return
		}
		switch strings.ToLower(r.PathValue("action")) {
		case "down":
			for _, n := range names {
				s.gates[n].down()
			}
		case "up":
			for _, n := range names {
				if err := s.gates[n].up(); err != nil {
					writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
					return
				}
			}
		default:
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown action; use down or up"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"service": r.PathValue("name"), "state": r.PathValue("action")})
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.control = &http.Server{Addr: l.Addr().String(), Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.control.Serve(l) }()
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
