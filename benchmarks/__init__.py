"""Benchmarks of capital-scarcity (``make bench``; entry point ``benchmarks/run.py``).

Not part of the installed package: sweep throughput, the hardware floor, numba compile time,
the peers (backtrader, bt) on the same rotation, and the end-to-end report. See
docs/PERFORMANCE.md for the measured numbers.
"""
