package mockserver

import "time"

// otpMail is the one-time code mail of send_otp.
func otpMail(acct *account, code string, now time.Time) Mail {
	return Mail{
		Kind: MailOTP, To: acct.email, Username: acct.username, Domain: acct.domain, SentAt: now,
		Subject: "Your PBX sign-in code",
		Body: "Your one-time sign-in code is " + code + ". It is valid for 10 minutes." +
			" If you did not try to sign in, change your password.",
		Code: code,
	}
}

// resetMail is the reset link mail of forget_password.
func resetMail(acct *account, link, tok string, now time.Time) Mail {
	return Mail{
		Kind: MailReset, To: acct.email, Username: acct.username, Domain: acct.domain, SentAt: now,
		Subject: "Reset your PBX password",
		Body: "Someone asked to reset the password of " + acct.username + ". Open this link within 10 minutes to choose a new one:\n" +
			link + "\nIf it was not you, ignore this mail.",
		Link: link, Token: tok,
	}
}
