"""Run every benchmark against one embedded nats-server and print the figures.

    python bench/run.py [--messages N] [--rate R] [--seconds S]

Figures are stated as ratios against the raw building block (plain nats-py on the
same server in the same run), since absolute times drift on shared machines.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _latency import percentiles, raw_latency, thread_latency
from _memory import idle_twin_rss, raw_client_rss
from _throughput import raw_throughput, thread_throughput

from thread import NatsServer

MB = 1024 * 1024


async def _throughput(url: str, count: int) -> None:
    raw = await raw_throughput(url, count)
    ours, stats = await thread_throughput(url, count)
    print(f"throughput, {count:,} messages")
    print(f"  raw nats-py publish -> subscribe    {raw:10,.0f} msg/s")
    print(f"  thread envelope -> validated        {ours:10,.0f} msg/s")
    print(
        f"  ratio thread / raw                  {ours / raw:10.2f}   (target >= 0.50)"
    )
    print(f"  consumer counters {stats}")


async def _latency(url: str, rate: int, seconds: float) -> None:
    raw = await raw_latency(url, rate, seconds)
    ours = await thread_latency(url, rate, seconds)
    raw50, raw99 = percentiles(raw)
    our50, our99 = percentiles(ours)
    print(f"propagation latency at {rate:,} updates/s for {seconds:g} s")
    line = "  {:<36}p50 {:6.2f} ms  p99 {:6.2f} ms"
    print(line.format("raw nats-py publish -> subscriber", raw50, raw99))
    print(line.format("twin state -> orchestrator graph", our50, our99), "(< 5 ms)")
    print(
        f"  samples: raw {len(raw):,}, thread {len(ours):,};"
        f" p99 ratio thread / raw {our99 / raw99:.2f}"
    )


def _memory(url: str) -> None:
    raw = raw_client_rss(url)
    twin = idle_twin_rss(url)
    print("resident memory, idle process")
    print(f"  plain nats-py client                {raw / MB:8.1f} MB")
    print(
        f"  twinweave factory twin              {twin / MB:8.1f} MB   (target < 80 MB)"
    )
    print(f"  ratio twin / raw                    {twin / raw:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--rate", type=int, default=1_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with NatsServer() as server:
        asyncio.run(_throughput(server.url, args.messages))
        asyncio.run(_latency(server.url, args.rate, args.seconds))
        _memory(server.url)


if __name__ == "__main__":
    main()
