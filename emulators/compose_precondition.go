package main

// fake-gcs-server's compose ignores ifGenerationMatch and overwrites an existing destination. On
// Google Cloud, compose with ifGenerationMatch=0 fails with 412 when the destination exists, and the
// daily lifecycle relies on it (a compacted object is created once; a 412 means an earlier run
// composed it). This middleware closes the gap: for a compose naming ifGenerationMatch=0 it asks the
// emulator for the destination first and answers 412 if it is there. Requests to one emulator are
// not concurrent for the same destination in plantlake (one daily run at a time, the lease).

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
)

var composePath = regexp.MustCompile(`^/storage/v1/b/([^/]+)/o/(.+)/compose$`)

func withComposePrecondition(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := composePath.FindStringSubmatch(r.URL.EscapedPath())
		if r.Method != http.MethodPost || m == nil || r.URL.Query().Get("ifGenerationMatch") != "0" {
			next.ServeHTTP(w, r)
			return
		}
		getURL := "/storage/v1/b/" + m[1] + "/o/" + m[2]
		get := httptest.NewRequest(http.MethodGet, getURL, nil)
		get.URL.RawPath = getURL
		if p, err := url.PathUnescape(getURL); err == nil {
			get.URL.Path = p
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, get)
		if rec.Code == http.StatusOK {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusPreconditionFailed)
			_, _ = w.Write([]byte(`{"error":{"code":412,"message":"At least one of the pre-conditions you specified did not hold.","errors":[{"reason":"conditionNotMet","message":"At least one of the pre-conditions you specified did not hold."}]}}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}
