"""DNS blocklist monitoring of each tenant's sending domains and IPs, with alerts.

Modules, one concern each:

- `models`: monitored domains and IPs, check runs and results, listing episodes, alerts.
- `domains`: add, list, look up and remove monitored domains.
- `episodes`: the rule that turns check results into listing episodes and alert decisions.
- `recording`: `record_check`, which stores one check run and applies that rule.
- `checks`: run a check of one monitored domain now (DNS, then `record_check`).
- `alerts` and `texts`: queue the webhook, send the email, render the localised texts.
- `leader` and `scheduler`: elect one scheduler replica and run the periodic checks.
- `state`: the listed state for the Prometheus snapshot.

Like `reputation`, this package module imports nothing, so importing the models from
`reputation.models` does not pull in the services.
"""
