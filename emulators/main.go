package main

import (
	_ "cloud.google.com/go/pubsub/v2/pstest"
	_ "github.com/fsouza/fake-gcs-server/fakestorage"
	_ "github.com/goccy/bigquery-emulator/server"
)

func main() {}
