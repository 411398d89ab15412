module github.com/aicodeteam/ledger-for-grafana/launcher

go 1.22
