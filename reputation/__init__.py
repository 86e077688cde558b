"""The stateful core of mailrep: storage, ingestion, suppression, contacts and the pre-send check.

Services live in modules named after their concern (`ingestion`, `suppressions`,
`contacts`, `send_check`, `tenants`, `webhooks`) and take the session, the clock
and the settings as arguments. Import them from their modules; this package
module imports nothing, so importing `reputation.settings` stays cheap.
"""
