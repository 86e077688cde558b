"""SQLAlchemy models of the reputation core, one module per concern.

Importing this package registers every table on `Base.metadata`, which is what
Alembic compares against. A new concern adds its own module and one import here.
"""

from reputation.models.activity import AuditEvent, SendVolume, WebhookDelivery
from reputation.models.base import Base, BigIntPK, UTCDateTime
from reputation.models.contacts import Contact
from reputation.models.messages import Message, RecipientEvent
from reputation.models.suppressions import (
    ALL_STREAMS,
    SoftBounceDay,
    Suppression,
    SuppressionSource,
)
from reputation.models.tenants import (
    DEFAULT_STREAMS,
    ApiKey,
    ApiScope,
    ComplaintScope,
    Language,
    Stream,
    Tenant,
)

__all__ = [
    "ALL_STREAMS",
    "DEFAULT_STREAMS",
    "ApiKey",
    "ApiScope",
    "AuditEvent",
    "Base",
    "BigIntPK",
    "ComplaintScope",
    "Contact",
    "Language",
    "Message",
    "RecipientEvent",
    "SendVolume",
    "SoftBounceDay",
    "Stream",
    "Suppression",
    "SuppressionSource",
    "Tenant",
    "UTCDateTime",
    "WebhookDelivery",
]

# DNSBL monitoring and scoring keep their models in their own packages. Importing them
# here registers their tables on `Base.metadata` for Alembic and the test fixtures.
import reputation.monitoring.models
import reputation.scoring.models  # noqa: F401
