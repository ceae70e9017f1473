package signin

// method is how the credentials are sent; ctrl+t steps through them.
type method int

const (
	methodSignIn method = iota // POST /auth/sign_in (+ 2FA)
	methodOAuth                // POST /login/oauth/token, grant_type=password
	methodWeb                  // POST /login (cookie)
	methodCount
)

func (m method) String() string {
	switch m {
	case methodOAuth:
		return "OAuth password grant"
	case methodWeb:
		return "web session"
	}
	return "sign in"
}

// short names the method on the help bar, where room is scarce.
func (m method) short() string {
	switch m {
	case methodOAuth:
		return "OAuth"
	case methodWeb:
		return "web login"
	}
	return "sign_in"
}

// endpoint is the call the method makes, for the title.
func (m method) endpoint() string {
	switch m {
	case methodOAuth:
		return "POST /login/oauth/token"
	case methodWeb:
		return "POST /login"
	}
	return "POST /auth/sign_in"
}
