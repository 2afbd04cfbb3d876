"""The digital thread: envelope, subjects, connection, contracts and dead letters.

It knows nothing of factories or graphs: twins and the orchestrator build on it.
"""

from thread._connection import (
    ORIGINAL_SUBJECT_HEADER,
    REASON_HEADER,
    Thread,
    encode,
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
    SchemaRef,
)
from thread._envelope import Envelope, new_id, utcnow
from thread._errors import (
    CommandRejectedError,
    CommandTimeoutError,
    ConfigurationError,
    ContractError,
    EnvelopeError,
    NatsServerError,
    NoResponderError,
    SubjectError,
    ThreadUnavailableError,
    TwinweaveError,
    UnknownContractError,
    UnknownTwinError,
)
from thread._server import NatsServer, find_nats_server, free_port
from thread._settings import ThreadSettings
from thread._subjects import Channel, Subjects, TwinSubject, check_token

__all__ = [
    "ORIGINAL_SUBJECT_HEADER",
    "REASON_HEADER",
    "Admission",
    "Channel",
    "CommandRejectedError",
    "CommandTimeoutError",
    "ConfigurationError",
    "ConsumerStats",
    "Contract",
    "ContractError",
    "Contracts",
    "Envelope",
    "EnvelopeError",
    "Handler",
    "JsonSchemaContract",
    "Message",
    "ModelContract",
    "NatsServer",
    "NatsServerError",
    "NoResponderError",
    "Receiver",
    "SchemaRef",
    "SequenceGuard",
    "SubjectError",
    "Subjects",
    "Thread",
    "ThreadSettings",
    "ThreadUnavailableError",
    "TwinSubject",
    "TwinweaveError",
    "UnknownContractError",
    "UnknownTwinError",
    "check_token",
    "encode",
    "find_nats_server",
    "free_port",
    "new_id",
    "utcnow",
]
