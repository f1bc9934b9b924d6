// rook-decode does with each bucketLifecycle what Rook 1.18's bucket
// provisioner does (setBucketLifecycle in pkg/operator/ceph/object/bucket/
// provisioner.go): json.Unmarshal into aws-sdk-go's BucketLifecycleConfiguration,
// the SDK's parameter validation, then the XML body PutBucketLifecycleConfiguration
// sends. It reads one JSON document per line on stdin and writes one JSON line
// per document: {"sends": "<LifecycleConfiguration ...>"} or {"refused": "why"}.
// tests/bucket_lifecycle.rs runs it over the lifecycle table.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/private/protocol/xml/xmlutil"
	"github.com/aws/aws-sdk-go/service/s3"
)

type answer struct {
	Sends   string `json:"sends,omitempty"`
	Refused string `json:"refused,omitempty"`
}

func decode(line string) answer {
	conf := &s3.BucketLifecycleConfiguration{}
	if err := json.Unmarshal([]byte(line), conf); err != nil {
		return answer{Refused: err.Error()}
	}
	input := &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("bucket"), LifecycleConfiguration: conf}
	if err := input.Validate(); err != nil {
		return answer{Refused: err.Error()}
	}
	var body bytes.Buffer
	encoder := xml.NewEncoder(&body)
	if err := xmlutil.BuildXML(conf, encoder); err != nil {
		return answer{Refused: err.Error()}
	}
	encoder.Flush()
	return answer{Sends: `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + body.String() + `</LifecycleConfiguration>`}
}

func main() {
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for lines.Scan() {
		if err := out.Encode(decode(lines.Text())); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := lines.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
