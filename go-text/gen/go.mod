module ucore/go-text/gen

go 1.19
