// Package framecheck decides whether a QueryData response is one Grafana accepts: decoded by the SDK's Arrow reader
// (the code Grafana runs), held to the data plane contract with grafana/dataplane's sdata readers (what server-side
// expressions and alerting use), converted to JSON with data.FrameToJSON (what the browser receives), and compared
// with what the seeded ledger should give. Every check returns an error instead of failing a test, so the suite's
// own tests can prove that broken frames are rejected.
package framecheck

import (
	"errors"
	"fmt"
	"slices"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Decode turns a QueryDataResponse into what Grafana's ClientV2.QueryData returns (backend.FromProto — a frame it
// cannot decode fails the whole call there, so it fails here), after checking every frame's bytes with
// CheckArrowFrame, every status for validity, and that each requested refId got exactly one response.
func Decode(protoResp *pluginv2.QueryDataResponse, refIDs ...string) (*backend.QueryDataResponse, error) {
	if protoResp == nil {
		return nil, errors.New("nil QueryDataResponse")
	}
	var errs []error
	got := make([]string, 0, len(protoResp.Responses))
	for refID := range protoResp.Responses {
		got = append(got, refID)
	}
	want := slices.Clone(refIDs)
	slices.Sort(got)
	slices.Sort(want)
	if len(want) > 0 && !slices.Equal(got, want) {
		errs = append(errs, fmt.Errorf("responses are keyed %v, want one per query refId %v (a missing refId is NoData to alerting)", got, want))
	}
	for refID, res := range protoResp.Responses {
		if !backend.Status(res.Status).IsValid() {
			errs = append(errs, fmt.Errorf("%s: status %d is not an HTTP status (Grafana treats it as unknown/500): always set DataResponse.status", refID, res.Status))
		}
		if res.Format != pluginv2.DataFrameFormat_ARROW {
			errs = append(errs, fmt.Errorf("%s: frame format %s; older Grafana ignores the field and reads Arrow, so always answer ARROW", refID, res.Format))
		}
		if res.Error != "" && res.ErrorSource != "" && res.ErrorSource != string(backend.ErrorSourcePlugin) && res.ErrorSource != string(backend.ErrorSourceDownstream) {
			errs = append(errs, fmt.Errorf("%s: errorSource %q is neither %q nor %q", refID, res.ErrorSource, backend.ErrorSourcePlugin, backend.ErrorSourceDownstream))
		}
		if res.Error == "" && res.Status >= 400 {
			errs = append(errs, fmt.Errorf("%s: status %d without an error message", refID, res.Status))
		}
		if res.Error != "" && res.Status < 400 {
			errs = append(errs, fmt.Errorf("%s: error %q with status %d: failed queries need a 4xx/5xx status", refID, res.Error, res.Status))
		}
		for i, frame := range res.Frames {
			if err := CheckArrowFrame(frame, refID); err != nil {
				errs = append(errs, fmt.Errorf("%s frame %d: %w", refID, i, err))
			}
		}
	}
	decoded, err := backend.FromProto().QueryDataResponse(protoResp)
	if err != nil {
		errs = append(errs, fmt.Errorf("the SDK's decoder (Grafana's ClientV2.QueryData) rejects the response, so Grafana fails the whole request: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return decoded, err
	}
	return decoded, nil
}
