package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pbxauth/pbxauth/apiclient"
	"github.com/pbxauth/pbxauth/apiclient/rules"
	"github.com/pbxauth/pbxauth/apiclient/spec"
	"github.com/pbxauth/pbxauth/internal/boundedjson"
	"github.com/pbxauth/pbxauth/internal/termsafe"
)

// callDefaultURL is where `pbxauth call` goes without --url or PBXAUTH_URL: the
// PortSIP default on this machine.
const callDefaultURL = "https://localhost:8887"

type callFlags struct {
	url      string
	token    string
	fields   []string
	curl     bool
	reveal   bool
	verbose  bool
	insecure bool
	timeout  time.Duration
}

func newCallCmd(s *streams) *cobra.Command {
	f := &callFlags{}
	cmd := &cobra.Command{
		Use:   "call OPERATION [-f name=value]...",
		Short: callSummary,
		Long: `Send one operation of the PortSIP authentication API and print the answer.

OPERATION is an operationId of the OpenAPI document (see the list below, or
` + "`pbxauth spec`" + `). Each -f name=value is a path parameter (provider), a query
parameter (domain, qr) or a body field; values are typed by the document, so
-f qr=true sends a boolean while -f username=true stays a string.

The answer's JSON goes to stdout pretty-printed (indented, in the PBX's key
order, & < > written as they are), tokens included, so it can be piped to jq; a
302 answer prints {"status": 302, "location": ...} (its code, state and tokens
hidden unless --reveal). --curl prints the request as a curl command instead of sending
it, and --verbose prints the whole exchange on stderr; both hide passwords,
tokens, codes and cookies unless --reveal is given.

The session cookie set by "login" lives only as long as one invocation: a later
` + "`pbxauth call getLoginStatus`" + ` starts without it. Use the TUI or a scenario
for session flows.

Exit status: 0 success, 1 the PBX answered an error (code and message on
stderr, the error body on stdout), 2 usage error, 3 the PBX could not be
reached or timed out.

Operations:
` + operationTable(),
		Example: `  pbxauth call retrieveMetadata --url https://pbx.example.com -f domain=example.com
  pbxauth call signInWithCredentials --url https://pbx.example.com \
      -f username=alice -f password="$PW" -f domain=example.com | jq -r .access_token
  PBXAUTH_TOKEN=... pbxauth call getUserAuthInfo --insecure
  pbxauth call signInWithCredentials -f username=alice -f password=x --curl`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completeOperations,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withCheckedOutput(s, func(s *streams) error { return runCall(cmd, s, f, args) })
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.url, "url", "", "PBX address (env PBXAUTH_URL; default "+callDefaultURL+")")
	fl.StringVar(&f.token, "token", "", "access token for bearer operations (env PBXAUTH_TOKEN)")
	fl.StringArrayVarP(&f.fields, "field", "f", nil, "a parameter or body field as name=value (repeatable)")
	fl.BoolVar(&f.curl, "curl", false, "print the request as a curl command instead of sending it")
	fl.BoolVar(&f.reveal, "reveal", false, "show secrets in --curl and --verbose output and in a 302's location")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "print the exchange (request and answer) on stderr")
	fl.BoolVar(&f.insecure, "insecure", false, "do not verify the PBX's TLS certificate (self-signed PBXs)")
	fl.DurationVar(&f.timeout, "timeout", apiclient.DefaultTimeout, "give up on the call after this long")
	_ = cmd.RegisterFlagCompletionFunc("field", completeFields)
	return cmd
}

func runCall(cmd *cobra.Command, s *streams, f *callFlags, args []string) error {
	op, err := callOperation(args)
	if err != nil {
		return err
	}
	client, req, err := prepareCall(cmd, s, f, op)
	if err != nil {
		return err
	}
	// Building the request without sending it finds what can't go on the wire (a
	// token with a newline) as the usage error it is, before anything is sent.
	preview, err := client.Preview(req)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	if f.curl {
		_, err = fmt.Fprintln(s.out, preview.Curl(f.reveal))
		return err
	}
	resp, err := sendCall(cmd.Context(), s, f, client, req)
	if err != nil {
		return err
	}
	return printAnswer(s.out, op.ID, resp, f.reveal)
}

// callOperation is the one operation the arguments name.
func callOperation(args []string) (spec.Operation, error) {
	if len(args) != 1 {
		what := "no operation given"
		if len(args) > 1 {
			what = fmt.Sprintf("one operation at a time, got %d", len(args))
		}
		return spec.Operation{}, usageErrorf("%s; valid operations:\n%s", what, strings.TrimSuffix(operationTable(), "\n"))
	}
	op, ok := spec.OperationByID(args[0])
	if !ok {
		return spec.Operation{}, usageErrorf("unknown operation %q; valid operations:\n%s", args[0], strings.TrimSuffix(operationTable(), "\n"))
	}
	return op, nil
}

// prepareCall turns the flags into a client and op's request, warning on
// stderr of what the PBX will likely refuse; a mistake in them is a usage error.
func prepareCall(cmd *cobra.Command, s *streams, f *callFlags, op spec.Operation) (*apiclient.Client, apiclient.Request, error) {
	values, err := parseCallFields(f.fields)
	if err != nil {
		return nil, apiclient.Request{}, withCode(ExitUsage, err)
	}
	if cmd.Flags().Changed("url") && strings.TrimSpace(f.url) == "" {
		// An empty --url is most often an unset shell variable; falling back to
		// the default would send the credentials somewhere not chosen.
		return nil, apiclient.Request{}, usageErrorf("--url is empty: give the PBX address, or leave --url out to use PBXAUTH_URL or %s", callDefaultURL)
	}
	client, err := newCallClient(f)
	if err != nil {
		return nil, apiclient.Request{}, withCode(ExitUsage, err)
	}
	warnInsecure(s, f.insecure)
	bearer := apiclient.Secret(firstNonEmpty(f.token, os.Getenv("PBXAUTH_TOKEN")))
	req, err := apiclient.BuildRequest(op.ID, values, bearer)
	if err != nil {
		return nil, apiclient.Request{}, withCode(ExitUsage, err)
	}
	if op.Bearer && bearer.IsZero() {
		fmt.Fprintf(s.err, "pbxauth: warning: %s takes a bearer token; none given (--token or PBXAUTH_TOKEN)\n", op.ID)
	}
	// The PBX decides, but saying early why it will refuse saves a round of guessing.
	for _, v := range rules.Check(op.ID, bodyValues(op, values)) {
		fmt.Fprintf(s.err, "pbxauth: warning: the PBX will likely refuse this: %s\n", v.Error())
	}
	return client, req, nil
}

// sendCall sends req (the exchange on stderr with --verbose); a failure's exit
// code says whose it is: the request's, the network's, or the PBX's.
func sendCall(ctx context.Context, s *streams, f *callFlags, client *apiclient.Client, req apiclient.Request) (*apiclient.Response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	var ex *apiclient.Exchange
	ctx = apiclient.WithExchangeObserver(ctx, func(e *apiclient.Exchange) { ex = e })
	resp, err := client.Do(ctx, req)
	if f.verbose && ex != nil {
		fmt.Fprint(s.err, termsafe.Text(ex.Dump(f.reveal)))
	}
	if err != nil {
		var re *apiclient.RequestError
		switch {
		case errors.As(err, &re):
			return nil, withCode(ExitUsage, err)
		case errors.Is(err, apiclient.ErrNetwork) || errors.Is(err, apiclient.ErrTimeout):
			return nil, withCode(ExitNetwork, err)
		}
		return nil, withCode(ExitFailure, err)
	}
	return resp, nil
}

// printAnswer writes the answer for scripts: the JSON body, an error's body
// (with exit status 1), or where a redirect points.
func printAnswer(w io.Writer, opID string, resp *apiclient.Response, reveal bool) error {
	if err := boundedjson.Check(resp.Body); err != nil {
		// Printed indented it would be n² bytes; printed as is, a trap for jq.
		return withCode(ExitFailure, fmt.Errorf("%s: the answer (status %d): %w", opID, resp.Status, err))
	}
	if err := apiclient.CheckResponse(resp); err != nil {
		writeBody(w, resp.Body)
		return withCode(ExitFailure, err)
	}
	if loc := resp.Header.Get("Location"); resp.Status == 302 && loc != "" {
		// A redirect has no JSON answer; scripts want where it points, its & intact.
		// An IdP callback's code and state are secrets until --reveal.
		if !reveal {
			loc = apiclient.RedactURL(loc)
		}
		return writeRedirect(w, resp.Status, loc)
	}
	writeBody(w, resp.Body)
	return nil
}

// writeRedirect prints {"status": ..., "location": ...} indented, with & < >
// as they are.
func writeRedirect(w io.Writer, status int, loc string) error {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"status": status, "location": loc}); err != nil {
		return err
	}
	_, err := io.WriteString(w, termsafe.JSON(buf.String()))
	return err
}

func newCallClient(f *callFlags) (*apiclient.Client, error) {
	target := firstNonEmpty(f.url, os.Getenv("PBXAUTH_URL"), callDefaultURL)
	return apiclient.New(
		apiclient.WithBaseURL(target),
		apiclient.WithTimeout(f.timeout),
		apiclient.WithInsecureSkipVerify(f.insecure),
	)
}

// parseCallFields reads -f name=value pairs; a name given twice is a mistake, not
// an override, since either reading could be the intended one.
func parseCallFields(pairs []string) (map[string]string, error) {
	values := map[string]string{}
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("-f %q: want name=value", p)
		}
		if _, dup := values[name]; dup {
			return nil, fmt.Errorf("-f %s given twice", name)
		}
		values[name] = value
	}
	return values, nil
}

// bodyValues keeps the body fields (rules.Check judges those, not the query).
func bodyValues(op spec.Operation, values map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		if _, ok := op.Field(k); ok {
			out[k] = v
		}
	}
	return out
}

// writeBody prints a JSON answer indented, still valid JSON for jq but with no
// raw control or bidi character left (termsafe.JSON); other bodies go out as
// inert text (termsafe.Text).
func writeBody(w io.Writer, body []byte) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return
	}
	out := termsafe.Text(string(body))
	if json.Valid(body) {
		out = termsafe.JSON(apiclient.PrettyJSON(body))
	}
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	_, _ = io.WriteString(w, out)
}

// operationTable lists the operations with their method and path, one per line.
func operationTable() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, op := range spec.Operations() {
		path := op.Path
		if op.Bearer {
			path += "  (bearer token)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", op.ID, op.Method, path)
	}
	_ = tw.Flush()
	return b.String()
}

func completeOperations(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, op := range spec.Operations() {
		out = append(out, op.ID+"\t"+op.Method+" "+op.Path)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeFields offers the chosen operation's names as "name=".
func completeFields(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	op, ok := spec.OperationByID(args[0])
	if !ok {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, p := range op.Params {
		out = append(out, p.Name+"=\t"+p.In+" parameter ("+p.Type+")")
	}
	for _, fld := range op.Body {
		desc := "body field (" + fld.Type + ")"
		if fld.Required {
			desc = "required " + desc
		}
		out = append(out, fld.Name+"=\t"+desc)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
