"""The reputation score and verdict of a sending domain and of each of its sending IPs.

Modules, one concern each:

- `types`: levels, verdicts, components and the `Reputation` result.
- `limits`: the published thresholds and mailrep's own estimates, in one place.
- `rates`, `listings`, `auth_components` and `combine`: pure scoring of each input and
  their sum into a score, a range, a level and a verdict.
- `dns_auth`: SPF, DMARC, MX and forward-confirmed reverse DNS lookups.
- `inputs`: the counts, volumes, listings and sending IPs read from the database.
- `service`: `compute_reputation` and the stored history; `send_check_reputation`
  for the pre-send check.
- `volume`: sent volume reported outside the pre-send check.
- `texts`: the reasons in English and Polish.
- `models`: the history table; `metrics_state`: the Prometheus state snapshot.

Like `reputation.monitoring`, this package module imports nothing, so importing the
models from `reputation.models` does not pull in the services.
"""
