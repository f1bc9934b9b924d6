module kubectl-dp/tests/lifecycle/rook-decode

go 1.22

// The aws-sdk-go Rook 1.18.8 builds with (its go.mod).
require github.com/aws/aws-sdk-go v1.55.7

require github.com/jmespath/go-jmespath v0.4.0 // indirect
