"""Staff accounts: sign-in with lock-out, passwords, roles, unit and department, sessions revoked server-side.
Pages call `accounts.accounts` (create_user, authenticate, change_password, reset_password, load_actor …)."""
