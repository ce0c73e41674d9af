// plantlake's field gateway: Telegraf (InfluxData, MIT) built from its Go module at an exact
// version with only the plugins plantlake's configs use (local/gateway/telegraf-build.ts has the
// tags). go.sum holds exactly the modules that build needs. Never run `go mod tidy` here: tidy
// ignores build tags and would fetch every plugin's dependencies (gigabytes).
module github.com/plantlake/plantlake/gateway/telegraf/build

go 1.26.0

require github.com/influxdata/telegraf v1.37.2
