"""Building blocks every capability uses: clock, errors, roles, text, files and image checks, PDFs, exports, the
audit log, units and departments, CCCD rules and the CCCD card's QR, the working-time calendar, atomic attempt
counters, client addresses, one-use form tokens, job locks and the sweep of orphan files."""
