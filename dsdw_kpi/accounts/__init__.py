"""Sign-in hardening: lockout of failed logins, Thai password rules, idle sessions, password change and reset, TOTP."""
