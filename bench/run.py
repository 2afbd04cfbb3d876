"""Run every benchmark against one embedded nats-server and print the figures.

    python bench/run.py [--messages N] [--seconds S]

Figures are stated as ratios against the raw building block (plain nats-py on the
same server in the same run), since absolute times drift on shared machines.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _throughput import raw_throughput, thread_throughput  # noqa: E402

from thread import NatsServer  # noqa: E402


async def _throughput(url: str, count: int) -> None:
    raw = await raw_throughput(url, count)
    ours, stats = await thread_throughput(url, count)
    print(f"raw nats-py publish->subscribe   {raw:12,.0f} msg/s")
    print(f"thread envelope->validated       {ours:12,.0f} msg/s  ({stats})")
    print(f"ratio thread/raw                 {ours / raw:12.2f}  (target >= 0.50)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    args = parser.parse_args()
    with NatsServer() as server:
        asyncio.run(_throughput(server.url, args.messages))


if __name__ == "__main__":
    main()
