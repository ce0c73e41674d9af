package main

// fake-gcs-server ignores the destination storage class of a rewrite (what the Node client's
// file.setStorageClass('COLDLINE') sends), and answers with STANDARD. On Google Cloud the rewritten
// object has the class asked for, and plantlake's lifecycle depends on it. This middleware closes
// the gap: after a successful rewrite that names a storageClass it sets that class on the
// destination object through the emulator's own PATCH handler and returns the patched resource.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
)

var rewritePath = regexp.MustCompile(`^/storage/v1/b/[^/]+/o/.+/rewriteTo/b/([^/]+)/o/(.+)$`)

func withRewriteStorageClass(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := rewritePath.FindStringSubmatch(r.URL.EscapedPath())
		if r.Method != http.MethodPost || m == nil {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		var meta struct {
			StorageClass string `json:"storageClass"`
		}
		_ = json.Unmarshal(body, &meta)
		r.Body = io.NopCloser(bytes.NewReader(body))

		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK || meta.StorageClass == "" {
			copyResponse(w, rec)
			return
		}

		var rewrite map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &rewrite); err != nil || rewrite["done"] != true {
			copyResponse(w, rec)
			return
		}
		patchURL := "/storage/v1/b/" + m[1] + "/o/" + m[2]
		patchBody, _ := json.Marshal(map[string]string{"storageClass": strings.ToUpper(meta.StorageClass)})
		patchReq := httptest.NewRequest(http.MethodPatch, patchURL, bytes.NewReader(patchBody))
		patchReq.URL.RawPath = patchURL
		if p, err := url.PathUnescape(patchURL); err == nil {
			patchReq.URL.Path = p
		}
		patchReq.Header.Set("Content-Type", "application/json")
		patched := httptest.NewRecorder()
		next.ServeHTTP(patched, patchReq)
		if patched.Code != http.StatusOK {
			copyResponse(w, patched)
			return
		}
		var resource map[string]any
		if err := json.Unmarshal(patched.Body.Bytes(), &resource); err == nil {
			rewrite["resource"] = resource
		}
		out, _ := json.Marshal(rewrite)
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
	})
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
