"""Notifications as data: the transactional outbox with consents and opt-outs (`outbox`), the Vietnamese
templates, the channels (SMTP, HTTP gateway, local files), the dossier and queue events, and staff in-app alerts."""
