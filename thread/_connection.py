"""The connection to the thread: one NATS client, its reconnects, and its drain.

:class:`Thread` is the only object that talks to nats-py. Everything else (twins,
the orchestrator, the command line) publishes, subscribes and requests through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

import nats
import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue

from thread._client import FastHeaderClient
from thread._codec import encode
from thread._consumer import Handler, Receiver, SequenceGuard
from thread._contracts import Contracts
from thread._envelope import Envelope
from thread._errors import (
    CommandTimeoutError,
    ConfigurationError,
    NoResponderError,
    ThreadUnavailableError,
)
from thread._provision import Provisioned, provision
from thread._subjects import Subjects

log = logging.getLogger(__name__)

REASON_HEADER = "tw-deadletter-reason"
ORIGINAL_SUBJECT_HEADER = "tw-original-subject"


class Thread:
    """A live connection to the digital thread.

    Use it as an async context manager: entering connects (retrying while the
    server is not up yet) and makes sure the streams and buckets exist; leaving
    drains, so that nothing already published or received is lost.

    Args:
        url: NATS server URL, e.g. ``nats://127.0.0.1:4222``.
        subjects: the subject scheme (and prefix) to use.
        name: the connection name shown by the server's monitoring.
        connect_timeout: how long to keep trying the first connection, in seconds.
    """

    def __init__(
        self,
        url: str,
        *,
        subjects: Subjects | None = None,
        name: str = "twinweave",
        connect_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.subjects = subjects or Subjects()
        self.name = name
        self.connect_timeout = connect_timeout
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._stores: Provisioned | None = None
        self._subscriptions: list[Subscription] = []
        self._closing = False

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def connect(self) -> None:
        """Connect, then make sure the event stream and KV buckets exist.

        Raises:
            ThreadUnavailableError: no server answered within ``connect_timeout``.
        """
        try:
            async with asyncio.timeout(self.connect_timeout):
                self._nc = await self._connect_until_up()
        except TimeoutError:
            raise ThreadUnavailableError(
                self.url, f"no server answered within {self.connect_timeout:g} s"
            ) from None
        self._js = self._nc.jetstream()
        self._stores = await provision(self._js, self.subjects)
        log.info("connected to the thread as %s", self.name)

    async def _connect_until_up(self) -> Client:
        while True:
            try:
                client = FastHeaderClient()
                await client.connect(
                    self.url,
                    name=self.name,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=1,
                    connect_timeout=2,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                )
                return client
            except (OSError, nats.errors.NoServersError):
                await asyncio.sleep(0.2)
            except (nats.errors.Error, ValueError) as exc:
                # A malformed URL: retrying cannot help.
                raise ConfigurationError(
                    "NATS URL", f"{self.url!r} is not usable: {exc}"
                ) from exc

    async def close(self) -> None:
        """Drain subscriptions and pending publishes, then disconnect."""
        if self._nc is None or self._nc.is_closed:
            return
        self._closing = True
        try:
            # Our own subscriptions first, while the reply inbox still works: a
            # handler finishing its last message may be waiting on a request or
            # a JetStream acknowledgement.
            subscriptions, self._subscriptions = self._subscriptions, []
            for subscription in subscriptions:
                with contextlib.suppress(nats.errors.BadSubscriptionError):
                    await subscription.drain()  # type: ignore[no-untyped-call]
            await self._nc.drain()
        except (
            nats.errors.ConnectionClosedError,
            nats.errors.ConnectionDrainingError,
            nats.errors.FlushTimeoutError,
        ):
            await self._nc.close()
        log.info("left the thread as %s", self.name)

    @property
    def is_connected(self) -> bool:
        """True while the client holds a live connection."""
        return self._nc is not None and self._nc.is_connected

    @property
    def nc(self) -> Client:
        """The underlying nats-py client."""
        if self._nc is None:
            raise ThreadUnavailableError(self.url, "not connected yet")
        return self._nc

    @property
    def js(self) -> JetStreamContext:
        """The JetStream context of the connection."""
        if self._js is None:
            raise ThreadUnavailableError(self.url, "not connected yet")
        return self._js

    @property
    def state_store(self) -> KeyValue:
        """The KV bucket of last-known twin states."""
        return self._provisioned().state

    @property
    def registry(self) -> KeyValue:
        """The KV bucket of twin manifests."""
        return self._provisioned().registry

    @property
    def schema_store(self) -> KeyValue:
        """The KV bucket of registered schema contracts."""
        return self._provisioned().schemas

    def _provisioned(self) -> Provisioned:
        if self._stores is None:
            raise ThreadUnavailableError(self.url, "not connected yet")
        return self._stores

    # -- publishing ---------------------------------------------------------

    async def publish(
        self,
        subject: str,
        envelope: Envelope,
        data: Any,
        *,
        validate: Contracts | None = None,
    ) -> None:
        """Publish on core NATS: fast, at most once.

        With ``validate``, the data is checked against the contract the envelope
        names before anything is sent.

        Raises:
            EncodingError: a value cannot be written without changing its meaning.
            ContractError: with ``validate``, the data breaks its contract.
        """
        raw = _payload(envelope, data, validate)
        await self.nc.publish(subject, raw, headers=envelope.to_headers())

    async def publish_durable(
        self,
        subject: str,
        envelope: Envelope,
        data: Any,
        *,
        validate: Contracts | None = None,
    ) -> int:
        """Publish into the event stream and wait for its acknowledgement.

        The envelope id is sent as ``Nats-Msg-Id``, so a retried publish is
        stored once. ``validate`` works as in :meth:`publish`. Returns the stream
        sequence.
        """
        raw = _payload(envelope, data, validate)
        headers = envelope.to_headers()
        headers["Nats-Msg-Id"] = envelope.id
        ack = await self.js.publish(subject, raw, headers=headers)
        return ack.seq

    async def put_state(self, twin_id: str, envelope: Envelope, data: Any) -> int:
        """Keep ``data`` as the last-known state of ``twin_id`` in KV."""
        payload = orjson.Fragment(encode(data))
        return await self.state_store.put(twin_id, envelope.to_structured(payload))

    async def get_state(self, twin_id: str) -> tuple[Envelope, Any] | None:
        """The last-known state of ``twin_id``, or None if it never published one."""
        try:
            entry = await self.state_store.get(twin_id)
        except KeyNotFoundError:
            return None
        if entry.value is None:
            return None
        return Envelope.from_structured(entry.value)

    async def request(
        self,
        subject: str,
        envelope: Envelope,
        data: Any,
        *,
        timeout: float = 2.0,
        twin_id: str | None = None,
    ) -> Msg:
        """Send a request and wait for its reply.

        Raises:
            NoResponderError: nothing listens on ``subject``.
            CommandTimeoutError: a listener got it but did not reply in time.
        """
        try:
            return await self.nc.request(
                subject, encode(data), timeout=timeout, headers=envelope.to_headers()
            )
        except NoRespondersError:
            raise NoResponderError(subject, twin_id) from None
        except NatsTimeoutError:
            raise CommandTimeoutError(subject, timeout) from None

    async def reply(self, reply_to: str, envelope: Envelope, data: Any) -> None:
        """Answer a request."""
        await self.nc.publish(reply_to, encode(data), headers=envelope.to_headers())

    # -- receiving ----------------------------------------------------------

    async def subscribe(
        self,
        subject: str,
        handler: Handler,
        contracts: Contracts,
        *,
        queue: str = "",
        guard: SequenceGuard | None = None,
    ) -> Receiver:
        """Receive validated, ordered messages on core NATS.

        Returns the :class:`Receiver`, whose ``stats`` count what happened.
        """
        receiver = Receiver(handler, contracts, self.dead_letter, guard=guard)

        async def on_msg(msg: Msg) -> None:
            await receiver.receive(msg.subject, msg.headers, msg.data, msg.reply)

        self._subscriptions.append(
            await self.nc.subscribe(subject, queue=queue, cb=on_msg)
        )
        return receiver

    async def subscribe_durable(
        self,
        subject: str,
        handler: Handler,
        contracts: Contracts,
        *,
        durable: str | None = None,
        guard: SequenceGuard | None = None,
        replay: bool = False,
    ) -> Receiver:
        """Receive validated, ordered messages from the event stream.

        With ``durable``, a restarted consumer resumes after the last message it
        acknowledged; with ``replay``, a consumer without a name starts from the
        first message kept; with neither, it starts with new messages. Every
        message is acknowledged once handled or dead-lettered, so none is
        redelivered forever.
        """
        receiver = Receiver(handler, contracts, self.dead_letter, guard=guard)

        async def on_msg(msg: Msg) -> None:
            await receiver.receive(msg.subject, msg.headers, msg.data)
            await msg.ack()

        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.ALL if durable or replay else DeliverPolicy.NEW
        )
        self._subscriptions.append(
            await self.js.subscribe(
                subject,
                durable=durable,
                cb=on_msg,
                manual_ack=True,
                stream=self.subjects.event_stream,
                config=config,
            )
        )
        return receiver

    async def subscribe_raw(
        self, subject: str, callback: Callable[[Msg], Awaitable[None]]
    ) -> Subscription:
        """Subscribe without any checking (for replies, probes and tools)."""
        subscription = await self.nc.subscribe(subject, cb=callback)
        self._subscriptions.append(subscription)
        return subscription

    async def dead_letter(
        self,
        subject: str,
        headers: dict[str, str] | None,
        raw: bytes,
        code: str,
        reason: str,
    ) -> None:
        """Keep a rejected message, with its reason, in the dead-letter stream."""
        # Server directives (Nats-Msg-Id, Nats-Expected-Stream, ...) of the original
        # would steer or refuse the dead-letter publish itself: drop them all.
        kept = {
            k: v
            for k, v in (headers or {}).items()
            if not k.lower().startswith("nats-")
        }
        kept[REASON_HEADER] = reason[:1024]
        kept[ORIGINAL_SUBJECT_HEADER] = subject
        await self.js.publish(self.subjects.deadletter(code), raw, headers=kept)

    # -- connection events --------------------------------------------------

    async def _on_error(self, exc: Exception) -> None:
        # Before the first connection, failures are the retry loop's to report.
        if self._closing or self._nc is None:
            return
        log.warning("thread connection error: %s", type(exc).__name__)

    async def _on_disconnected(self) -> None:
        if self._closing:
            return
        log.warning("disconnected from the thread; reconnecting")

    async def _on_reconnected(self) -> None:
        log.info("reconnected to the thread")


def _payload(envelope: Envelope, data: Any, contracts: Contracts | None) -> bytes:
    raw = encode(data)
    if contracts is not None:
        contracts.check_outgoing(envelope.dataschema, raw)
    return raw
