package cli

import (
	"github.com/spf13/cobra"

	"github.com/pbxauth/pbxauth/apiclient/spec"
)

func newSpecCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "spec",
		Short: specSummary,
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := s.out.Write(spec.Document)
			return err
		},
	}
}
