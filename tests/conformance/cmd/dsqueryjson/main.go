// Command dsqueryjson is the server-side hop of Grafana's POST /api/ds/query for the browser test host
// (tests/browser/host/dsQueryHop.ts): it turns the plugin's protobuf QueryDataResponse into the HTTP status and body
// Grafana answers, with Grafana's SDK code, so the browser reads what Grafana would send and not what our own
// frame-JSON encoder writes.
//
// Protocol, long-lived so that a request does not pay a process start: stdin carries one line per plugin answer,
// the base64 of the pluginv2.QueryDataResponse bytes exactly as they came over gRPC; stdout carries one line per
// input line, "<http status> <body>", the body being the bytes Grafana writes (JSON plus its encoder's newline,
// which ends the line). Answers come in the order of the input.
//
// What Grafana does between the plugin and the browser, followed step by step (grafana/grafana):
//  1. pkg/plugins/backendplugin/grpcplugin/client_v2.go, QueryData: backend.FromProto().QueryDataResponse(protoResp)
//     (Arrow frames through data.UnmarshalArrowFrames; a status outside 100–599 becomes 500).
//  2. pkg/plugins/manager/client/client.go, QueryData: a frame without a refId takes its response's refId.
//  3. pkg/api/ds_query.go, toJsonStreamingResponse: 200, or 400 when any response carries an error.
//  4. pkg/api/response/response.go, StreamingResponse.WriteTo: jsoniter.ConfigCompatibleWithStandardLibrary's
//     encoder over *backend.QueryDataResponse, i.e. the SDK's codec ({"results": {refId: {error, errorSource,
//     status, frames}}}, each frame as data.Frame's JSON: schema and data with entities and nanos).
//
// An answer Grafana cannot convert (bad protobuf or Arrow) is 500 {"message":"Query data error"}, the fallback of
// handleQueryMetricsError (pkg/api/ds_query.go, response.ErrOrFallback); the cause goes to stderr.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	jsoniter "github.com/json-iterator/go"
	"google.golang.org/protobuf/proto"
)

// queryDataError is the body Grafana writes when the plugin's answer cannot be turned into a QueryDataResponse.
const queryDataError = `{"message":"Query data error"}` + "\n"

// Answer is the HTTP status and body Grafana's /api/ds/query writes for the plugin's QueryDataResponse bytes.
func Answer(protoBytes []byte) (int, []byte, error) {
	protoResp := &pluginv2.QueryDataResponse{}
	if err := proto.Unmarshal(protoBytes, protoResp); err != nil {
		return http.StatusInternalServerError, []byte(queryDataError), fmt.Errorf("protobuf: %w", err)
	}
	qdr, err := backend.FromProto().QueryDataResponse(protoResp)
	if err != nil {
		return http.StatusInternalServerError, []byte(queryDataError), fmt.Errorf("frames: %w", err)
	}
	for refID, res := range qdr.Responses {
		for _, frame := range res.Frames {
			if frame.RefID == "" {
				frame.RefID = refID
			}
		}
	}
	status := http.StatusOK
	for _, res := range qdr.Responses {
		if res.Error != nil {
			status = http.StatusBadRequest
			break
		}
	}
	var body bytes.Buffer
	if err := jsoniter.ConfigCompatibleWithStandardLibrary.NewEncoder(&body).Encode(qdr); err != nil {
		return http.StatusInternalServerError, []byte(queryDataError), fmt.Errorf("json: %w", err)
	}
	return status, body.Bytes(), nil
}

// serve answers every line of in on out until in ends.
func serve(in io.Reader, out io.Writer, errs io.Writer) error {
	reader := bufio.NewReaderSize(in, 1<<20)
	writer := bufio.NewWriter(out)
	for {
		line, readErr := reader.ReadBytes('\n')
		line = bytes.TrimRight(line, "\r\n")
		if len(line) > 0 {
			status, body, err := answerLine(line)
			if err != nil {
				fmt.Fprintf(errs, "dsqueryjson: %v\n", err)
			}
			writer.WriteString(strconv.Itoa(status) + " ")
			writer.Write(body)
			if err := writer.Flush(); err != nil {
				return err
			}
		}
		if errors.Is(readErr, io.EOF) {
			return nil
		}
		if readErr != nil {
			return readErr
		}
	}
}

func answerLine(line []byte) (int, []byte, error) {
	protoBytes, err := base64.StdEncoding.DecodeString(string(line))
	if err != nil {
		return http.StatusInternalServerError, []byte(queryDataError), fmt.Errorf("base64: %w", err)
	}
	return Answer(protoBytes)
}

func main() {
	if err := serve(os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "dsqueryjson: %v\n", err)
		os.Exit(1)
	}
}
