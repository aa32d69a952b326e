"""``python -m rocketmq_ref.tools.benchmark producer|consumer|batchproducer [options]`` (book A7.5)."""
from __future__ import annotations

import sys

USAGE = ("usage: python -m rocketmq_ref.tools.benchmark producer|consumer|batchproducer [options]\n"
         "       (-h after the role lists its options)")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("producer", "consumer", "batchproducer"):
        print(USAGE, file=sys.stderr)
        return 1
    from rocketmq_ref.common.tracing_setup import configure_tracing_from_env, shutdown_tracing
    from rocketmq_ref.tools.tool_logging import log_client_to_file

    log_client_to_file()
    configure_tracing_from_env(f"benchmark-{argv[0]}")
    try:
        if argv[0] == "producer":
            from rocketmq_ref.tools.benchmark.producer import run
        elif argv[0] == "consumer":
            from rocketmq_ref.tools.benchmark.consumer import run
        else:
            from rocketmq_ref.tools.benchmark.batch_producer import run
        return run(argv[1:])
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    sys.exit(main())
