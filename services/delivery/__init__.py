"""The notification sender process: claims outbox rows with a lease, sends through the channels with retries and
backoff, records every attempt (`sender`), and raises the staff's near-due alerts (`alerts`)."""
