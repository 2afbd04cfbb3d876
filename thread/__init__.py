"""The digital thread: envelope, subjects, connection, contracts and dead letters.

It knows nothing of factories or graphs: twins and the orchestrator build on it.
"""

from thread._codec import decode, encode
from thread._compat import Compatibility, check
from thread._connection import (
    ORIGINAL_SUBJECT_HEADER,
    REASON_HEADER,
    Thread,
)
from thread._consumer import (
    Admission,
    ConsumerStats,
    Handler,
    Message,
    Receiver,
    SequenceGuard,
)
from thread._contracts import (
    Contract,
    Contracts,
    JsonSchemaContract,
    ModelContract,
)
from thread._envelope import Envelope, new_id, utcnow
from thread._errors import (
    CommandRejectedError,
    CommandTimeoutError,
    ConfigurationError,
    ContractError,
    EncodingError,
    EnvelopeError,
    MigrationError,
    NatsServerError,
    NoResponderError,
    QueryRejectedError,
    SchemaIncompatibleError,
    SchemaRejectedError,
    SchemaVersionError,
    ServiceUnavailableError,
    SubjectError,
    ThreadUnavailableError,
    TwinRefusedError,
    TwinsAbsentError,
    TwinweaveError,
    UnknownContractError,
    UnknownTwinError,
    UnsupportedSchemaError,
)
from thread._incompat import Direction, Incompatibility, Rule
from thread._joining import admit_twin
from thread._migrations import Migrate, Migrations
from thread._registry import SchemaRegistry
from thread._schemaref import SchemaRef
from thread._server import NatsServer, find_nats_server, free_port
from thread._settings import ThreadSettings
from thread._subjects import Channel, Subjects, TwinSubject, check_token
from thread._subset import can_read

__all__ = [
    "ORIGINAL_SUBJECT_HEADER",
    "REASON_HEADER",
    "Admission",
    "Channel",
    "CommandRejectedError",
    "CommandTimeoutError",
    "Compatibility",
    "ConfigurationError",
    "ConsumerStats",
    "Contract",
    "ContractError",
    "Contracts",
    "Direction",
    "EncodingError",
    "Envelope",
    "EnvelopeError",
    "Handler",
    "Incompatibility",
    "JsonSchemaContract",
    "Message",
    "Migrate",
    "MigrationError",
    "Migrations",
    "ModelContract",
    "NatsServer",
    "NatsServerError",
    "NoResponderError",
    "QueryRejectedError",
    "Receiver",
    "Rule",
    "SchemaIncompatibleError",
    "SchemaRef",
    "SchemaRegistry",
    "SchemaRejectedError",
    "SchemaVersionError",
    "SequenceGuard",
    "ServiceUnavailableError",
    "SubjectError",
    "Subjects",
    "Thread",
    "ThreadSettings",
    "ThreadUnavailableError",
    "TwinRefusedError",
    "TwinSubject",
    "TwinsAbsentError",
    "TwinweaveError",
    "UnknownContractError",
    "UnknownTwinError",
    "UnsupportedSchemaError",
    "admit_twin",
    "can_read",
    "check",
    "check_token",
    "decode",
    "encode",
    "find_nats_server",
    "free_port",
    "new_id",
    "utcnow",
]
